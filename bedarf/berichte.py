"""What the needs analysis contributes to reports, exports and the dashboard: the section "Bedarfsanalyse und
Angebotslücken" of the Sachstandsbericht, the export entries of rounds, reports and data gaps, the protected needs
analysis as a sheet of the Datenpaket, and the needs figures of the dashboard.

Registered from `BedarfConfig.ready()` (see `buendnis.registry`). Every needs figure that leaves the owning
Kommune is protected here exactly as on the app's pages (`bedarf.selectors`, `bedarf.sperrmuster`); this module
only lays the figures out.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bedarf import selectors, sperrmuster
from bedarf.models import (
    Bedarfsmeldung,
    Datenluecke,
    Erhebung,
    ErhebungStatus,
    Meldewert,
    MeldungStatus,
)
from bedarf.suppression import ZEICHEN, legende
from buendnis import inhalt as i
from buendnis.models import Kommune
from buendnis.registry import (
    Abschnittsart,
    Dashboardteil,
    ExportEintrag,
    Kontext,
    Spalten,
    register_abschnitt,
    register_dashboard,
    register_export,
    register_zusatzblatt,
    spaltenbedeutung,
)
from buendnis.rules import acts_for_kommune

# Exports ----------------------------------------------------------------------------------------------------------


def _nur_eigene_kommune(qs, user):
    """Raw needs figures never leave the owning Kommune: only a `kommune` user gets rows, its own."""
    if acts_for_kommune(user):
        return qs.filter(meldung__kommune_id=user.kommune_id)
    return qs.none()


def _gesamt_schuetzen(row, headers, obj, user):
    """ "Zielgruppe insgesamt" of another Kommune is not shown raw (the protected tables carry it)."""
    if acts_for_kommune(user) and obj.kommune_id == user.kommune_id:
        return row
    idx = headers.index(spaltenbedeutung(Bedarfsmeldung, "gesamt", mit_hilfe=False))
    row = list(row)
    row[idx] = ZEICHEN if row[idx] is not None else None
    return row


ROHZAHLEN_HINWEIS = gettext_lazy(
    "Rohzahlen nur der eigenen Kommune; die Zahlen anderer Kommunen stehen geschützt im Blatt "
    "„Bedarfsanalyse (geschützt)“."
)

EXPORTE = [
    ExportEintrag(
        Erhebung,
        [
            "id",
            "buendnis__name",
            "titel",
            "stichtag",
            "eingabe_von",
            "eingabe_bis",
            "status",
            "abgeschlossen_am",
        ],
    ),
    ExportEintrag(
        Bedarfsmeldung,
        ["id", "erhebung__titel", "erhebung__stichtag", "kommune__name", "status", "gesamt", "abgegeben_am"],
        schutz=_gesamt_schuetzen,
        schutz_hinweis=ROHZAHLEN_HINWEIS,
    ),
    ExportEintrag(
        Meldewert,
        [
            "id",
            "meldung__erhebung__titel",
            "meldung__kommune__name",
            "dimension",
            "aufenthaltsstatus",
            "merkmal",
            "altersband",
            "geschlecht",
            "anzahl",
        ],
        scope=_nur_eigene_kommune,
        darf_zusatz=acts_for_kommune,
        perm="bedarf.view_bedarfsmeldung",
        schutz_hinweis=ROHZAHLEN_HINWEIS,
        label=gettext_lazy("Meldewerte der eigenen Kommune"),
    ),
    ExportEintrag(
        Datenluecke,
        [
            "id",
            "buendnis__name",
            "titel",
            "beschreibung",
            "status",
            "akteur__name",
            "erhebung__titel",
            "entscheidung",
        ],
    ),
]


# The section of the Sachstandsbericht ------------------------------------------------------------------------------


def erhebungen_fuer(k: Kontext) -> tuple[Erhebung | None, Erhebung | None]:
    """The round the report shows (latest closed one with Stichtag up to the period's end, else the latest)
    and the closed round before it, for the change between rounds."""
    runden = list(
        Erhebung.objects.filter(buendnis=k.buendnis, stichtag__lte=k.bis).order_by("-stichtag")[:20]
    )
    abgeschlossen = [e for e in runden if e.status == ErhebungStatus.ABGESCHLOSSEN]
    aktuell = abgeschlossen[0] if abgeschlossen else (runden[0] if runden else None)
    frueher = [e for e in abgeschlossen if aktuell and e.stichtag < aktuell.stichtag]
    return aktuell, (frueher[0] if frueher else None)


def _wert(w) -> str:
    return w.anzeige if w is not None else "–"


def abschnitt_bedarf(k: Kontext) -> dict:
    """The needs analysis of the latest round: need against places per Bedarfskategorie, the largest gaps,
    the change since the round before; every needs figure protected against small numbers."""
    aktuell, frueher = erhebungen_fuer(k)
    if aktuell is None:
        return i.abschnitt(
            "bedarf",
            _("Bedarfsanalyse"),
            [i.hinweis(_("Bis zum Ende des Berichtszeitraums gab es keine Erhebung."))],
        )
    analyse = selectors.gap_analyse(k.user, aktuell)
    bloecke = [
        i.kennzahlen(
            [
                (_("Erhebung"), aktuell.titel),
                (_("Stichtag"), i.datum(aktuell.stichtag)),
                (_("Stand"), aktuell.get_status_display()),
                (
                    _("Kommunen mit abgegebener Meldung"),
                    f"{i.zahl(len(analyse.kommunen))} / {i.zahl(len(analyse.kommunen) + len(analyse.ohne_meldung))}",
                ),
            ]
        )
    ]
    if aktuell.status != ErhebungStatus.ABGESCHLOSSEN:
        bloecke.append(i.hinweis(_("Die Erhebung ist noch nicht abgeschlossen; die Zahlen sind vorläufig.")))
    if analyse.ohne_meldung:
        bloecke.append(
            i.absatz(
                _("Noch ohne Meldung: %(namen)s.")
                % {"namen": ", ".join(k_.name for k_ in analyse.ohne_meldung)}
            )
        )
    summen = sorted(analyse.summen, key=lambda z: (z.kategorie.reihenfolge, z.kategorie.name))
    bloecke.append(
        i.diagramm(
            _("Bedarf und Plätze je Bedarfskategorie (Bündnis)"),
            [z.kategorie.name for z in summen],
            [
                (_("Personen mit Bedarf"), [z.bedarf.as_json() for z in summen]),
                (_("Plätze"), [z.plaetze for z in summen]),
            ],
        )
    )
    bloecke.append(
        i.tabelle(
            _("Bedarf und Angebot je Bedarfskategorie (Bündnis)"),
            [_("Bedarfskategorie"), _("Personen mit Bedarf"), _("Plätze"), _("Versorgungsquote"), _("Lücke")],
            [
                [
                    z.kategorie.name,
                    _wert(z.bedarf),
                    i.zahl(z.plaetze),
                    f"{i.zahl(z.quote)} %" if z.quote is not None else "–",
                    i.zahl(z.luecke) if z.luecke is not None else ZEICHEN,
                ]
                for z in summen
            ],
            rechts=[False, True, True, True, True],
        )
    )
    groesste = [z for z in analyse.zeilen if z.luecke is not None and z.luecke > 0][:10]
    if groesste:
        bloecke.append(
            i.diagramm(
                _("Größte Angebotslücken (fehlende Plätze)"),
                [f"{z.kommune.name}: {z.kategorie.name}" for z in groesste],
                [(_("Lücke"), [z.luecke for z in groesste])],
            )
        )
        bloecke.append(
            i.tabelle(
                _("Größte Angebotslücken nach Kommune"),
                [_("Kommune"), _("Bedarfskategorie"), _("Personen mit Bedarf"), _("Plätze"), _("Lücke")],
                [
                    [z.kommune.name, z.kategorie.name, _wert(z.bedarf), i.zahl(z.plaetze), i.zahl(z.luecke)]
                    for z in groesste
                ],
                rechts=[False, False, True, True, True],
            )
        )
    else:
        bloecke.append(i.hinweis(_("Keine ausweisbare Angebotslücke in einer Kommune.")))
    if frueher is not None:
        vergleich = selectors.erhebung_vergleich(k.user, frueher, aktuell)
        bloecke.append(
            i.diagramm(
                _("Bedarf im Vergleich der Erhebungen (Bündnis)"),
                [z.kategorie.name for z in vergleich.summen],
                [
                    (frueher.titel, [z.a.as_json() if z.a is not None else None for z in vergleich.summen]),
                    (aktuell.titel, [z.b.as_json() if z.b is not None else None for z in vergleich.summen]),
                ],
            )
        )
        bloecke.append(
            i.tabelle(
                _("Veränderung des Bedarfs zwischen %(a)s und %(b)s")
                % {"a": frueher.titel, "b": aktuell.titel},
                [_("Bedarfskategorie"), frueher.titel, aktuell.titel, _("Veränderung")],
                [
                    [
                        z.kategorie.name,
                        _wert(z.a),
                        _wert(z.b),
                        (f"{z.veraenderung:+d}" if z.veraenderung is not None else ZEICHEN),
                    ]
                    for z in vergleich.summen
                ],
                rechts=[False, True, True, True],
            )
        )
    bloecke.append(i.hinweis(_("Geheimhaltung: %(legende)s") % {"legende": analyse.legende}))
    return i.abschnitt("bedarf", _("Bedarfsanalyse und Angebotslücken"), bloecke)


# The protected needs analysis as a sheet of the Datenpaket ----------------------------------------------------------


def zusatzblaetter(user, buendnis):
    """Extra sheets of a Datenpaket: the needs analysis of every round, protected exactly as on its pages.

    Yields (title, headers, rows, documentation [(column, meaning)]).
    """
    if not user.has_perm("bedarf.auswerten_erhebung", buendnis):
        return
    runden = list(Erhebung.objects.filter(buendnis=buendnis).order_by("stichtag"))
    kopf = [_("Erhebung"), _("Stichtag"), _("Tabelle"), _("Zeile"), _("Spalte"), _("Wert")]

    def rows():
        for e in runden:
            vorne = [e.titel, e.stichtag]

            for zeile in selectors.auswertung_zeilen(user, e)[0]:
                yield [*vorne, *zeile]

    doku = [
        (_("Erhebung"), _("Titel der Erhebungsrunde")),
        (_("Stichtag"), _("Stichtag der Erhebung")),
        (_("Tabelle"), _("Welche Auswertung (Zielgruppe, Merkmal, Bedarf, Plätze, Lücke)")),
        (_("Zeile"), _("Kommune oder Bündnis insgesamt")),
        (_("Spalte"), _("Aufenthaltsstatus, Merkmal oder Bedarfskategorie")),
        (_("Wert"), _("Anzahl; geschützt: %(legende)s") % {"legende": legende()}),
    ]
    yield _("Bedarfsanalyse (geschützt)"), kopf, rows(), doku


# The dashboard ----------------------------------------------------------------------------------------------------


def dashboard_diagramme(k: Kontext) -> list[dict]:
    """The charts of the section except "need and places per Bedarfskategorie": the largest gaps and the change
    between rounds."""
    return [d for d in i.diagramme(abschnitt_bedarf(k)) if not d["titel"].startswith(_("Bedarf und"))]


def zielgruppe_je_kommune(user, buendnis, kommunen: list[Kommune]) -> Spalten:
    """The protected target group per Kommune in the Bündnis' latest closed round."""
    erhebung = (
        Erhebung.objects.filter(buendnis=buendnis, status=ErhebungStatus.ABGESCHLOSSEN)
        .order_by("-stichtag")
        .first()
    )
    zielgruppe = {}
    if erhebung is not None:
        u = selectors.ueberblick(user, erhebung)
        zielgruppe = {k.pk: u.zielgruppe.zeilensummen[idx].anzeige for idx, k in enumerate(u.kommunen)}
        kopf = _("Zielgruppe (%(erhebung)s)") % {"erhebung": erhebung.titel}
    else:
        kopf = _("Zielgruppe")
    return Spalten(
        [kopf],
        {k.pk: [zielgruppe.get(k.pk, "–")] for k in kommunen},
        hinweis=_(
            "Zielgruppe: geschützt gegen kleine Fallzahlen. „*“: gesperrt (weniger als 3 Personen, oder damit ein "
            "gesperrter Wert nicht errechnet werden kann); das Zeichen sagt nichts über die Größe."
        ),
    )


def zielgruppe_je_buendnis(buendnis_ids: list[int]) -> dict[int, str]:
    """The target group of each Bündnis' latest closed round, for the state's overview; three queries.

    It is the Bündnis total exactly as that round's audited suppression pattern publishes it on every other page
    (`bedarf.sperrmuster`): the number, or the one symbol when the pattern withholds it (or is being renewed).
    """
    letzte = (
        Erhebung.objects.filter(buendnis=OuterRef("buendnis"), status=ErhebungStatus.ABGESCHLOSSEN)
        .order_by("-stichtag")
        .values("pk")[:1]
    )
    runden = dict(
        Erhebung.objects.filter(
            buendnis_id__in=buendnis_ids,
            status=ErhebungStatus.ABGESCHLOSSEN,
            pk=Subquery(letzte),
            meldungen__status=MeldungStatus.ABGEGEBEN,
        )
        .distinct()
        .values_list("pk", "buendnis_id")
    )
    gesamt = sperrmuster.buendnis_gesamt(list(runden))
    return {bid: ZEICHEN if gesamt[e] is None else i.zahl(gesamt[e]) for e, bid in runden.items()}


def zielgruppe_spalte_je_buendnis(user, buendnisse: list) -> Spalten:
    anzeige = zielgruppe_je_buendnis([b.pk for b in buendnisse])
    return Spalten(
        [_("Zielgruppe (letzte abgeschlossene Erhebung)")],
        {b.pk: [anzeige.get(b.pk, "–")] for b in buendnisse},
        hinweis=_(
            "Zielgruppe: Summe der letzten abgeschlossenen Erhebung, geschützt gegen kleine Fallzahlen. „*“: "
            "gesperrt (weniger als 3 Personen, oder damit ein gesperrter Wert nicht errechnet werden kann); das "
            "Zeichen sagt nichts über die Größe."
        ),
    )


# Registration -----------------------------------------------------------------------------------------------------


def registrieren() -> None:
    """Called from `BedarfConfig.ready()`."""
    register_export(*EXPORTE)
    register_abschnitt(
        Abschnittsart("bedarf", gettext_lazy("Bedarfsanalyse und Angebotslücken"), abschnitt_bedarf, 70)
    )
    register_zusatzblatt("bedarf", zusatzblaetter)
    register_dashboard(
        Dashboardteil(
            "bedarf",
            "bedarf",
            70,
            diagramme=dashboard_diagramme,
            je_kommune=zielgruppe_je_kommune,
            je_buendnis=zielgruppe_spalte_je_buendnis,
        )
    )
