from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from angebote import exporte, forms, selectors, services
from angebote.filters import AngebotFilter
from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus
from angebote.resources import AngebotResource, vorlage
from buendnis import registry
from buendnis.generic import (
    ActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)
from buendnis.io import trennzeichen_aus
from buendnis.models import Buendnis, Kommune
from buendnis.rules import KEIN_RECHT
from buendnis.views_import import ImportFlowView
from buendnis.vorlagen import vorlage_response

EXPORT_FORMATE = ("xlsx", "csv")


def _zugangstabelle(angebot: Angebot, status_liste) -> list[tuple]:
    return [(status, angebot.zugang_fuer(status)) for status in status_liste]


# Catalogue for signed-in users -----------------------------------------------------------------------------------


class AngebotListView(ScopedListView):
    """The catalogue: search, filters, sorting, pagination; flags offers that need re-confirmation."""

    model = Angebot
    permission_required = "angebote.view_angebot"
    filterset_class = AngebotFilter
    template_name = "angebote/angebot_list.html"
    paginate_by = 25
    # Counting the Land's 500,000 offers cost more than the whole rest of the page; sorting a Bündnis's offers
    # joined with every Träger of the country too (issue 18).
    anzahl_gecacht = True
    seite_nach_pk = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["title"] = _("Angebotskatalog")
        ctx["kann_anlegen"] = user.has_perm("angebote.add_angebot") and bool(user.buendnis_id)
        ctx["kann_exportieren"] = user.has_perm("angebote.export_angebot")
        ctx["kann_importieren"] = user.has_perm("angebote.import_angebot") and bool(user.buendnis_id)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["export_query"] = query.urlencode()
        ctx["liste_query"] = self.request.GET.urlencode()
        # Bulk steps: a checkbox on each row the user may move by one of them, a button per step.
        aktionen = sammelaktionen_fuer(user)
        moeglich = set()
        for angebot in ctx["object_list"]:
            angebot.sammelaktionen = [t.action for t in aktionen if _darf(user, t, angebot)]
            moeglich.update(angebot.sammelaktionen)
        ctx["sammelaktionen"] = [t for t in aktionen if t.action in moeglich]
        ctx["zeilen"] = katalogzeilen(ctx["object_list"], auswahl=bool(ctx["sammelaktionen"]))
        return ctx


# Stands for the pk in the detail URL reversed once per page of the catalogue (`katalogzeilen`).
_PK_PLATZHALTER = 9007199254740993


