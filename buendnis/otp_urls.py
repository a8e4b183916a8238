"""Account pages for the optional second factor and the page behind an invitation link; mounted at /konto/ in
config/urls.py."""

from django.urls import path

from buendnis import views_konten, views_konto

app_name = "konto"

urlpatterns = [
    path("zwei-faktor/", views_konto.zwei_faktor_einrichten, name="otp-setup"),
    path("zwei-faktor/bestaetigen/", views_konto.zwei_faktor_bestaetigen, name="otp-verify"),
    # The one-time link of an invitation by the coordination: the person sets a password.
    path("einladung/<uidb64>/<token>/", views_konten.EinladungAnnehmenView.as_view(), name="einladung"),
]
