"""Staff pages of the funding app: thin views; every write goes through one service."""

from __future__ import annotations

import functools
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from buendnis import registry
from buendnis.generic import (
    ActionView,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
    fehler_ins_formular,
)
from buendnis.io import CONTENT_TYPES, export_response, trennzeichen_aus
from buendnis.models import Buendnis
from buendnis.rules import KEIN_RECHT, is_kommune, require_perm
from buendnis.views_import import ImportFlowView
from buendnis.vorlagen import vorlage_response

from . import abrechnung, filters, forms, resources, selectors, services, views_abrechnung, zuwendung
from .models import (
    BEANTRAGTE_STATUS,
    BEWILLIGTE_STATUS,
    IDEE_UEBERGAENGE,
    AntragStatus,
    Budget,
    Foerderantrag,
    Foerderbaustein,
    Foerderprogramm,
    IdeeStatus,
    Mittelabruf,
    Projektidee,
    TeilhabeStelle,
    Verteilung,
)
from .verteilung import BudgetAenderung, budget_aenderungen
from .verteilung import stand as uebernahme_stand


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


# Budget overview -------------------------------------------------------------------------------------------------


class BudgetuebersichtView(ScopedMixin, TemplateView):
    """Allocated, granted by the Land, requested, passed on, drawn and remaining funds per Förderbaustein; per
    Bündnis for the state (never by the Kommunen of a Kreis), per Kommune for a Bündnis (a Kommune: its own row).

    Everything below the heading (filter form, tables, chart data) is rendered once per state of the data and
    cached with the dashboard's figures (`buendnis.registry.dashboard_gecacht`: per role, Bündnis, Kommune,
    language and data stamp, here also per year and Bündnis filter): the state's table has a row per Bündnis,
    400 on the all-Germany data. A committed write renews the stamps, so it shows on the next request."""

    template_name = "foerderung/budgetuebersicht.html"
    permission_required = "foerderung.view_budgetuebersicht"

    def get_permission_object(self):
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        jahr = _int_param(self.request, "jahr")
        buendnis_id = _int_param(self.request, "buendnis") if user.sieht_alle_buendnisse else None
        ctx["jahr"] = jahr
        ctx["inhalt"] = self._inhalt_gecacht(user, jahr, buendnis_id)
        return ctx

    @classmethod
    def _inhalt_gecacht(cls, user, jahr: int | None, buendnis_id: int | None) -> str:
        berechnen = functools.partial(cls._inhalt, user, jahr, buendnis_id)
        return registry.dashboard_gecacht(
            "foerderung-budgetuebersicht",
            user,
            berechnen,
            # The role decides the columns even where the key says "admin" for a superuser.
            f"rolle={user.rolle or '-'}",
            f"jahr={'' if jahr is None else jahr}",
            f"buendnis={'' if buendnis_id is None else buendnis_id}",
        )

    @classmethod
    def _inhalt(cls, user, jahr: int | None, buendnis_id: int | None) -> str:
        """The page below its heading, rendered: it depends on the data, the user's scope and the filters only."""
        uebersicht = selectors.budgetuebersicht(user, jahr=jahr, buendnis_id=buendnis_id)
        zeilen = uebersicht.nach_baustein
        cls._verlinken(uebersicht, jahr, buendnis_id)
        ctx = {
            "uebersicht": uebersicht,
            # The Land's notices go to the Kreis; a Kommune's own figures have none.
            "mit_bescheid": not is_kommune(user),
            # Decimal as text: JSON carries no binary floating point; the script converts for drawing only.
            "diagramm": {
                "labels": [z.objekt.kurz for z in zeilen],
                "reihen": [
                    {"label": str(_("zugewiesen")), "werte": [str(z.zugewiesen) for z in zeilen]},
                    {"label": str(_("bewilligt")), "werte": [str(z.bewilligt) for z in zeilen]},
                    {"label": str(_("abgerufen")), "werte": [str(z.abgerufen) for z in zeilen]},
                ],
            },
            "jahr": jahr,
            "jahre": sorted(
                Budget.objects.visible_to(user).order_by().values_list("jahr", flat=True).distinct()
            ),
            "buendnis_id": buendnis_id,
            "programme": Foerderprogramm.objects.visible_to(user),
        }
        if user.sieht_alle_buendnisse:
            ctx["buendnisse"] = Buendnis.objects.visible_to(user).only("pk", "name")
        return render_to_string("foerderung/_budgetuebersicht_inhalt.html", ctx)

    @staticmethod
    def _verlinken(uebersicht, jahr, buendnis_id) -> None:
        """Each row links to the applications it sums (same filters, so the drill-down shows the same figures)."""
        liste = reverse("foerderung:antrag-list")
        filter_ = (f"&haushaltsjahr={jahr}" if jahr else "") + (
            f"&buendnis={buendnis_id}" if buendnis_id else ""
        )
        for z in uebersicht.nach_baustein:
            z.link = f"{liste}?baustein={z.objekt.pk}{filter_}"
        for z in uebersicht.nach_kommune:
            z.link = f"{liste}?{f'kommune={z.objekt.pk}' if z.objekt else 'kreisweit=true'}{filter_}"
        jahr_filter = f"&haushaltsjahr={jahr}" if jahr else ""
        for z in uebersicht.nach_buendnis:
            z.link = f"{liste}?buendnis={z.objekt.pk}{jahr_filter}"


