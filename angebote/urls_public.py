"""Public, login-free pages (the offer catalogue for young people, volunteers and counsellors)."""

from django.urls import path

from angebote import oeffentlich

urlpatterns = [
    path("", oeffentlich.KatalogView.as_view(), name="katalog"),
    path("<int:pk>/", oeffentlich.KatalogDetailView.as_view(), name="katalog-detail"),
]
