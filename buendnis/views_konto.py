"""Account pages: the optional second factor (TOTP, RFC 6238) for the coordination, the state and superusers,
and the page shown when a form is sent without a valid CSRF token (`csrf_fehler`, CSRF_FAILURE_VIEW).

Set-up shows the secret and the otpauth URI as text (any authenticator app; no external service, no QR code
library). After signing in, a user with a confirmed device is sent to the verify page by
`buendnis.middleware.OTPRequiredMiddleware`; users without a device are not forced.
"""

from __future__ import annotations

from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, REASON_NO_REFERER
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

GERAETENAME = "Authenticator-App"


class AnmeldeForm(AuthenticationForm):
    """The sign-in form. Accounts invited by the coordination are named by their e-mail in lower case; a person
    typing it with capitals (as mail programs show it) still signs in."""

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        return name.lower() if "@" in name else name


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Sechsstelliger Code aus der Authenticator-App"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(gettext_lazy("Der Code besteht nur aus Ziffern."))
        return token


def _sicheres_ziel(request, default: str) -> str:
    ziel = request.POST.get("next") or request.GET.get("next") or ""
    if ziel and url_has_allowed_host_and_scheme(
        ziel, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ziel
    return default


def _gruppiert(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def zwei_faktor_einrichten(request):
    """Set up (or switch off) the TOTP device of the signed-in user."""
    user = request.user
    if not user.has_perm("buendnis.use_otp"):
        raise PermissionDenied(_("Die Zwei-Faktor-Anmeldung ist für Ihre Rolle nicht vorgesehen."))
    bestaetigt = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = TokenForm(request.POST or None)

    if bestaetigt is not None:
        # Switching off needs a current code, so a hijacked session alone cannot remove the factor.
        if request.method == "POST" and form.is_valid():
            if verify_token(user, bestaetigt.persistent_id, form.cleaned_data["token"]):
                TOTPDevice.objects.filter(user=user).delete()
                messages.success(request, _("Die Zwei-Faktor-Anmeldung ist ausgeschaltet."))
                return redirect("konto:otp-setup")
            form.add_error("token", _("Der Code ist ungültig oder abgelaufen."))
        return render(request, "konto/zwei_faktor_status.html", {"form": form, "geraet": bestaetigt})

    geraet = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if geraet is None:
        geraet = TOTPDevice.objects.create(user=user, name=GERAETENAME, confirmed=False)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if geraet.verify_token(form.cleaned_data["token"]):
                geraet.confirmed = True
                geraet.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                otp_login(request, geraet)
                messages.success(
                    request,
                    _(
                        "Die Zwei-Faktor-Anmeldung ist eingerichtet. Ab der nächsten Anmeldung fragen wir den Code ab."
                    ),
                )
                return redirect("konto:otp-setup")
        form.add_error(
            "token", _("Der Code ist ungültig oder abgelaufen. Prüfen Sie die Uhrzeit Ihres Geräts.")
        )
    secret = b32encode(geraet.bin_key).decode()
    return render(
        request,
        "konto/zwei_faktor_einrichten.html",
        {"form": form, "secret": _gruppiert(secret), "otpauth_uri": geraet.config_url},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def zwei_faktor_bestaetigen(request):
    """The step after the password for users with a confirmed device."""
    user = request.user
    ziel = _sicheres_ziel(request, reverse("buendnis:dashboard"))
    geraete = list(devices_for_user(user, confirmed=True))
    if user.is_verified() or not geraete:
        return redirect(ziel)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for geraet in geraete:
            treffer = verify_token(user, geraet.persistent_id, form.cleaned_data["token"])
            if treffer is not None:
                # A new session key for the now fully signed-in session.
                request.session.cycle_key()
                otp_login(request, treffer)
                return redirect(ziel)
        form.add_error(
            "token",
            _(
                "Der Code ist ungültig oder abgelaufen. Nach mehreren Fehlversuchen müssen Sie etwas "
                "länger warten, bevor ein neuer Versuch möglich ist."
            ),
        )
    return render(request, "konto/zwei_faktor_bestaetigen.html", {"form": form, "next": ziel})


def csrf_fehler(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a German page in the application's layout instead of Django's English one (whose
    inline styles the Content-Security-Policy blocks). Typical cause: the form was opened before signing in
    again in another tab, which renews the token. Nothing was saved."""
    return render(
        request,
        "registration/csrf_fehler.html",
        {"cookies_fehlen": reason == REASON_NO_CSRF_COOKIE, "referer_fehlt": reason == REASON_NO_REFERER},
        status=403,
    )