# Programme and modules (global, managed by the state) ------------------------------------------------------------


class ProgrammDetailView(ScopedDetailView):
    model = Foerderprogramm
    permission_required = "foerderung.view_foerderprogramm"
    template_name = "foerderung/foerderprogramm_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["bausteine"] = self.object.bausteine.all()
        ctx["verteilungen"] = self.object.verteilungen.select_related("baustein")[:20]
        return ctx


class ProgrammUpdateView(ScopedUpdateView):
    model = Foerderprogramm
    form_class = forms.FoerderprogrammForm
    permission_required = "foerderung.change_foerderprogramm"


class BausteinDetailView(ScopedDetailView):
    model = Foerderbaustein
    permission_required = "foerderung.view_foerderbaustein"
    template_name = "foerderung/foerderbaustein_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("programm")


class BausteinUpdateView(ScopedUpdateView):
    model = Foerderbaustein
    form_class = forms.FoerderbausteinForm
    permission_required = "foerderung.change_foerderbaustein"


# Distribution ----------------------------------------------------------------------------------------------------


class VerteilungListView(ScopedListView):
    model = Verteilung
    permission_required = "foerderung.view_verteilung"
    create_url_name = "foerderung:verteilung-create"
    filterset_fields = ["programm", "baustein"]
    columns = [
        (gettext_lazy("Bezeichnung"), "name"),
        (gettext_lazy("Förderbaustein"), "baustein"),
        (gettext_lazy("Haushaltsjahr"), "jahr"),
        (gettext_lazy("zu verteilender Betrag (EUR)"), "gesamtbetrag"),
        (gettext_lazy("Indikator"), "indikator"),
        (gettext_lazy("berechnet am"), "berechnet_am"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("baustein")


class VerteilungCreateView(ScopedCreateView):
    model = Verteilung
    form_class = forms.VerteilungForm
    permission_required = "foerderung.add_verteilung"
    owner_field = None


class VerteilungUpdateView(ScopedUpdateView):
    model = Verteilung
    form_class = forms.VerteilungForm
    permission_required = "foerderung.change_verteilung"

    def save(self, form):
        return services.verteilung_speichern(verteilung=form.save(commit=False), by=self.request.user)


class VerteilungDetailView(ScopedDetailView):
    """The inputs and the saved result, side by side with a fresh recomputation from the same inputs."""

    model = Verteilung
    permission_required = "foerderung.view_verteilung"
    template_name = "foerderung/verteilung_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("programm", "baustein")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        anteile = list(self.object.anteile.select_related("buendnis").order_by("buendnis__name"))
        try:
            neu = services.verteilung_neu_berechnen(self.object) if anteile else {}
            ctx["berechnungsfehler"] = None
        except ValidationError as exc:
            neu = {}
            ctx["berechnungsfehler"] = " ".join(exc.messages)
        for anteil in anteile:
            anteil.neu = neu.get(anteil.buendnis_id)
            anteil.abweichung = (
                anteil.neu - anteil.betrag if anteil.neu is not None and anteil.betrag is not None else None
            )
        ctx["anteile"] = anteile
        ctx["summe_indikator"] = sum((a.indikatorwert for a in anteile), Decimal("0"))
        ctx["summe_gespeichert"] = sum((a.betrag or Decimal("0") for a in anteile), Decimal("0"))
        ctx["summe_neu"] = sum(neu.values(), Decimal("0"))
        ctx["abweichungen"] = sum(1 for a in anteile if a.abweichung or (a.betrag is None and anteile))
        ctx["uebernahme_form"] = forms.BudgetUebernahmeForm(
            initial={"jahr": self.object.jahr},
            action=reverse("foerderung:verteilung-uebernehmen", args=[self.object.pk]),
        )
        ctx["export_url"] = reverse("foerderung:verteilung-export", args=[self.object.pk])
        ctx["import_url"] = reverse("foerderung:verteilung-import", args=[self.object.pk])
        return ctx


verteilung_berechnen = ActionView.as_view(
    model=Verteilung,
    permission_required="foerderung.change_verteilung",
    service=services.verteilung_berechnen,
    success_message=gettext_lazy("Die Verteilung wurde berechnet und gespeichert."),
)


class VerteilungUebernehmenView(ActionView):
    """Takes the computed shares over as the Bündnis budgets of one year (a right of the state, not per row).

    GET shows what would change (which budgets are created, which are overwritten, old → new amount) and asks to
    confirm; only the confirming POST writes, and only while budgets and shares are still what that page showed.
    """

    http_method_names = ["get", "post"]
    model = Verteilung
    permission_required = "foerderung.add_budget"
    form_class = forms.BudgetUebernahmeBestaetigenForm
    template_name = "foerderung/verteilung_uebernahme.html"

    def get_permission_object(self):
        return None

    def _uebernehmen(self, jahr: int) -> tuple[list[BudgetAenderung], list[Budget]]:
        """The takeover itself (the service), next to the budgets of that year as they were before it."""
        alt = {
            b.buendnis: b.betrag
            for b in Budget.objects.visible_to(self.request.user)
            .filter(baustein_id=self.object.baustein_id, jahr=jahr)
            .select_related("buendnis")
        }
        budgets = services.verteilung_in_budgets_uebernehmen(
            verteilung=self.object, jahr=jahr, by=self.request.user
        )
        neu = {b.buendnis: b.betrag for b in sorted(budgets, key=lambda b: b.buendnis.name)}
        return budget_aenderungen(neu, alt), budgets

    def _bestaetigen_url(self, jahr) -> str:
        return f"{reverse('foerderung:verteilung-uebernehmen', args=[self.object.pk])}?{urlencode({'jahr': jahr})}"

    def get(self, request, *args, **kwargs):
        self.get_checked_object()
        jahr_form = forms.BudgetUebernahmeForm(request.GET)
        if not jahr_form.is_valid():
            messages.error(request, _("Bitte geben Sie ein gültiges Haushaltsjahr an."))
            return redirect(self.get_success_url())
        jahr = jahr_form.cleaned_data["jahr"]
        try:
            # A dry run: the service's own checks and amounts, rolled back, so the page shows exactly what
            # confirming will write (or the reason it cannot).
            with transaction.atomic():
                aenderungen, _budgets = self._uebernehmen(jahr)
                transaction.set_rollback(True)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.get_success_url())
        return render(
            request,
            self.template_name,
            {
                "object": self.object,
                "jahr": jahr,
                "aenderungen": aenderungen,
                "anzahl_neu": sum(1 for a in aenderungen if a.ist_neu),
                "anzahl_ueberschrieben": sum(1 for a in aenderungen if a.ueberschrieben),
                "anzahl_gleich": sum(1 for a in aenderungen if not a.ist_neu and not a.ueberschrieben),
                "summe_neu": sum((a.neu for a in aenderungen), Decimal("0")),
                "form": forms.BudgetUebernahmeBestaetigenForm(
                    initial={"jahr": jahr, "stand": uebernahme_stand(aenderungen, key=_pk)}
                ),
            },
        )

    def post(self, request, *args, **kwargs):
        self.get_checked_object()
        form = self.get_form()
        if not form.is_valid():
            # Not confirmed on the overview (an old form, a bookmark): show what would change first.
            return redirect(self._bestaetigen_url(request.POST.get("jahr", "")))
        jahr = form.cleaned_data["jahr"]
        try:
            with transaction.atomic():
                aenderungen, budgets = self._uebernehmen(jahr)
                if uebernahme_stand(aenderungen, key=_pk) != form.cleaned_data["stand"]:
                    transaction.set_rollback(True)
                    messages.warning(
                        request,
                        _(
                            "Budgets oder Verteilung wurden inzwischen geändert; es wurde nichts übernommen. "
                            "Bitte prüfen Sie die Übersicht erneut."
                        ),
                    )
                    return redirect(self._bestaetigen_url(jahr))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.get_success_url())
        messages.success(
            request,
            _("%(n)d Budgets für %(jahr)d übernommen: %(neu)d neu angelegt, %(alt)d überschrieben.")
            % {
                "n": len(budgets),
                "jahr": jahr,
                "neu": sum(1 for a in aenderungen if a.ist_neu),
                "alt": sum(1 for a in aenderungen if a.ueberschrieben),
            },
        )
        return redirect(self.get_success_url())


