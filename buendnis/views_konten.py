"""Account pages of the coordination ("Personen & Konten"), the page where an invited person sets a password,
and the pages of a Träger proposed by a Kommune. Thin views over `buendnis.konten`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from buendnis import konten
from buendnis.forms_konten import AkteurVorschlagForm, KontoEinladenForm, KontoFilter, KontoForm
from buendnis.generic import ActionView, ScopedListView, ScopedMixin, ScopedUpdateView, fehler_ins_formular
from buendnis.models import Akteur, User

# Accounts -----------------------------------------------------------------------------------------------------------


class KontoMixin:
    """Rows: the accounts of the own Bündnis, never superusers or the state (`konten.konten_queryset`)."""

    model = User
    permission_required = "buendnis.manage_konten"

    def base_queryset(self):
        return konten.konten_queryset(self.request.user)


class KontoListView(KontoMixin, ScopedListView):
    template_name = "buendnis/konto_list.html"
    filterset_class = KontoFilter
    title = gettext_lazy("Personen & Konten")

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("buendnis", "kommune", "akteur")
            .order_by("last_name", "first_name", "username")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["zeige_buendnis"] = self.request.user.sieht_alle_buendnisse
        return ctx


class KontoEinladenView(ScopedMixin, FormView):
    permission_required = "buendnis.manage_konten"
    form_class = KontoEinladenForm
    template_name = "buendnis/konto_form.html"

    def get_permission_object(self):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        daten = form.cleaned_data
        try:
            konto = konten.konto_einladen(
                email=daten["email"],
                vorname=daten["vorname"],
                nachname=daten["nachname"],
                rolle=daten["rolle"],
                kommune=daten.get("kommune"),
                akteur=daten.get("akteur"),
                buendnis=daten.get("buendnis"),
                by=self.request.user,
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Die Einladung an %(email)s ist unterwegs. Das Konto wird nutzbar, sobald die Person ihr Passwort festlegt."
            )
            % {"email": konto.email},
        )
        return HttpResponseRedirect(reverse("buendnis:konto-list"))


class KontoUpdateView(KontoMixin, ScopedUpdateView):
    form_class = KontoForm
    # Not "user" (Django's default for the User model): that would replace the signed-in person in the page frame.
    context_object_name = "konto"
    template_name = "buendnis/konto_form.html"
    success_message = gettext_lazy("Konto gespeichert.")

    def get_success_url(self):
        return reverse("buendnis:konto-update", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["einladung_offen"] = konten.einladung_offen(self.object)
        ctx["ist_selbst"] = self.object.pk == self.request.user.pk
        return ctx

    def save(self, form):
        daten = form.cleaned_data
        return konten.konto_aendern(
            konto=self.object,
            rolle=daten["rolle"],
            kommune=daten.get("kommune"),
            akteur=daten.get("akteur"),
            vorname=daten.get("first_name"),
            nachname=daten.get("last_name"),
            by=self.request.user,
        )


class KontoAktionView(ActionView):
    model = User
    permission_required = "buendnis.manage_konten"
    object_name = "konto"

    def get_queryset(self):
        return konten.konten_queryset(self.request.user)

    def get_success_url(self) -> str:
        return reverse("buendnis:konto-update", args=[self.object.pk])

    def get_success_message(self, result) -> str:
        return str(self.success_message) % {"name": result.anzeigename()}


class KontoErneutEinladenView(KontoAktionView):
    service = konten.konto_erneut_einladen
    success_message = gettext_lazy(
        "Die Einladung an %(name)s ist erneut unterwegs; der frühere Link gilt nicht mehr."
    )


class KontoDeaktivierenView(KontoAktionView):
    service = konten.konto_deaktivieren
    success_message = gettext_lazy(
        "Das Konto von %(name)s ist deaktiviert. Eine Anmeldung ist nicht mehr möglich."
    )


class KontoReaktivierenView(KontoAktionView):
    service = konten.konto_reaktivieren
    success_message = gettext_lazy("Das Konto von %(name)s ist wieder aktiv.")


class EinladungAnnehmenView(PasswordResetConfirmView):
    """The page behind the link in the invitation: the person sets a password, then signs in.

    Django's password-reset confirmation: the link works once (the token covers the password hash) and
    expires after PASSWORD_RESET_TIMEOUT. A deactivated account's link no longer works."""

    template_name = "registration/einladung_passwort.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Ihr Passwort ist gesetzt. Bitte melden Sie sich jetzt mit Ihrem Benutzernamen %(username)s an."
            )
            % {"username": form.user.username},
        )
        return response


# Träger proposed by a Kommune ---------------------------------------------------------------------------------------


class AkteurVorschlagView(ScopedMixin, FormView):
    """A Kommune proposes a missing Träger; back to where it came from (the offer form) when `next` says so."""

    permission_required = "buendnis.propose_akteur"
    form_class = AkteurVorschlagForm
    template_name = "buendnis/akteur_vorschlag.html"

    def get_permission_object(self):
        return None

    def has_permission(self):
        # Only the staff of a Kommune propose (a superuser belongs to no Kommune: the admin is the tool there).
        return super().has_permission() and bool(self.request.user.kommune_id)

    def _ziel(self) -> str:
        ziel = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if ziel and url_has_allowed_host_and_scheme(
            ziel, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return ziel
        return ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["next"] = self._ziel()
        return ctx

    def form_valid(self, form):
        try:
            with transaction.atomic():
                akteur = konten.akteur_vorschlagen(by=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Der Träger „%(name)s“ ist vorgeschlagen. Sie können ihn sofort in den Angeboten Ihrer Kommune "
                "verwenden; die Geschäftsführende Stelle prüft den Vorschlag."
            )
            % {"name": akteur.name},
        )
        return HttpResponseRedirect(self._ziel() or akteur.get_absolute_url())


class AkteurBestaetigenView(ActionView):
    model = Akteur
    permission_required = "buendnis.review_akteur"
    object_name = "akteur"
    service = konten.akteur_bestaetigen

    def get_success_message(self, result) -> str:
        return _("„%(name)s“ ist als Akteur des Bündnisses bestätigt.") % {"name": result.name}


class AkteurAblehnenView(ActionView):
    model = Akteur
    permission_required = "buendnis.review_akteur"
    object_name = "akteur"
    service = konten.akteur_ablehnen
    abgelehnt = False

    def perform(self, form):
        name = super().perform(form)
        self.abgelehnt = True
        return name

    def get_success_message(self, result) -> str:
        return _("Der Vorschlag „%(name)s“ ist abgelehnt und entfernt.") % {"name": result}

    def get_success_url(self) -> str:
        return reverse("buendnis:akteur-list") if self.abgelehnt else super().get_success_url()
