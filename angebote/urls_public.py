"""Public, login-free pages (the offer catalogue for counsellors, volunteers and young people)."""

from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="angebote/katalog_platzhalter.html"), name="katalog"),
]
