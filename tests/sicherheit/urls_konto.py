"""The project's URLs with the account pages mounted at /konto/ (until config/urls.py includes them)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


def _has_namespace(patterns, namespace):
    return any(getattr(p, "namespace", None) == namespace for p in patterns)


urlpatterns = list(project_urlpatterns)
if not _has_namespace(urlpatterns, "konto"):
    urlpatterns.insert(0, path("konto/", include("buendnis.otp_urls")))
