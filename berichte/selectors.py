"""Reads that feed the reports: the Sachstandsbericht from the sections the apps registered, the minutes of a
Sitzung.

Each section builder (in `<app>/berichte.py`) takes a `Kontext` (Bündnis, period, reading user) and returns a
section dict (see `buendnis.inhalt`) or None to leave the section out. Every builder runs a fixed number of
queries, whatever the data size.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from berichte.registry import registry
from buendnis import inhalt as i
from buendnis import selectors as buendnis_selectors
from buendnis.berichte import verantwortlich
from buendnis.models import Aufgabe, Beschluss, Sitzung, Tagesordnungspunkt, TeilnahmeStatus
from buendnis.registry import Abschnittsart, Kontext


def verfuegbare_abschnitte() -> list[Abschnittsart]:
    """The sections the apps registered, in report order."""
    return registry.abschnittsarten()


def sachstandsbericht_titel(buendnis) -> str:
    return _("Sachstandsbericht %(buendnis)s") % {"buendnis": buendnis.name}


def sachstandsbericht_inhalt(
    k: Kontext, *, abschnitte: list[str] | None = None, einleitung: str = ""
) -> dict:
    """The Sachstandsbericht for a Bündnis and a period; `abschnitte` switches sections on (None: all)."""
    gewaehlt = []
    for art in verfuegbare_abschnitte():
        if abschnitte is not None and art.key not in abschnitte:
            continue
        section = art.builder(k)
        if section is not None:
            gewaehlt.append(section)
    return {
        "art": "sachstandsbericht",
        "titel": sachstandsbericht_titel(k.buendnis),
        "untertitel": _("Berichtszeitraum %(von)s bis %(bis)s")
        % {"von": i.datum(k.von), "bis": i.datum(k.bis)},
        "stichtag": i.datum(k.stichtag),
        "einleitung": einleitung,
        "abschnitte": gewaehlt,
    }


# Minutes of a Sitzung ---------------------------------------------------------------------------------------------


def _aufgabe_zeile(a: Aufgabe) -> str:
    return _("Aufgabe: %(titel)s – %(wer)s, bis %(faellig)s") % {
        "titel": a.titel,
        "wer": verantwortlich(a),
        "faellig": i.datum(a.faellig_am),
    }


def _beschluss_bloecke(beschluesse: list[Beschluss]) -> list[dict]:
    bloecke = []
    for b in beschluesse:
        bloecke.append(i.absatz(_("Beschluss: %(text)s") % {"text": b.text}))
        aufgaben = list(b.aufgaben.all())
        if aufgaben:
            bloecke.append(i.liste([_aufgabe_zeile(a) for a in aufgaben]))
    return bloecke


def protokoll_inhalt(sitzung: Sitzung) -> dict:
    """The minutes of a Sitzung as they are read and approved: Gremium, date, time from–to and place; who was
    present, excused or a guest, and the quorum; one section per agenda item with its minutes and its decisions,
    each with its tasks (who, by when); decisions without an item; the general part; whether the minutes are
    approved. A fixed number of queries, whatever the number of items, decisions and tasks."""
    beginn = timezone.localtime(sitzung.beginn)
    ende = timezone.localtime(sitzung.ende_oder_standard)
    zeit = _("%(von)s–%(bis)s Uhr") % {"von": f"{beginn:%H:%M}", "bis": f"{ende:%H:%M}"}
    if ende.date() != beginn.date():
        zeit = _("%(von)s Uhr bis %(bis)s Uhr") % {"von": f"{beginn:%H:%M}", "bis": f"{ende:%d.%m.%Y %H:%M}"}
    tops = list(Tagesordnungspunkt.objects.filter(sitzung=sitzung).order_by("position"))
    beschluesse = list(
        Beschluss.objects.filter(sitzung=sitzung)
        .prefetch_related(
            Prefetch(
                "aufgaben",
                queryset=Aufgabe.objects.select_related("akteur", "zustaendig").order_by("faellig_am", "id"),
            )
        )
        .order_by("datum", "id")
    )
    weitere_aufgaben = list(
        Aufgabe.objects.filter(sitzung=sitzung)
        .exclude(beschluss__sitzung=sitzung)
        .select_related("akteur", "zustaendig")
        .order_by("faellig_am", "id")
    )
    anwesenheit = buendnis_selectors.anwesenheit(sitzung)

    abschnitte = [
        i.abschnitt(
            "sitzung",
            _("Sitzung"),
            [
                i.kennzahlen(
                    [
                        (_("Gremium"), sitzung.gremium.name),
                        (_("Datum"), dateformat.format(beginn, "l, d.m.Y")),
                        (_("Zeit"), zeit),
                        (_("Ort"), i.text(sitzung.ort)),
                        (_("Status"), sitzung.get_status_display()),
                    ]
                )
            ],
        )
    ]
    if anwesenheit.quorum.erfasst or anwesenheit.gaeste:
        teilnahme = [
            (_("Anwesend"), ", ".join(anwesenheit.namen(TeilnahmeStatus.ANWESEND)) or "–"),
            (_("Entschuldigt"), ", ".join(anwesenheit.namen(TeilnahmeStatus.ENTSCHULDIGT)) or "–"),
        ]
        abwesend = anwesenheit.namen(TeilnahmeStatus.ABWESEND)
        if abwesend:
            teilnahme.append((_("Nicht anwesend"), ", ".join(abwesend)))
        teilnahme.append((_("Gäste"), ", ".join(g.anzeigename for g in anwesenheit.gaeste) or "–"))
        bloecke = [i.kennzahlen(teilnahme), i.absatz(anwesenheit.quorum.text)]
    else:
        bloecke = [i.hinweis(_("Die Teilnahme ist nicht erfasst."))]
    abschnitte.append(i.abschnitt("teilnahme", _("Teilnahme"), bloecke))
    genehmigt_hier = list(sitzung.genehmigte_protokolle.order_by("beginn", "pk"))
    if genehmigt_hier:
        abschnitte.append(
            i.abschnitt(
                "genehmigte-protokolle",
                _("Genehmigung früherer Protokolle"),
                [
                    i.liste(
                        _("Das Protokoll der Sitzung „%(titel)s“ vom %(datum)s ist genehmigt.")
                        % {"titel": s.titel, "datum": f"{timezone.localtime(s.beginn):%d.%m.%Y}"}
                        for s in genehmigt_hier
                    )
                ],
            )
        )
    for top in tops:
        bloecke = [i.hinweis(top.beschreibung)] if top.beschreibung else []
        if top.protokoll:
            bloecke.append(i.absatz(top.protokoll))
        bloecke += _beschluss_bloecke([b for b in beschluesse if b.tagesordnungspunkt_id == top.pk])
        if not bloecke:
            bloecke = [i.hinweis(_("Kein Protokolltext und kein Beschluss zu diesem Punkt."))]
        abschnitte.append(i.abschnitt(f"top-{top.position}", f"TOP {top.position}: {top.titel}", bloecke))
    ohne_top = [
        b
        for b in beschluesse
        if not b.tagesordnungspunkt_id or b.tagesordnungspunkt_id not in {t.pk for t in tops}
    ]
    if ohne_top:
        abschnitte.append(
            i.abschnitt(
                "weitere-beschluesse", _("Beschlüsse ohne Tagesordnungspunkt"), _beschluss_bloecke(ohne_top)
            )
        )
    if weitere_aufgaben:
        abschnitte.append(
            i.abschnitt(
                "weitere-aufgaben",
                _("Weitere Aufgaben"),
                [i.liste([_aufgabe_zeile(a) for a in weitere_aufgaben])],
            )
        )
    if sitzung.protokoll:
        abschnitte.append(i.abschnitt("allgemeines", _("Allgemeines"), [i.absatz(sitzung.protokoll)]))
    if sitzung.protokoll_gesperrt and sitzung.protokoll_genehmigt_in_id:
        genehmigung = _("Genehmigt in der Sitzung „%(titel)s“ vom %(datum)s.") % {
            "titel": sitzung.protokoll_genehmigt_in.titel,
            "datum": f"{timezone.localtime(sitzung.protokoll_genehmigt_in.beginn):%d.%m.%Y}",
        }
    elif sitzung.protokoll_gesperrt:
        genehmigung = _("Genehmigt am %(datum)s.") % {"datum": i.datum(sitzung.protokoll_genehmigt_am)}
    else:
        genehmigung = _("Entwurf – noch nicht genehmigt.")
    abschnitte.append(i.abschnitt("genehmigung", _("Genehmigung"), [i.absatz(genehmigung)]))
    untertitel = f"{sitzung.gremium.name} – {dateformat.format(beginn, 'l, d.m.Y')}, {zeit}"
    if sitzung.ort:
        untertitel += f", {sitzung.ort}"
    return {
        "art": "protokoll",
        "titel": _("Protokoll: %(titel)s") % {"titel": sitzung.titel},
        "untertitel": untertitel,
        "stichtag": i.datum(timezone.localdate()),
        "einleitung": "",
        "abschnitte": abschnitte,
    }
