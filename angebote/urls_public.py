"""Public, login-free pages (the offer catalogue for counsellors, volunteers and young people)."""

from django.urls import path

from angebote import views

urlpatterns = [
    path("", views.KatalogView.as_view(), name="katalog"),
    path("<int:pk>/", views.KatalogDetailView.as_view(), name="katalog-detail"),
]