def _pk(obj) -> str:
    return str(obj.pk)


verteilung_uebernehmen = VerteilungUebernehmenView.as_view()


# Applications ----------------------------------------------------------------------------------------------------


class AntragListView(ScopedListView):
    model = Foerderantrag
    permission_required = "foerderung.view_foerderantrag"
    filterset_class = filters.FoerderantragFilter
    create_url_name = "foerderung:antrag-create"
    template_name = "foerderung/foerderantrag_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Same definitions as the budget overview, so a drill-down from there shows the same figures; over
        # the rows the list shows (none while a filter value is invalid), not only the current page.
        qs = self.object_list.order_by()
        ctx["summen"] = qs.aggregate(
            beantragt=selectors.summe("beantragt", status__in=BEANTRAGTE_STATUS),
            bewilligt=selectors.summe("bewilligt_betrag", status__in=BEWILLIGTE_STATUS),
        )
        ctx["summen"]["abgerufen"] = Mittelabruf.objects.filter(antrag__in=qs.values("pk")).aggregate(
            s=selectors.summe("betrag")
        )["s"]
        ctx["darf_exportieren"] = self.request.user.has_perm("foerderung.import_export")
        return ctx


class AntragDetailView(ScopedDetailView):
    model = Foerderantrag
    permission_required = "foerderung.view_foerderantrag"
    template_name = "foerderung/foerderantrag_detail.html"

    def get_queryset(self):
        return super().get_queryset().for_list().select_related("baustein__programm")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        antrag, user = self.object, self.request.user
        abrufe = list(antrag.mittelabrufe.select_related("erfasst_von", "kostenposition"))
        abgerufen = sum((a.betrag for a in abrufe), Decimal("0.00"))
        ctx.update(
            {
                "kostenpositionen": antrag.kostenpositionen.select_related("regel"),
                "statuswechsel": antrag.statuswechsel.select_related("durch"),
                "mittelabrufe": abrufe,
                "abgerufen": abgerufen,
                "rest": (antrag.bewilligt_betrag - abgerufen)
                if antrag.bewilligt_betrag is not None
                else None,
                "monitoring": selectors.monitoring_tabelle(user, antrag),
                "angebote": antrag.angebote.all(),
                "weitere_kommunen": antrag.weitere_kommunen.all(),
                "verwendungsnachweis": getattr(antrag, "verwendungsnachweis", None),
                "uebergaenge": [
                    (ziel, AntragStatus(ziel).label)
                    for ziel in services.erlaubte_uebergaenge(antrag, user)
                    if ziel
                    not in (AntragStatus.BEWILLIGT, AntragStatus.ABGELEHNT, AntragStatus.VN_EINGEREICHT)
                ],
                "darf_entscheiden": antrag.status == AntragStatus.IN_PRUEFUNG
                and user.has_perm("foerderung.review_foerderantrag", antrag),
                "darf_abrufen": antrag.status == AntragStatus.BEWILLIGT
                and user.has_perm("foerderung.add_mittelabruf", antrag),
                "darf_vn": antrag.status == AntragStatus.BEWILLIGT
                and user.has_perm("foerderung.add_verwendungsnachweis", antrag),
                "darf_monitoring": antrag.status == AntragStatus.BEWILLIGT
                and user.has_perm("foerderung.add_monitoringmeldung", antrag),
                "ablehnung_form": forms.AblehnungForm(),
                "monitoring_form": forms.MonitoringForm(),
            }
        )
        # Drawdowns per cost line, the proof of use with its reconciliation, deadlines (and their forms).
        ctx.update(views_abrechnung.abrechnung_kontext(antrag, ctx))
        ctx["hauptaktion"] = _antrag_hauptaktion(ctx)
        return ctx


