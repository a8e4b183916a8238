from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path

from angebote.oeffentlich import startseite
from buendnis.views import healthz
from buendnis.views_konto import AnmeldeForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin): send them to the static icon.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static_url("img/favicon.svg"))),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=AnmeldeForm),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("katalog/", include("angebote.urls_public")),
    path("api/hsds/", include("berichte.urls_hsds")),
    path("angebote/", include("angebote.urls")),
    path("bedarf/", include("bedarf.urls")),
    path("foerderung/", include("foerderung.urls")),
    path("berichte/", include("berichte.urls")),
    path("konto/", include("buendnis.otp_urls")),
    # The public start page for visitors; signed-in users get their dashboard at the same address.
    path("", startseite, name="start"),
    path("", include("buendnis.urls")),
]

# Uploaded documents and generated files (MEDIA_ROOT) are never served directly, not even in development:
# they leave only through views that check the user's permission (documents, reports, export jobs).