def katalogzeilen(angebote, *, auswahl: bool) -> SafeString:
    """The table rows of the catalogue, built in one pass in Python: through template tags each row cost more
    than the page's SQL (issue 18). The same markup as the former loop in the template: every value escaped by
    `conditional_escape` and localised as `{{ }}` does, every UI text through gettext; `auswahl`: with the
    checkbox column of the bulk steps (ticked per row where `angebot.sammelaktionen` allows one).

    What is the same for every row is worked out once: the detail URL (`Angebot.get_absolute_url`, which differs
    between rows only in the pk), the status labels (`get_status_display`), the figures."""
    zeilen = []
    veraltet, auswaehlen = _("Aktualität prüfen"), _("„%(t)s“ auswählen")
    url = reverse("angebote:angebot-detail", args=[_PK_PLATZHALTER])
    url_vor, url_nach = (conditional_escape(t) for t in url.rsplit(str(_PK_PLATZHALTER), 1))
    status_text = {wert: conditional_escape(text) for wert, text in AngebotStatus.choices}
    zahlen: dict[int, str] = {}

    def zahl(wert: int) -> str:
        if wert not in zahlen:
            zahlen[wert] = _text(wert)
        return zahlen[wert]

    for angebot in angebote:
        pk, titel = angebot.pk, conditional_escape(angebot.titel)
        # The checkbox cell's line stays (empty) without the bulk steps, as the template left it.
        box = ""
        if auswahl:
            if angebot.sammelaktionen:
                box = (
                    f'<td><input class="form-check-input" type="checkbox" name="auswahl" value="{pk}" '
                    f'id="auswahl-{pk}"><label class="visually-hidden" for="auswahl-{pk}">'
                    f"{auswaehlen % {'t': titel}}</label></td>"
                )
            else:
                box = "<td></td>"
        badge = ""
        if angebot.ist_veraltet:
            badge = (
                ' <span class="badge badge-stale"><i class="bi bi-clock-history" aria-hidden="true"></i> '
                f"{veraltet}</span>"
            )
        if angebot.kreisweit:
            ort = _("kreisweit")
        else:
            ort = ", ".join(conditional_escape(k.name) for k in angebot.kommunen.all())
        plaetze = "–" if angebot.plaetze is None else zahl(angebot.plaetze)
        if angebot.freie_plaetze is not None:
            plaetze = f"{plaetze} ({zahl(angebot.freie_plaetze)})"
        if angebot.laufend:
            beginn = _("laufend")
        elif angebot.beginn:
            # |date:"d.m.Y"
            beginn = f"{angebot.beginn.day:02d}.{angebot.beginn.month:02d}.{angebot.beginn.year:04d}"
        else:
            beginn = "–"
        status = status_text.get(angebot.status)
        if status is None:
            status = conditional_escape(angebot.get_status_display())
        zeilen.append(
            f"\n    <tr>\n      {box}"
            f'\n      <td><a href="{url_vor}{pk}{url_nach}">{titel}</a>{badge}</td>'
            f"\n      <td>{conditional_escape(angebot.traeger.name)}</td>"
            f"\n      <td>{ort}</td>"
            f"\n      <td>{conditional_escape(angebot.kategorie.bezeichnung)}</td>"
            f'\n      <td class="zahl">{plaetze}</td>'
            f"\n      <td>{beginn}</td>"
            f"\n      <td>{status}</td>"
            "\n    </tr>\n  "
        )
    if not zeilen:
        spalten = 8 if auswahl else 7
        leer = _("Keine Angebote gefunden.")
        zeilen.append(f'\n    <tr><td colspan="{spalten}">{leer}</td></tr>\n  ')
    return mark_safe("".join(zeilen))  # noqa: S308 - every value escaped above


def sammelaktionen_fuer(user) -> list:
    """The bulk steps of the offer list for this user: the coordination publishes, the owners submit drafts."""
    if user.has_perm("angebote.publish_angebot"):
        return [services.TRANSITIONS.get("veroeffentlichen")]
    if user.has_perm("angebote.submit_angebot"):
        return [services.TRANSITIONS.get("einreichen")]
    return []


def _darf(user, transition, angebot: Angebot) -> bool:
    return angebot.status in transition.sources and user.has_perm(transition.perm, angebot)


# The most offers one bulk step takes (a page of the list is 25; a hand-made request is cut off here).
SAMMEL_MAX = 200


class AngebotSammelaktionView(LoginRequiredMixin, TemplateView):
    """One workflow step for the offers ticked in the list: first a page naming what will change (each offer,
    its status now and after) and which offers cannot move and why; on confirmation the service moves them.

    Only offers the user may see are taken (`visible_to`); other ids are ignored, as if not ticked."""

    http_method_names = ["post"]
    template_name = "angebote/angebot_sammelaktion.html"

    def post(self, request, *args, **kwargs):
        user = request.user
        transition = services.TRANSITIONS.get(request.POST.get("aktion", ""))
        if transition is None or transition.action not in services.SAMMELAKTIONEN:
            raise Http404
        if transition not in sammelaktionen_fuer(user):
            raise PermissionDenied(KEIN_RECHT)
        liste = reverse("angebote:angebot-list")
        query = request.POST.get("liste_query", "")
        zurueck = f"{liste}?{query}" if query else liste
        ids = [int(v) for v in request.POST.getlist("auswahl") if v.isdigit()][:SAMMEL_MAX]
        angebote = list(
            Angebot.objects.visible_to(user)
            .filter(pk__in=ids)
            .select_related("traeger", "ansprechperson")
            .prefetch_related("kommunen")
            .order_by("titel", "pk")
        )
        if not angebote:
            messages.error(request, _("Bitte wählen Sie in der Liste mindestens ein Angebot aus."))
            return redirect(zurueck)
        if request.POST.get("bestaetigt"):
            ergebnis = services.angebote_sammelaktion(angebote=angebote, aktion=transition.action, by=user)
            meldung = sammelmeldung(transition.action, ergebnis)
            if ergebnis.erledigt:
                messages.success(request, meldung)
            else:
                messages.error(request, meldung)
            return redirect(zurueck)
        zeilen = [(a, services.hindernis(angebot=a, aktion=transition.action, by=user)) for a in angebote]
        return self.render_to_response(
            self.get_context_data(
                title=transition.label,
                transition=transition,
                ziel=AngebotStatus(transition.target).label,
                moeglich=[a for a, grund in zeilen if not grund],
                nicht_moeglich=[(a, grund) for a, grund in zeilen if grund],
                liste_query=query,
                zurueck=zurueck,
            )
        )