def _antrag_hauptaktion(ctx) -> str:
    """The one action the page shows as primary button: the decision on an application under review, else the
    next step of the procedure, else the first of the reports due on an approved application."""
    if ctx["darf_entscheiden"]:
        return "bewilligen"
    if ctx["uebergaenge"]:
        return "status"
    for name, vorhanden in (
        ("abruf", ctx.get("abruf_form")),
        ("monitoring", ctx["darf_monitoring"]),
        ("vn", ctx.get("vn_form")),
    ):
        if vorhanden:
            return name
    return ""


def _kostenplan(formset) -> list[services.KostenpositionDaten]:
    daten = []
    for f in formset:
        if not f.cleaned_data or f.cleaned_data.get("DELETE"):
            continue
        c = f.cleaned_data
        daten.append(
            services.KostenpositionDaten(
                kategorie=c.get("kategorie") or "",
                bezeichnung=c["bezeichnung"],
                betrag=c.get("betrag"),
                einheiten=c.get("einheiten"),
                einheitssatz=c.get("einheitssatz"),
                kostenart=c["kostenart"],
                abweichung_begruendung=c.get("abweichung_begruendung") or "",
            )
        )
    return daten


@login_required
def antrag_bearbeiten(request, pk=None):
    """Create or edit an application with its cost plan (one page, one service call)."""
    if pk is None:
        require_perm(request.user, "foerderung.add_foerderantrag")
        if not request.user.buendnis_id and not request.user.is_superuser:
            raise PermissionDenied(KEIN_RECHT)
        antrag = Foerderantrag(buendnis_id=request.user.buendnis_id)
        initial_kosten = []
    else:
        antrag = get_object_or_404(Foerderantrag.objects.visible_to(request.user), pk=pk)
        require_perm(request.user, "foerderung.change_foerderantrag", antrag)
        initial_kosten = forms.kostenplan_initial(antrag)
    form = forms.FoerderantragForm(request.POST or None, instance=antrag, user=request.user)
    formset = forms.KostenplanFormSet(request.POST or None, initial=initial_kosten, prefix="kosten")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            obj = form.save(commit=False)
            if is_kommune(request.user):
                obj.kommune_id = request.user.kommune_id
            obj = services.antrag_speichern(
                antrag=obj,
                by=request.user,
                kostenplan=_kostenplan(formset),
                weitere_kommunen=list(form.cleaned_data["weitere_kommunen"]),
                angebote=list(form.cleaned_data["angebote"]),
                version=form.cleaned_data.get("version") if pk else None,
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
        else:
            messages.success(request, _("Antrag gespeichert."))
            return redirect(obj)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "foerderung/foerderantrag_form.html",
        {"form": form, "formset": formset, "object": antrag if pk else None},
        status=status,
    )


