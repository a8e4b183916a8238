"""The Land's view of all Bündnisse (steering): the table with its traffic lights and the map, one Bündnis's
page, the comparison of targets on track by quarter, and the export of the table. Only the Land (and superusers)
may see it (`berichte.view_landsicht`); the figures come from `berichte.landsicht`."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bedarf.suppression import ZEICHEN
from berichte import exporte, landsicht, steuerung
from berichte.forms_land import LandFilterForm
from buendnis import inhalt as i
from buendnis.io import CONTENT_TYPES, escape_formula
from buendnis.models import Buendnis
from buendnis.rules import require_perm

PERM = "berichte.view_landsicht"


def _auswahl(
    request, spalten: list[landsicht.Spalte], mit_karte: bool = True, sortierbar: set[str] | None = None
) -> tuple[LandFilterForm, dict]:
    form = LandFilterForm(request.GET, spalten=spalten, mit_karte=mit_karte, sortierbar=sortierbar)
    return form, form.werte()


def _spalten(alle: list[landsicht.Spalte], baustein: str) -> list[landsicht.Spalte]:
    """The columns shown, the traffic light first (it sums up the row), then the apps' figures, then targets
    and tasks."""
    spalten = landsicht.sichtbare_spalten(alle, baustein)
    return [s for s in spalten if s.key == landsicht.AMPEL] + [s for s in spalten if s.key != landsicht.AMPEL]


def _tabelle(daten: landsicht.Landdaten, werte: dict):
    """Columns, filtered and sorted rows, and the sort key in force."""
    spalten = _spalten(daten.spalten, werte.get("baustein", ""))
    sortierbar = landsicht.sortierbar(spalten)
    sort = werte["sort"] if werte["sort"] in sortierbar else landsicht.NAME
    absteigend = werte["richtung"] == "ab"
    zeilen = landsicht.filtern(
        daten.zeilen, regierungsbezirk=werte["regierungsbezirk"], art=werte["art"], ampel=werte["ampel"]
    )
    return spalten, landsicht.sortieren(zeilen, sort, absteigend), sort, absteigend


def _query(werte: dict, **neu) -> str:
    """The query string of the chosen values (only those: stray parameters do not travel on)."""
    return urlencode({k: v for k, v in {**werte, **neu}.items() if v})


def _sortlink(werte: dict, key: str, sort: str, absteigend: bool) -> dict:
    """The link of a column header: sort by it, ascending first, the other way when it is sorted already."""
    richtung = "ab" if key == sort and not absteigend else "auf"
    aria = ("descending" if absteigend else "ascending") if key == sort else ""
    return {
        "href": f"?{_query(werte, sort=key, richtung=richtung)}",
        "aria_sort": aria,
        "aktiv": key == sort,
        "absteigend": absteigend,
    }


@login_required
@require_GET
def land_uebersicht(request):
    """One row per Bündnis with the figures the Land steers by, a traffic light each, and the map."""
    require_perm(request.user, PERM)
    tabelle = landsicht.bestand(request.user, landsicht.TABELLE)
    form, werte = _auswahl(request, tabelle.spalten)

    def inhalt(daten: landsicht.Landdaten) -> str:
        spalten, zeilen, sort, absteigend = _tabelle(daten, werte)
        kopf = [
            {"key": key, "label": label, "klasse": klasse, **_sortlink(werte, key, sort, absteigend)}
            for key, label, klasse in (
                (landsicht.NAME, _("Bündnis"), "land-name"),
                (landsicht.ART, _("Art"), ""),
                (landsicht.REGIERUNGSBEZIRK, _("Regierungsbezirk"), ""),
            )
        ] + [
            {
                "key": s.key,
                "label": s.label,
                "klasse": "" if s.key == landsicht.AMPEL else "zahl",
                **_sortlink(werte, s.key, sort, absteigend),
            }
            for s in spalten
        ]
        tabelle = [
            {
                "zeile": z,
                "ampel_icon": landsicht.Ampel.ICON[z.ampel],
                "zellen": [(s, z.wert(s.key) or landsicht.Zelle("–")) for s in spalten],
            }
            for z in zeilen
        ]
        return render_to_string(
            "berichte/_land_inhalt.html",
            {
                "kopf": kopf,
                "tabelle": tabelle,
                "anzahl": len(zeilen),
                "gesamt": len(daten.zeilen),
                "karte": landsicht.karte(daten, zeilen, werte["karte"] or landsicht.AMPEL),
                "export_query": _query(werte),
                "zeichen": ZEICHEN,
            },
        )

    (tabelle,), html = landsicht.teil([tabelle], "uebersicht", _query(werte), inhalt)
    return render(
        request,
        "berichte/land_uebersicht.html",
        {
            "form": form,
            "spalten": _spalten(tabelle.spalten, werte["baustein"]),
            "inhalt": html,
            "ampel_regel": landsicht.ampel_regel(),
            "stand": tabelle.stand,
            "wird_aktualisiert": tabelle.wird_aktualisiert,
        },
    )


@login_required
@require_GET
def land_buendnis(request, pk: int):
    """One Bündnis for the Land: its figures with their explanations, the nine tasks with their evidence, its
    targets with indicators and on-track state, and the indicators by quarter."""
    # Out of scope is a 404 as everywhere (another Bündnis's coordination), no right a 403 (its own Bündnis).
    buendnis = get_object_or_404(Buendnis.objects.visible_to(request.user), pk=pk)
    require_perm(request.user, PERM)
    daten = landsicht.buendnis_daten(request.user, buendnis)
    zeile = daten["zeile"]
    return render(
        request,
        "berichte/land_buendnis.html",
        {
            "buendnis": buendnis,
            **daten,
            "ampel_icon": landsicht.Ampel.ICON[zeile.ampel],
            "ampel_regel": landsicht.ampel_regel(),
            "im_plan_regel": steuerung.im_plan_regel(),
            "eigene": [
                (daten["spalten"][key], zeile.wert(key)) for key in (landsicht.ZIELE, landsicht.KERNAUFGABEN)
            ],
        },
    )


@login_required
@require_GET
def land_vergleich(request):
    """Targets on track per Bündnis over the last eight quarters; the Bündnisse that fall behind are marked."""
    require_perm(request.user, PERM)
    vergleich = landsicht.bestand(request.user, landsicht.VERGLEICH)
    tabelle = landsicht.bestand(request.user, landsicht.TABELLE)
    quartale = landsicht.letzte_quartale(vergleich.stichtag)
    sortierbar = {landsicht.NAME} | {f"q{n}" for n in range(len(quartale))}
    form, werte = _auswahl(request, tabelle.spalten, mit_karte=False, sortierbar=sortierbar)

    def inhalt(vergleich: landsicht.Vergleichsdaten, daten: landsicht.Landdaten) -> str:
        sort = werte["sort"] or landsicht.NAME
        absteigend = werte["richtung"] == "ab"
        gefiltert = landsicht.filtern(
            daten.zeilen, regierungsbezirk=werte["regierungsbezirk"], art=werte["art"], ampel=werte["ampel"]
        )
        zeilen = [vergleich.zeilen[z.buendnis_id] for z in gefiltert if z.buendnis_id in vergleich.zeilen]

        def wert(zeile, key):
            if key == landsicht.NAME:
                return zeile.name
            return zeile.zellen[int(key[1:])].anteil

        zeilen = landsicht.sortieren(zeilen, sort, absteigend, wert=wert)
        kopf = [
            {
                "key": landsicht.NAME,
                "label": _("Bündnis"),
                **_sortlink(werte, landsicht.NAME, sort, absteigend),
            }
        ]
        kopf += [
            {"key": f"q{n}", "label": label, **_sortlink(werte, f"q{n}", sort, absteigend)}
            for n, (label, _ende) in enumerate(vergleich.quartale)
        ]
        return render_to_string(
            "berichte/_land_vergleich_tabelle.html",
            {
                "kopf": kopf,
                "zeilen": zeilen,
                "anzahl": len(zeilen),
                "gesamt": len(vergleich.zeilen),
                "zurueck": sum(1 for z in zeilen if z.faellt_zurueck),
                "letztes_quartal": vergleich.quartale[-1][0] if vergleich.quartale else "",
            },
        )

    (vergleich, tabelle), html = landsicht.teil([vergleich, tabelle], "vergleich", _query(werte), inhalt)
    return render(
        request,
        "berichte/land_vergleich.html",
        {
            "form": form,
            "inhalt": html,
            "im_plan_regel": steuerung.im_plan_regel(),
            "stand": vergleich.stand,
            "wird_aktualisiert": vergleich.wird_aktualisiert or tabelle.wird_aktualisiert,
        },
    )


# Export ------------------------------------------------------------------------------------------------------------


def _csv_wert(wert, trennzeichen: str) -> str:
    """Numbers without grouping and dates as German Excel reads them (semicolon CSV: 1,5 and 31.12.2026), or
    as other programs do (comma CSV: 1.5 and 2026-12-31)."""
    if isinstance(wert, Decimal | int | float) and not isinstance(wert, bool):
        return str(exporte.csv_zelle(wert, trennzeichen))
    if hasattr(wert, "strftime"):
        return wert.strftime("%d.%m.%Y") if trennzeichen == exporte.SEMIKOLON else wert.isoformat()
    return escape_formula(str(wert))


def _erlaeuterungen(daten: landsicht.Landdaten, spalten, werte: dict) -> list[list[str]]:
    filter_texte = []
    for name, label in (
        ("regierungsbezirk", _("Regierungsbezirk")),
        ("art", _("Art")),
        ("ampel", _("Ampel")),
    ):
        if werte.get(name):
            auswahl = dict(
                landsicht.regierungsbezirk_auswahl()
                if name == "regierungsbezirk"
                else landsicht.art_auswahl()
                if name == "art"
                else [(v, str(lab)) for v, lab in landsicht.Ampel.CHOICES]
            )
            filter_texte.append(f"{label}: {auswahl.get(werte[name], werte[name])}")
    return [
        [_("Stand"), i.datum(daten.stand)],
        [_("Ampelregel"), landsicht.ampel_regel()],
        [_("Im Plan"), steuerung.im_plan_regel()],
        [_("Filter"), "; ".join(filter_texte) or _("alle Bündnisse")],
        [_("Geheimhaltung"), _("%(z)s: Wert zum Schutz kleiner Fallzahlen gesperrt") % {"z": ZEICHEN}],
        *[[s.label, s.erklaerung] for s in spalten if s.erklaerung and s.key != landsicht.AMPEL],
    ]


@login_required
@require_GET
def land_export(request, fmt: str):
    """The table as CSV (semicolons, UTF-8 with BOM, German numbers: German Excel opens it in columns; commas and
    decimal points with `?trennzeichen=komma`) or XLSX (numbers as numbers): the same rows, filters and order as the page, the traffic light rule and the date."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    require_perm(request.user, PERM)
    tabelle = landsicht.bestand(request.user, landsicht.TABELLE)
    _form, werte = _auswahl(request, tabelle.spalten)

    def export(daten: landsicht.Landdaten):
        spalten, zeilen, _sort, _absteigend = _tabelle(daten, werte)
        return (*landsicht.export_tabelle(spalten, zeilen), _erlaeuterungen(daten, spalten, werte))

    trennzeichen = exporte.trennzeichen_aus(request.GET)

    def export_csv(daten: landsicht.Landdaten):
        # The table's lines as CSV text: writing 400 rows of 30 cells (all of Germany) cost more than the rest.
        kopf, rows, erlaeuterungen = export(daten)
        puffer = io.StringIO()
        writer = exporte.csv_writer(puffer, trennzeichen)
        writer.writerow([escape_formula(k) for k in kopf])
        for row in rows:
            writer.writerow([_csv_wert(v, trennzeichen) for v in row])
        return puffer.getvalue(), erlaeuterungen

    # Plain values of the computation the page shows (the CSV already written), cached per choice: reading them
    # back is cheap, unlike the rows with all their cells.
    if fmt == "xlsx":
        (tabelle,), (kopf, rows, erlaeuterungen) = landsicht.teil([tabelle], "export", _query(werte), export)
    else:
        (tabelle,), (tabelle_csv, erlaeuterungen) = landsicht.teil(
            [tabelle], f"export-csv-{trennzeichen}", _query(werte), export_csv
        )
    if tabelle.wird_aktualisiert:
        erlaeuterungen = [
            erlaeuterungen[0],
            [
                _("Hinweis"),
                _("Die Zahlen werden gerade aktualisiert; diese Datei zeigt den Stand vom %(stand)s.")
                % {"stand": i.datum(tabelle.stand)},
            ],
            *erlaeuterungen[1:],
        ]
    name = f"land-buendnisse-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        datei = exporte.xlsx_datei(
            [(_("Bündnisse"), kopf, rows), (_("Erläuterungen"), [_("Angabe"), _("Inhalt")], erlaeuterungen)]
        )
        return FileResponse(datei, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])
    puffer = io.StringIO()
    puffer.write(tabelle_csv)
    writer = exporte.csv_writer(puffer, trennzeichen)
    writer.writerow([])
    for angabe, inhalt in erlaeuterungen:
        writer.writerow([escape_formula(str(angabe)), escape_formula(str(inhalt))])
    response = HttpResponse("\ufeff" + puffer.getvalue(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