SAMMEL_ERLEDIGT = {
    "einreichen": (
        gettext_lazy("%(n)d Angebot zur Prüfung eingereicht"),
        gettext_lazy("%(n)d Angebote zur Prüfung eingereicht"),
    ),
    "veroeffentlichen": (
        gettext_lazy("%(n)d Angebot veröffentlicht"),
        gettext_lazy("%(n)d Angebote veröffentlicht"),
    ),
}


def sammelmeldung(aktion: str, ergebnis: services.Sammelergebnis) -> str:
    """One message for a bulk step: "3 Angebote veröffentlicht; 1 nicht: „Kurs B“ (reason)."."""
    n = len(ergebnis.erledigt)
    einzahl, mehrzahl = SAMMEL_ERLEDIGT[aktion]
    teile = [str(einzahl if n == 1 else mehrzahl) % {"n": n}]
    if ergebnis.abgelehnt:
        gruende = "; ".join(f"„{a.titel}“ ({grund})" for a, grund in ergebnis.abgelehnt)
        teile.append(_("%(n)d nicht: %(gruende)s") % {"n": len(ergebnis.abgelehnt), "gruende": gruende})
    return "; ".join(teile) + "."


class AngebotDetailView(ScopedDetailView):
    model = Angebot
    permission_required = "angebote.view_angebot"
    template_name = "angebote/angebot_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("traeger", "kategorie", "ansprechperson", "pruefung_durch", "buendnis")
            # The access table pairs the rows with the active statuses it reads anyway (`_zugangstabelle`).
            .prefetch_related("kommunen", "zugaenge")
            # "n von m Sprachen übersetzt" in the same query as the offer.
            .annotate(
                anzahl_uebersetzungen=Coalesce(
                    Subquery(
                        Angebot._parler_meta.root_model.objects.filter(master=OuterRef("pk"))
                        .order_by()
                        .values("master")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        angebot, user = self.object, self.request.user
        sichtbar = Angebot.objects.visible_to(user)
        ctx["zugangstabelle"] = _zugangstabelle(angebot, Aufenthaltsstatus.objects.aktiv())
        ctx["kette"] = selectors.bildungskette(angebot, sichtbar)
        # Title and link only; filtered from the visible side, the user's scope narrows the query's index scan.
        ctx["vorangebote"] = sichtbar.filter(anschlussangebote=angebot).only("pk", "titel")
        aktionen = services.moegliche_aktionen(angebot, user)
        ctx["aktionen"] = aktionen
        ctx.update(_aktionen_der_seite(angebot, aktionen))
        ctx["kommentar_form"] = forms.KommentarForm()
        ctx["kann_pruefen"] = user.has_perm("angebote.check_angebot", angebot)
        ctx["pruefung_form"] = forms.PruefungForm()
        ctx["kann_bestaetigen"] = angebot.status == AngebotStatus.VEROEFFENTLICHT and user.has_perm(
            "angebote.confirm_angebot", angebot
        )
        # Without a workflow step to take, confirming a stale offer is the page's main action.
        ctx["bestaetigen_primaer"] = (
            ctx["kann_bestaetigen"] and ctx["hauptaktion"] is None and angebot.ist_veraltet
        )
        ctx["statuswechsel"] = angebot.statuswechsel.select_related("durch").order_by("-zeitpunkt", "-pk")[
            :20
        ]
        return ctx


def _aktionen_der_seite(angebot: Angebot, aktionen: list) -> dict:
    """Where each step the user may take shows on the offer's page.

    `hauptaktion`: the one primary button (`services.HAUPTAKTIONEN`); `nebenaktionen`: the other buttons;
    `rueckgabe`: the send-back box with its comment field, only for an offer waiting for review. A published offer
    is withdrawn or sent back rarely, and it leaves the public catalogue: those steps wait under "Weitere
    Aktionen" (`weitere_aktionen`)."""
    nach_name = {t.action: t for t in aktionen}
    haupt = next((nach_name[a] for a in services.HAUPTAKTIONEN if a in nach_name), None)
    veroeffentlicht = angebot.status == AngebotStatus.VEROEFFENTLICHT

    def zurueck(t) -> bool:
        return t.comment_required or t.action == "zuruecknehmen"

    return {
        "hauptaktion": haupt,
        "nebenaktionen": [
            t
            for t in aktionen
            if t is not haupt and not t.comment_required and not (veroeffentlicht and zurueck(t))
        ],
        "rueckgabe": None if veroeffentlicht else next((t for t in aktionen if t.comment_required), None),
        "weitere_aktionen": [t for t in aktionen if veroeffentlicht and zurueck(t)],
    }


class AngebotFormMixin:
    model = Angebot
    form_class = forms.AngebotForm
    template_name = "angebote/angebot_form.html"

    def get_zugang_forms(self):
        if not hasattr(self, "_zugang_forms"):
            data = self.request.POST if self.request.method == "POST" else None
            self._zugang_forms = forms.zugang_forms(data, self.object)
        return self._zugang_forms

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["zugang_forms"] = self.get_zugang_forms()
        # A Kommune missing a Träger proposes it and comes back here (buendnis:akteur-vorschlagen).
        ctx["kann_traeger_vorschlagen"] = self.request.user.has_perm("buendnis.propose_akteur")
        ctx["kann_einreichen"] = self.kann_einreichen()
        return ctx

    def kann_einreichen(self) -> bool:
        """Whether the form offers "Speichern und zur Prüfung einreichen": to the owner of a draft, not to the
        coordination (it reviews and publishes)."""
        raise NotImplementedError

    def einreichen_falls_gewuenscht(self, angebot: Angebot) -> Angebot:
        """ "Speichern und zur Prüfung einreichen": the submit step through the service, in the same transaction
        as the save (refused: nothing is saved, the form says why)."""
        if "einreichen" not in self.request.POST:
            return angebot
        angebot = services.angebot_submit(angebot=angebot, by=self.request.user)
        self.success_message = _("„%(titel)s“ ist gespeichert und zur Prüfung eingereicht.") % {
            "titel": angebot.titel
        }
        return angebot

    def form_valid(self, form):
        if not all(f.is_valid() for f in self.get_zugang_forms()):
            form.add_error(None, _("Bitte prüfen Sie die Angaben zum Zugang nach Aufenthaltsstatus."))
            return self.form_invalid(form)
        return super().form_valid(form)

    def form_invalid(self, form):
        for f in self.get_zugang_forms():
            f.is_valid()
        return super().form_invalid(form)

    def _daten(self, form) -> dict:
        return {
            "kommunen": list(form.cleaned_data.get("kommunen") or []),
            "anschlussangebote": list(form.cleaned_data.get("anschlussangebote") or []),
            "zugaenge": [f.daten() for f in self.get_zugang_forms()],
        }


class AngebotCreateView(AngebotFormMixin, ScopedCreateView):
    permission_required = "angebote.add_angebot"
    success_message = gettext_lazy("Angebot als Entwurf angelegt.")

    def kann_einreichen(self) -> bool:
        user = self.request.user
        return user.has_perm("angebote.add_angebot") and not user.has_perm("angebote.publish_angebot")

    def save(self, form):
        angebot = services.angebot_create(angebot=form.instance, by=self.request.user, **self._daten(form))
        return self.einreichen_falls_gewuenscht(angebot)


class AngebotUpdateView(AngebotFormMixin, ScopedUpdateView):
    permission_required = "angebote.change_angebot"
    success_message = gettext_lazy("Angebot gespeichert.")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("kommunen", "zugaenge")

    def kann_einreichen(self) -> bool:
        user, angebot = self.request.user, self.object
        return (
            angebot.status == AngebotStatus.ENTWURF
            and user.has_perm("angebote.submit_angebot", angebot)
            and not user.has_perm("angebote.publish_angebot", angebot)
        )

    def save(self, form):
        angebot = services.angebot_update(
            angebot=form.instance,
            version=form.cleaned_data.get("version"),
            by=self.request.user,
            **self._daten(form),
        )
        return self.einreichen_falls_gewuenscht(angebot)


class AngebotAktionView(ActionView):
    """One step of the review workflow (`aktion` in the URL); refused steps come back as a message."""

    model = Angebot

    def get_permission_required(self):
        self.transition = services.TRANSITIONS.get(self.kwargs["aktion"])
        if self.transition is None:
            raise Http404
        return (self.transition.perm,)

    def perform(self, form):
        # The comment is optional for most steps; an unusable one counts as none (the service asks if needed).
        kommentar_form = forms.KommentarForm(self.request.POST)
        kommentar = kommentar_form.cleaned_data["kommentar"] if kommentar_form.is_valid() else ""
        return services.angebot_transition(
            angebot=self.object, aktion=self.transition.action, kommentar=kommentar, by=self.request.user
        )

    def get_success_message(self, result):
        return self.transition.success_message_for(result) or _(
            "„%(titel)s“ ist jetzt im Status „%(status)s“."
        ) % {"titel": result.titel, "status": result.get_status_display()}


angebot_aktion = AngebotAktionView.as_view()
# Records the quality check (coordination).
angebot_pruefung = ActionView.as_view(
    model=Angebot,
    permission_required="angebote.check_angebot",
    form_class=forms.PruefungForm,
    invalid_message=gettext_lazy("Bitte geben Sie Datum und Ergebnis der Prüfung an."),
    service=services.angebot_record_check,
    success_message=gettext_lazy("Qualitätsprüfung gespeichert."),
)
# Confirms that a published offer is still current.
angebot_bestaetigen = ActionView.as_view(
    model=Angebot,
    permission_required="angebote.confirm_angebot",
    service=services.angebot_confirm,
    success_message=gettext_lazy("Aktualität bestätigt."),
)


# Analyses --------------------------------------------------------------------------------------------------------


class BuendnisWahlMixin(ScopedMixin):
    """Pages about one Bündnis: the user's own; the state and superusers choose one (`?buendnis=`)."""

    permission_required = "angebote.view_zugangsmatrix"

    def get_permission_object(self):
        return None

    def has_permission(self):
        # The declared permission (readers of an alliance, the state, superusers), checked without an object.
        return self.request.user.has_perm(self.permission_required)

    def get_buendnis(self) -> Buendnis:
        user = self.request.user
        buendnisse = Buendnis.objects.visible_to(user)
        wahl = self.request.GET.get("buendnis", "")
        if wahl.isdigit():
            return get_object_or_404(buendnisse, pk=wahl)
        if user.buendnis_id:
            return get_object_or_404(buendnisse, pk=user.buendnis_id)
        buendnis = buendnisse.filter(angebote__isnull=False).distinct().order_by("name").first()
        if buendnis is None:
            raise Http404
        return buendnis

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["buendnis"] = self.buendnis = buendnis = self.get_buendnis()
        user = self.request.user
        if user.sieht_alle_buendnisse:

            def optionen() -> SafeString:
                zeilen = Buendnis.objects.visible_to(user).order_by("name").values_list("pk", "name")
                return format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    ((_text(pk), " selected" if pk == buendnis.pk else "", name) for pk, name in zeilen),
                )

            # The options of the choice of a Bündnis (400 for the whole of Germany), built in Python and kept with
            # the dashboard's figures under the stamp of all Bündnisse, which a write to any Bündnis renews.
            ctx["buendnis_auswahl"] = registry.dashboard_gecacht(
                "buendnis_auswahl", user, optionen, str(buendnis.pk)
            )
        return ctx


class ZugangsmatrixView(BuendnisWahlMixin, TemplateView):
    """Kategorie × Aufenthaltsstatus: accessible offers and places; opening possible; per Kommune."""

    template_name = "angebote/zugangsmatrix.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        buendnis = ctx["buendnis"]
        kommunen = list(Kommune.objects.filter(buendnis=buendnis))
        kommune = None
        wahl = self.request.GET.get("kommune", "")
        if wahl.isdigit():
            kommune = next((k for k in kommunen if k.pk == int(wahl)), None)
            if kommune is None:
                raise Http404
        ctx["kommunen"], ctx["kommune"] = kommunen, kommune
        user = self.request.user
        basis = {"status": AngebotStatus.VEROEFFENTLICHT, "laufend": "on"}
        if user.sieht_alle_buendnisse:
            basis["buendnis"] = buendnis.pk
        if kommune:
            basis["kommune"] = kommune.pk
        ctx["liste_url"] = liste_url = reverse("angebote:angebot-list")
        ctx["basis_query"] = basis_query = urlencode(basis)
        ctx["heute"] = heute = timezone.localdate()

        def berechnen() -> MatrixTabelle:
            matrix = selectors.zugangsmatrix(
                buendnis_id=buendnis.pk, kommune_id=kommune.pk if kommune else None, stichtag=heute
            )
            return MatrixTabelle(matrix.angebote_gesamt, matrix_tabelle(matrix, f"{liste_url}?{basis_query}"))

        # An aggregate over the whole Bündnis: kept with the dashboard's figures under the stamp of the user's
        # Bündnis (the state's: of all Bündnisse).
        ctx["matrix"] = registry.dashboard_gecacht(
            "zugangsmatrix",
            user,
            berechnen,
            str(buendnis.pk),
            str(kommune.pk if kommune else "-"),
            heute.isoformat(),
            basis_query,
        )
        return ctx


@dataclass(frozen=True)
class MatrixTabelle:
    """What the Zugangsmatrix page shows of the matrix: the number of offers and the table's markup."""

    angebote_gesamt: int
    tabelle: SafeString


def _text(wert) -> str:
    """A value as `{{ wert }}` renders it: localized, escaped."""
    return conditional_escape(formats.localize(wert))


def matrix_tabelle(matrix: selectors.Zugangsmatrix, liste: str) -> SafeString:
    """Head, rows and sums of the Zugangsmatrix, built in one pass in Python (issue 18: a hundred cells through
    template tags cost more than the matrix's SQL); the markup of the former template loop, every text escaped.
    `liste`: the offer list with the page's base filters, each cell links there with its Kategorie and status."""
    liste = _text(liste)
    kopf = "".join(
        format_html(
            '<th scope="col"><abbr title="{}{}">{}</abbr></th>',
            s.bezeichnung,
            f" ({s.rechtsgrundlage_zusatz})" if s.rechtsgrundlage_zusatz else "",
            s.kurz,
        )
        for s in matrix.status
    )
    kein = _("kein zugängliches Angebot")
    zeilen = []
    for kategorie, zellen in matrix.zeilen:
        k = _text(kategorie.pk)
        teile = []
        for z in zellen:
            s = _text(z.status.pk)
            if z.angebote:
                label = _("%(n)s Angebote mit %(p)s Plätzen: %(k)s für %(s)s") % {
                    "k": _text(kategorie.bezeichnung),
                    "s": _text(z.status.kurz),
                    "n": _text(z.angebote),
                    "p": _text(z.plaetze),
                }
                inhalt = (
                    f'<a href="{liste}&amp;kategorie={k}&amp;zugang={s}" aria-label="{label}">'
                    f"{_text(z.angebote)}</a> / {_text(z.plaetze)}"
                )
                if z.eingeschraenkt:
                    davon = _("davon %(n)s eingeschr.") % {"n": _text(z.eingeschraenkt)}
                    inhalt += f"<br><small>{davon}</small>"
            else:
                inhalt = f'<span title="{kein}">0</span>'
            oeffnung = ""
            if z.oeffnung_moeglich:
                oeffenbar = _("%(n)s öffenbar") % {"n": _text(z.oeffnung_moeglich)}
                oeffnung = (
                    f'<br><a class="small" href="{liste}&amp;kategorie={k}&amp;oeffnung={s}">'
                    f'<i class="bi bi-unlock" aria-hidden="true"></i> {oeffenbar}</a>'
                )
            klasse = "" if z.angebote else "table-warning"
            teile.append(f'<td class="{klasse}">\n      {inhalt}\n      {oeffnung}\n    </td>')
        zeilen.append(
            f'\n    <tr><th scope="row">{_text(kategorie.bezeichnung)}</th>\n    {"".join(teile)}</tr>\n  '
        )
    summen = []
    for z in matrix.summen:
        zusatz = ""
        if z.oeffnung_moeglich:
            zusatz = "<br><small>{}</small>".format(_("%(n)s öffenbar") % {"n": _text(z.oeffnung_moeglich)})
        summen.append(f"<td>{_text(z.angebote)} / {_text(z.plaetze)}{zusatz}</td>")
    return mark_safe(  # noqa: S308 - every text escaped above, translations are literals as in the template
        f'<thead><tr><th scope="col">{_("Kategorie")}</th>{kopf}</tr></thead>\n'
        f"  <tbody>\n  {''.join(zeilen)}\n  </tbody>\n"
        f'  <tfoot><tr><th scope="row">{_("Summe (Angebote / Plätze)")}</th>{"".join(summen)}</tr></tfoot>'
    )


class BildungsketteView(ScopedDetailView):
    """The pathway from one offer: every chain of Anschlussangebote, with where it ends."""

    model = Angebot
    permission_required = "angebote.view_angebot"
    template_name = "angebote/bildungskette.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sichtbar = Angebot.objects.visible_to(self.request.user)
        ctx["kette"] = selectors.bildungskette(self.object, sichtbar)
        ctx["vorangebote"] = self.object.vorangebote.filter(pk__in=sichtbar.values("pk"))
        return ctx


class SackgassenView(BuendnisWahlMixin, TemplateView):
    """Dead ends of the Bündnis' pathways ("Maßnahmen-Karrieren" vermeiden)."""

    template_name = "angebote/sackgassen.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sackgassen"] = selectors.sackgassen(buendnis_id=ctx["buendnis"].pk)
        return ctx


# Import and export -----------------------------------------------------------------------------------------------


@login_required
def angebot_export(request):
    """The offers of the current list (same filters), limited to the user's scope, as XLSX or CSV."""
    if not request.user.has_perm("angebote.export_angebot"):
        raise PermissionDenied(KEIN_RECHT)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATE:
        raise Http404
    basis = Angebot.objects.visible_to(request.user).for_export()
    filterset = AngebotFilter(request.GET, queryset=basis, request=request)
    if not filterset.is_valid():
        # Never "everything" instead of what the list shows: back to the list, which marks the bad filter.
        messages.error(
            request,
            _("Der Export wurde nicht erstellt: Bitte korrigieren Sie zuerst die markierten Filterangaben."),
        )
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(reverse("angebote:angebot-list") + (f"?{query.urlencode()}" if query else ""))
    queryset = filterset.qs
    dateiname = f"angebote-{timezone.localdate():%Y-%m-%d}"
    sichtbar = Angebot.objects.visible_to(request.user)
    return exporte.export_response(
        queryset, fmt, dateiname, sichtbar=sichtbar, trennzeichen=trennzeichen_aus(request.GET)
    )


@login_required
def import_vorlage(request):
    """The import template: German column headers (one column per Aufenthaltsstatus), an example row the import
    skips, drop-down lists and a help sheet (XLSX), or header and example row (CSV)."""
    if not request.user.has_perm("angebote.import_angebot"):
        raise PermissionDenied(KEIN_RECHT)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATE:
        raise Http404
    return vorlage_response(
        vorlage(request.user), fmt, "angebote-vorlage", trennzeichen=trennzeichen_aus(request.GET)
    )


class AngebotImportView(ImportFlowView):
    """Staff import page for the Kommunen (own Kommune only) and the coordination."""

    resource_class = AngebotResource
    permission_required = "angebote.import_angebot"
    title = gettext_lazy("Angebote importieren")
    template_url_name = "angebote:import-vorlage"
    hinweis = gettext_lazy(
        "Laden Sie eine Tabelle nach der Vorlage hoch. Zuerst läuft ein Probelauf; gespeichert wird erst nach "
        "Ihrer Bestätigung und nur, wenn keine Zeile fehlerhaft ist. Neue Angebote werden als Entwurf angelegt; "
        "eine Zeile mit vorhandener Kennung aktualisiert das Angebot."
    )

    @property
    def success_url(self):
        return reverse("angebote:angebot-list")

    def has_permission(self):
        user = self.request.user
        return user.has_perm(self.permission_required) and bool(user.buendnis_id)

    def get_resource(self):
        return AngebotResource(user=self.request.user)