class AntragStatusView(ActionView):
    """A workflow step without further data (submit, start the review, withdraw, check the proof, close)."""

    model = Foerderantrag
    form_class = forms.StatusForm
    invalid_message = gettext_lazy("Unbekannter Zielstatus.")

    def has_permission(self):
        return True  # the step's own permission, checked once the posted target is known (perform)

    def perform(self, form):
        nach = form.cleaned_data["nach"]
        transition = services.UEBERGAENGE.find(self.object.status, nach)
        require_perm(
            self.request.user, transition.perm if transition else "foerderung.view_foerderantrag", self.object
        )
        return services.antrag_statuswechsel(
            antrag=self.object, nach=nach, kommentar=form.cleaned_data["kommentar"], by=self.request.user
        )

    def get_success_message(self, result):
        return _("Status geändert: %(s)s.") % {"s": AntragStatus(result.status).label}


antrag_status = AntragStatusView.as_view()


@login_required
def antrag_bewilligen(request, pk):
    antrag = get_object_or_404(Foerderantrag.objects.visible_to(request.user).for_list(), pk=pk)
    require_perm(request.user, "foerderung.review_foerderantrag", antrag)
    try:
        # Say so before anyone fills in a Bescheid that would be refused.
        services.pruefe_uebergang(antrag, AntragStatus.BEWILLIGT, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(antrag)
    form = forms.BewilligungForm(request.POST or None, initial={"betrag": antrag.beantragt})
    if request.method == "POST" and form.is_valid():
        try:
            services.antrag_bewilligen(antrag=antrag, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
        else:
            messages.success(request, _("Antrag bewilligt."))
            return redirect(antrag)
    return render(
        request,
        "foerderung/bewilligung_form.html",
        {"antrag": antrag, "form": form, **_entscheidungsrahmen(antrag)},
        status=400 if request.method == "POST" else 200,
    )


def _entscheidungsrahmen(antrag: Foerderantrag) -> dict:
    """The figures an approval must stay within: the Land's grant and what the Kreis has passed on, or, for the
    Land's own decisions, the volume of the call and what is approved from it."""
    if zuwendung.entscheidet_land(antrag):
        aufruf = antrag.aufruf
        if aufruf is None:
            return {"land_entscheidet": True, "aufruf": None}
        bewilligt = zuwendung.aufruf_bewilligt(aufruf, ohne_antrag=antrag.pk)
        return {
            "land_entscheidet": True,
            "aufruf": aufruf,
            "rahmen": {
                "gesamt": aufruf.volumen,
                "bisher": bewilligt,
                "verfuegbar": aufruf.volumen - bewilligt,
            },
        }
    land, weiter, verfuegbar = zuwendung.zuwendung_stand(
        antrag.buendnis_id, antrag.baustein_id, antrag.haushaltsjahr
    )
    return {"land_entscheidet": False, "rahmen": {"gesamt": land, "bisher": weiter, "verfuegbar": verfuegbar}}


class AntragActionView(ActionView):
    """A form on the application's page whose data one service records (refusal, drawdown, proof, monitoring)."""

    model = Foerderantrag
    object_name = "antrag"


antrag_ablehnen = AntragActionView.as_view(
    permission_required="foerderung.review_foerderantrag",
    form_class=forms.AblehnungForm,
    invalid_message=gettext_lazy("Bitte geben Sie einen Ablehnungsgrund an."),
    service=services.antrag_ablehnen,
    success_message=gettext_lazy("Antrag abgelehnt."),
)


class MittelabrufView(AntragActionView):
    """A drawdown from a line of the approved cost plan (units for a flat rate, the amount for actual costs)."""

    permission_required = "foerderung.add_mittelabruf"
    form_class = forms.MittelabrufForm
    invalid_message = gettext_lazy(
        "Bitte prüfen Sie Datum, Kostenposition, Einheiten und Betrag des Mittelabrufs."
    )
    service = services.mittelabruf_erfassen

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "antrag": self.object}

    def get_success_message(self, result):
        return _("Mittelabruf über %(b)s erfasst.") % {"b": services.eur(result.betrag)}


class VerwendungsnachweisView(AntragActionView):
    """The proof of use: narrative report and the statement per cost line; the reconciliation is computed."""

    permission_required = "foerderung.add_verwendungsnachweis"
    form_class = forms.VerwendungsnachweisForm
    invalid_message = gettext_lazy(
        "Bitte füllen Sie alle Angaben zum Verwendungsnachweis aus (Sachbericht und je Kostenposition die "
        "Ausgaben, bei Pauschalen die erbrachten Einheiten)."
    )
    service = services.verwendungsnachweis_einreichen

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "antrag": self.object}

    def service_kwargs(self, form):
        return {
            "eingereicht_am": form.cleaned_data["eingereicht_am"],
            "sachbericht": form.cleaned_data["sachbericht"],
            "positionen": form.positionen(),
        }

    def get_success_message(self, result):
        if result.rueckforderung > 0:
            return _(
                "Verwendungsnachweis erfasst. Abgerufen %(a)s, zustehend %(z)s: Rückforderung %(r)s (fällig "
                "%(t)d Tage nach der Prüfung)."
            ) % {
                "t": abrechnung.RUECKFORDERUNG_FRIST_TAGE,
                "a": services.eur(result.abgerufen),
                "z": services.eur(result.zustehend),
                "r": services.eur(result.rueckforderung),
            }
        return _("Verwendungsnachweis erfasst.")


