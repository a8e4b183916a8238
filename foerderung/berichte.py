"""What the funding contributes to reports, exports and the dashboard: the sections "Förderung je
Förderbaustein" and "Teilhabemanagement" of the Sachstandsbericht, the export entries of budgets, applications,
drawdowns, positions and project ideas, and the funding figures of the dashboard.

Registered from `FoerderungConfig.ready()` (see `buendnis.registry`); the figures come from `foerderung.selectors`
(amounts to the cent). The counts of the monitoring are never exported: they leave only through the protected pages.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buendnis import inhalt as i
from buendnis.models import Kommune
from buendnis.registry import (
    Abschnittsart,
    Dashboardteil,
    ExportEintrag,
    Kontext,
    Spalten,
    dashboard_gecacht,
    register_abschnitt,
    register_dashboard,
    register_export,
)
from foerderung import selectors
from foerderung.models import (
    BEWILLIGTE_STATUS,
    Budget,
    BudgetKommune,
    Foerderantrag,
    Mittelabruf,
    Projektidee,
    TeilhabeStelle,
)

EXPORTE = [
    ExportEintrag(Budget, ["id", "buendnis__name", "baustein__nummer", "jahr", "betrag", "bemerkung"]),
    ExportEintrag(
        BudgetKommune,
        [
            "id",
            "budget__buendnis__name",
            "budget__baustein__nummer",
            "budget__jahr",
            "kommune__name",
            "betrag",
        ],
    ),
    ExportEintrag(
        Foerderantrag,
        [
            "id",
            "buendnis__name",
            "baustein__nummer",
            "kommune__name",
            "antragsteller_akteur__name",
            "titel",
            "beginn",
            "ende",
            "haushaltsjahr",
            "gesamtkosten",
            "eigenanteil",
            "drittmittel",
            "beantragt",
            "bewilligt_betrag",
            "status",
            "eingereicht_am",
            "bescheid_datum",
            "bescheid_nummer",
        ],
    ),
    ExportEintrag(
        Mittelabruf,
        [
            "id",
            "antrag__buendnis__name",
            "antrag__titel",
            "antrag__baustein__nummer",
            "datum",
            "betrag",
            "einheiten",
            "bemerkung",
        ],
    ),
    ExportEintrag(
        TeilhabeStelle,
        [
            "id",
            "buendnis__name",
            "kommune__name",
            "bezeichnung",
            "vze",
            "arbeitgeber",
            "besetzt_seit",
            "foerderquote_prozent",
        ],
    ),
    ExportEintrag(
        Projektidee,
        ["id", "buendnis__name", "titel", "skizze", "einreicher", "akteur__name", "status", "frist"],
    ),
]


# Sections of the Sachstandsbericht --------------------------------------------------------------------------------


def abschnitt_foerderung(k: Kontext) -> dict:
    """Funds per Förderbaustein and per Kommune: allocated, applied, approved, drawn (to the cent)."""
    u = selectors.budgetuebersicht(k.user, buendnis_id=k.buendnis.pk)
    return i.abschnitt("foerderung", _("Förderung je Förderbaustein"), foerderung_bloecke(u, k.stichtag))


def abschnitt_foerderung_alle(user) -> dict:
    """Funds per Förderbaustein across every Bündnis the user sees (the state's view)."""
    u = selectors.budgetuebersicht(user)
    return i.abschnitt(
        "foerderung", _("Förderung je Förderbaustein"), foerderung_bloecke(u, timezone.localdate())
    )


def foerderung_bloecke(u, stichtag: datetime.date) -> list[dict]:
    zeilen = u.nach_baustein
    programme = {getattr(getattr(z.objekt, "programm", None), "pk", None) for z in zeilen}

    def label(z):
        if len(programme) > 1 and getattr(z.objekt, "programm", None) is not None:
            return f"{z.objekt.programm.name}: {z.bezeichnung}"
        return z.bezeichnung

    def werte(z):
        return [
            i.euro(z.zugewiesen),
            i.euro(z.beantragt),
            i.euro(z.bewilligt),
            i.euro(z.abgerufen),
            i.euro(z.verfuegbar),
        ]

    kopf = [_("zugewiesen"), _("beantragt"), _("bewilligt"), _("abgerufen"), _("verfügbar")]
    summe = u.summe_baustein
    bloecke = [
        i.diagramm(
            _("Mittel je Förderbaustein"),
            [label(z) for z in zeilen],
            [
                (_("zugewiesen"), [z.zugewiesen for z in zeilen]),
                (_("beantragt"), [z.beantragt for z in zeilen]),
                (_("bewilligt"), [z.bewilligt for z in zeilen]),
                (_("abgerufen"), [z.abgerufen for z in zeilen]),
            ],
            einheit="€",
        ),
        i.tabelle(
            _("Mittel je Förderbaustein (alle Haushaltsjahre, Stand %(tag)s)") % {"tag": i.datum(stichtag)},
            [_("Förderbaustein"), *kopf],
            [[label(z), *werte(z)] for z in zeilen],
            rechts=[False] + [True] * 5,
            fuss=[_("Summe"), *werte(summe)],
        ),
    ]
    if u.nach_kommune:
        bloecke.append(
            i.tabelle(
                _("Mittel je Kommune"),
                [_("Kommune"), *kopf],
                [[z.bezeichnung, *werte(z)] for z in u.nach_kommune],
                rechts=[False] + [True] * 5,
                fuss=[_("Summe"), *werte(u.summe_kommune)],
            )
        )
    bloecke.append(
        i.hinweis(
            _(
                "„beantragt“: eingereichte, nicht abgelehnte oder zurückgezogene Anträge; „bewilligt“: "
                "bewilligte Anträge; „verfügbar“: zugewiesen abzüglich bewilligt."
            )
        )
    )
    return bloecke


def abschnitt_teilhabe(k: Kontext) -> dict:
    """Teilhabemanagement positions (Förderbaustein F6) per Kommune, in full-time equivalents."""
    t = selectors.teilhabemanagement_stellen(k.user)
    stellen = [s for s in t.stellen if s.buendnis_id == k.buendnis.pk]
    if not stellen:
        return i.abschnitt(
            "teilhabemanagement",
            _("Teilhabemanagement"),
            [i.hinweis(_("Es sind keine Stellen im Teilhabemanagement erfasst."))],
        )
    je_kommune: dict[str, list] = {}
    for s in stellen:
        eintrag = je_kommune.setdefault(s.traeger_name, [0, i.CENT * 0, i.CENT * 0])
        eintrag[0] += 1
        eintrag[1] += s.vze
        if s.ist_besetzt:
            eintrag[2] += s.vze
    summe_vze = sum((s.vze for s in stellen), i.CENT * 0)
    besetzt = sum((s.vze for s in stellen if s.ist_besetzt), i.CENT * 0)
    bloecke = [
        i.kennzahlen(
            [
                (_("Stellen"), i.zahl(len(stellen))),
                (_("Vollzeitäquivalente (VZÄ)"), i.zahl(summe_vze)),
                (_("davon besetzt (VZÄ)"), i.zahl(besetzt)),
                (_("unbesetzt (VZÄ)"), i.zahl(summe_vze - besetzt)),
            ]
        ),
        i.tabelle(
            _("Teilhabemanagement je Kommune"),
            [_("Kommune"), _("Stellen"), _("VZÄ"), _("davon besetzt (VZÄ)")],
            [[name, i.zahl(n), i.zahl(v), i.zahl(b)] for name, (n, v, b) in sorted(je_kommune.items())],
            rechts=[False, True, True, True],
            fuss=[_("Summe"), i.zahl(len(stellen)), i.zahl(summe_vze), i.zahl(besetzt)],
        ),
        i.tabelle(
            _("Stellen im Teilhabemanagement"),
            [_("Stelle"), _("Kommune"), _("VZÄ"), _("Anstellungsträger"), _("besetzt seit")],
            [
                [s.bezeichnung, s.traeger_name, i.zahl(s.vze), s.arbeitgeber, i.datum(s.besetzt_seit)]
                for s in stellen[: i.MAX_ZEILEN]
            ],
            rechts=[False, False, True, False, False],
        ),
    ]
    return i.abschnitt("teilhabemanagement", _("Teilhabemanagement"), bloecke)


# The dashboard ----------------------------------------------------------------------------------------------------


def dashboard_uebersicht(user, buendnis_id: int | None = None) -> selectors.Budgetuebersicht:
    """The budget overview of the user's Bündnis (the state: of all), which one dashboard request reads up to three
    times (the funds panel, the chart and the table of the report panel): aggregated once, kept on the request's
    user object under a mark drawn from the cache of the dashboard's figures. The mark is new after every write
    (the data stamps) and whenever that cache is off, so a user object that outlives a write never sees old sums."""
    marke = dashboard_gecacht("foerderung-marke", user, lambda: uuid.uuid4().hex)
    gelesen = getattr(user, "_dashboard_budgetuebersicht", None)
    if gelesen is None or gelesen[0] != marke:
        gelesen = (marke, {})
        user._dashboard_budgetuebersicht = gelesen
    if buendnis_id not in gelesen[1]:
        gelesen[1][buendnis_id] = selectors.budgetuebersicht(user, buendnis_id=buendnis_id)
    return gelesen[1][buendnis_id]


def dashboard_diagramme(k: Kontext) -> list[dict]:
    u = dashboard_uebersicht(k.user, buendnis_id=k.buendnis.pk)
    return i.diagramme(
        i.abschnitt("foerderung", _("Förderung je Förderbaustein"), foerderung_bloecke(u, k.stichtag))
    )


def dashboard_diagramme_alle(user) -> list[dict]:
    """For the state: funds per Förderbaustein across every Bündnis it sees (the chart only)."""
    u = dashboard_uebersicht(user)
    return i.diagramme(
        i.abschnitt(
            "foerderung", _("Förderung je Förderbaustein"), foerderung_bloecke(u, timezone.localdate())
        )
    )[:1]


def mittel_je_kommune(user, buendnis, kommunen: list[Kommune]) -> Spalten:
    u = dashboard_uebersicht(user, buendnis_id=buendnis.pk)
    je_kommune = {getattr(z.objekt, "pk", None): z for z in u.nach_kommune}
    if not u.nach_kommune:
        # The state's view of funds is by Bündnis, never by the Kommunen of one Kreis: no figures, not zeros.
        return Spalten([_("bewilligt"), _("abgerufen")], {k.pk: ["–", "–"] for k in kommunen})
    werte = {}
    for k in kommunen:
        z = je_kommune.get(k.pk)
        werte[k.pk] = [i.euro(z.bewilligt if z else 0), i.euro(z.abgerufen if z else 0)]
    return Spalten([_("bewilligt"), _("abgerufen")], werte)


def mittel_je_buendnis(user, buendnisse: list) -> Spalten:
    """Allocated, approved and drawn funds per Bündnis; three grouped queries."""
    zugewiesen = dict(
        Budget.objects.values_list("buendnis_id").annotate(s=Sum("betrag")).values_list("buendnis_id", "s")
    )
    bewilligt = dict(
        Foerderantrag.objects.filter(status__in=BEWILLIGTE_STATUS)
        .values_list("buendnis_id")
        .annotate(s=Sum("bewilligt_betrag"))
        .values_list("buendnis_id", "s")
    )
    abgerufen = dict(
        Mittelabruf.objects.values_list("antrag__buendnis_id")
        .annotate(s=Sum("betrag"))
        .values_list("antrag__buendnis_id", "s")
    )
    return Spalten(
        [_("zugewiesen"), _("bewilligt"), _("abgerufen")],
        {
            b.pk: [
                i.euro(zugewiesen.get(b.pk) or 0),
                i.euro(bewilligt.get(b.pk) or 0),
                i.euro(abgerufen.get(b.pk) or 0),
            ]
            for b in buendnisse
        },
    )


def teilhabe_je_kommune(user, buendnis, kommunen: list[Kommune]) -> Spalten:
    vze = dict(
        TeilhabeStelle.objects.filter(buendnis=buendnis)
        .values_list("kommune_id")
        .annotate(s=Sum("vze"))
        .values_list("kommune_id", "s")
    )
    return Spalten(
        [_("Teilhabemanagement (VZÄ)")], {k.pk: [i.zahl(vze.get(k.pk) or Decimal("0"))] for k in kommunen}
    )


def teilhabe_je_buendnis(user, buendnisse: list) -> Spalten:
    vze = dict(
        TeilhabeStelle.objects.values_list("buendnis_id")
        .annotate(s=Sum("vze"))
        .values_list("buendnis_id", "s")
    )
    return Spalten(
        [_("Teilhabemanagement (VZÄ)")], {b.pk: [i.zahl(vze.get(b.pk) or Decimal("0"))] for b in buendnisse}
    )


# Registration -----------------------------------------------------------------------------------------------------


def registrieren() -> None:
    """Called from `FoerderungConfig.ready()`."""
    register_export(*EXPORTE)
    register_abschnitt(
        Abschnittsart("foerderung", gettext_lazy("Förderung je Förderbaustein"), abschnitt_foerderung, 80),
        Abschnittsart("teilhabemanagement", gettext_lazy("Teilhabemanagement"), abschnitt_teilhabe, 90),
    )
    register_dashboard(
        Dashboardteil(
            "foerderung",
            "foerderung",
            80,
            diagramme=dashboard_diagramme,
            diagramme_alle=dashboard_diagramme_alle,
            je_kommune=mittel_je_kommune,
            je_buendnis=mittel_je_buendnis,
        ),
        Dashboardteil(
            "teilhabemanagement",
            "foerderung",
            90,
            je_kommune=teilhabe_je_kommune,
            je_buendnis=teilhabe_je_buendnis,
        ),
    )
