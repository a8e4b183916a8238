"""Account pages for the optional second factor; mounted at /konto/ in config/urls.py."""

from django.urls import path

from buendnis import views_konto

app_name = "konto"

urlpatterns = [
    path("zwei-faktor/", views_konto.zwei_faktor_einrichten, name="otp-setup"),
    path("zwei-faktor/bestaetigen/", views_konto.zwei_faktor_bestaetigen, name="otp-verify"),
]