mittelabruf_erfassen = MittelabrufView.as_view()
verwendungsnachweis_erfassen = VerwendungsnachweisView.as_view()


class StatuszahlenMixin:
    """Figures with a breakdown by residence status (monitoring, caseload): the form splits them."""

    def service_kwargs(self, form):
        return {"nach_status": form.nach_status(), **form.ohne_status()}


class MonitoringView(StatuszahlenMixin, AntragActionView):
    permission_required = "foerderung.add_monitoringmeldung"
    form_class = forms.MonitoringForm
    invalid_message = gettext_lazy("Bitte prüfen Sie die Monitoring-Angaben (ganze Zahlen ab 0).")
    service = services.monitoring_melden
    success_message = gettext_lazy("Monitoring gespeichert.")


monitoring_erfassen = MonitoringView.as_view()


# Teilhabemanagement ----------------------------------------------------------------------------------------------


class TeilhabeListView(ScopedListView):
    model = TeilhabeStelle
    permission_required = "foerderung.view_teilhabestelle"
    create_url_name = "foerderung:teilhabe-create"
    template_name = "foerderung/teilhabestelle_list.html"
    filterset_class = filters.TeilhabeStelleFilter

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = self.object_list.order_by()
        ctx["summen"] = qs.aggregate(
            gesamt_vze=Sum("vze"), besetzt_vze=Sum("vze", filter=Q(besetzt_seit__isnull=False))
        )
        return ctx


class TeilhabeDetailView(ScopedDetailView):
    model = TeilhabeStelle
    permission_required = "foerderung.view_teilhabestelle"
    template_name = "foerderung/teilhabestelle_detail.html"

    def get_queryset(self):
        return super().get_queryset().for_list()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["fallzahlen"] = selectors.fallzahlen_tabelle(self.request.user, self.object)
        ctx["darf_melden"] = self.request.user.has_perm("foerderung.add_teilhabefallzahl", self.object)
        ctx["fallzahl_form"] = forms.FallzahlForm()
        return ctx


class TeilhabeStelleSpeichernMixin:
    """Positions are saved by the service: joined Kommunen only, Kreis positions by the coordination, and the
    funding quota computed (80 %, 90 % under budget consolidation)."""

    def save(self, form):
        from .teilnahme import teilhabestelle_speichern

        return teilhabestelle_speichern(stelle=form.save(commit=False), by=self.request.user)


class TeilhabeCreateView(TeilhabeStelleSpeichernMixin, ScopedCreateView):
    model = TeilhabeStelle
    form_class = forms.TeilhabeStelleForm
    permission_required = "foerderung.add_teilhabestelle"


class TeilhabeUpdateView(TeilhabeStelleSpeichernMixin, ScopedUpdateView):
    model = TeilhabeStelle
    form_class = forms.TeilhabeStelleForm
    permission_required = "foerderung.change_teilhabestelle"


class FallzahlView(StatuszahlenMixin, ActionView):
    model = TeilhabeStelle
    permission_required = "foerderung.add_teilhabefallzahl"
    form_class = forms.FallzahlForm
    invalid_message = gettext_lazy("Bitte prüfen Sie die Fallzahlen (ganze Zahlen ab 0).")
    service = services.fallzahl_melden
    object_name = "stelle"
    success_message = gettext_lazy("Fallzahl gespeichert.")


fallzahl_melden = FallzahlView.as_view()


# Innovationsfonds ------------------------------------------------------------------------------------------------


class IdeeListView(ScopedListView):
    model = Projektidee
    permission_required = "foerderung.view_projektidee"
    create_url_name = "foerderung:idee-create"
    filterset_fields = ["status"]
    columns = [
        (gettext_lazy("Titel"), "titel"),
        (gettext_lazy("Ideengeber"), "einreicher"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Einreichungsfrist"), "frist"),
        (gettext_lazy("Förderantrag"), "antrag"),
    ]


class IdeeDetailView(ScopedDetailView):
    model = Projektidee
    permission_required = "foerderung.view_projektidee"
    template_name = "foerderung/projektidee_detail.html"

    def get_queryset(self):
        return super().get_queryset().for_list()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["uebergaenge"] = [
            (t.target, IdeeStatus(t.target).label)
            for t in IDEE_UEBERGAENGE.available(self.object, self.request.user)
        ]
        return ctx


class IdeeCreateView(ScopedCreateView):
    model = Projektidee
    form_class = forms.ProjektideeForm
    permission_required = "foerderung.add_projektidee"


class IdeeStatusView(ActionView):
    model = Projektidee
    permission_required = "foerderung.set_status_projektidee"
    success_message = gettext_lazy("Status der Projektidee geändert.")

    def perform(self, form):
        status = self.request.POST.get("status", "")
        if status not in IdeeStatus.values:
            raise ValidationError(_("Unbekannter Status."))
        return services.idee_status_setzen(idee=self.object, status=status, by=self.request.user)


idee_status = IdeeStatusView.as_view()


# Import and export -----------------------------------------------------------------------------------------------

EXPORT_FORMATE = tuple(f for f in ("xlsx", "csv") if f in CONTENT_TYPES)


def _format(request) -> str:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATE:
        raise Http404
    return fmt


@login_required
def verteilung_export(request, pk):
    """The distribution's inputs and result per Bündnis (the same columns the indicator import reads)."""
    verteilung = get_object_or_404(Verteilung.objects.visible_to(request.user), pk=pk)
    require_perm(request.user, "foerderung.view_verteilung", verteilung)
    resource = resources.IndikatorResource(verteilung=verteilung, user=request.user)
    return export_response(
        resource,
        resource.get_queryset(),
        _format(request),
        f"verteilung-{verteilung.pk}",
        trennzeichen_aus(request.GET),
    )


@login_required
def antrag_export(request):
    """The applications of the current list (same filters), limited to the user's scope."""
    require_perm(request.user, "foerderung.view_foerderantrag")
    basis = Foerderantrag.objects.visible_to(request.user).for_export()
    filterset = filters.FoerderantragFilter(request.GET, queryset=basis, request=request)
    # What the list shows: an invalid filter value lists (and exports) nothing rather than everything.
    queryset = filterset.qs if filterset.is_valid() else basis.none()
    dateiname = f"foerderantraege-{timezone.localdate():%Y-%m-%d}"
    return export_response(
        resources.FoerderantragResource(user=request.user),
        queryset,
        _format(request),
        dateiname,
        trennzeichen_aus(request.GET),
    )


@login_required
def mittelabruf_export(request):
    require_perm(request.user, "foerderung.view_mittelabruf")
    resource = resources.MittelabrufResource(user=request.user)
    dateiname = f"mittelabrufe-{timezone.localdate():%Y-%m-%d}"
    return export_response(
        resource, resource.get_queryset(), _format(request), dateiname, trennzeichen_aus(request.GET)
    )


def _vorlage(request, baue_vorlage, recht: str, name: str):
    """An import template (`buendnis.vorlagen`): XLSX with example row, drop-down lists and help, or CSV."""
    require_perm(request.user, recht)
    fmt = _format(request)
    return vorlage_response(baue_vorlage(request.user), fmt, name, trennzeichen=trennzeichen_aus(request.GET))


@login_required
def antrag_vorlage(request):
    return _vorlage(request, resources.antrag_vorlage, "foerderung.add_foerderantrag", "antraege-vorlage")


@login_required
def mittelabruf_vorlage(request):
    return _vorlage(
        request, resources.mittelabruf_vorlage, "foerderung.import_export", "mittelabrufe-vorlage"
    )


class AntragImportView(ImportFlowView):
    """Drafts from a table: new rows (empty ID) become drafts, rows with an ID update the user's drafts."""

    resource_class = resources.FoerderantragResource
    permission_required = "foerderung.add_foerderantrag"
    title = gettext_lazy("Förderanträge importieren")
    template_url_name = "foerderung:antrag-vorlage"
    hinweis = gettext_lazy(
        "Zuerst läuft ein Probelauf; gespeichert wird erst nach Ihrer Bestätigung und nur, wenn keine Zeile "
        "fehlerhaft ist. Zeilen ohne ID werden als Entwurf angelegt, Zeilen mit ID aktualisieren Ihren Entwurf "
        "(der Kostenplan wird durch die Summen je Kategorie ersetzt). Beträge in EUR, Datum als TT.MM.JJJJ."
    )

    @property
    def success_url(self):
        return reverse("foerderung:antrag-list")

    def get_resource(self):
        return resources.FoerderantragResource(user=self.request.user)


class MittelabrufImportView(ImportFlowView):
    """Drawdowns from a table (e.g. the Träger's unit statements); each row is checked against the rest."""

    resource_class = resources.MittelabrufResource
    permission_required = "foerderung.import_export"
    title = gettext_lazy("Mittelabrufe importieren")
    template_url_name = "foerderung:mittelabruf-vorlage"
    hinweis = gettext_lazy(
        "Jede Zeile ist ein neuer Mittelabruf für einen bewilligten Antrag (Spalte Antrag-ID). Kein Abruf darf "
        "die noch verfügbaren bewilligten Mittel übersteigen; bei einem Fehler wird nichts gespeichert."
    )

    @property
    def success_url(self):
        return reverse("foerderung:antrag-list")

    def has_permission(self):
        return self.request.user.has_perm("foerderung.add_mittelabruf") and super().has_permission()

    def get_resource(self):
        return resources.MittelabrufResource(user=self.request.user)


class IndikatorImportView(ImportFlowView):
    """Indicator values (and optional base amounts) of one distribution, by Kreisschlüssel."""

    resource_class = resources.IndikatorResource
    title = gettext_lazy("Indikatorwerte importieren")
    hinweis = gettext_lazy(
        "Spalten: Kreisschlüssel, Indikatorwert, optional Sockelbetrag (EUR). Der Export der Verteilung ist "
        "zugleich die Vorlage. Nach dem Import muss die Verteilung neu berechnet werden."
    )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.verteilung = get_object_or_404(Verteilung.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return self.request.user.has_perm("foerderung.change_verteilung", self.verteilung)

    def get_key(self) -> str:
        return f"foerderung.indikatoren.{self.verteilung.pk}"

    @property
    def success_url(self):
        return self.verteilung.get_absolute_url()

    def get_resource(self):
        return resources.IndikatorResource(verteilung=self.verteilung, user=self.request.user)
