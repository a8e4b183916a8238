"""Reads that feed the reports: the Sachstandsbericht from the sections the apps registered, the minutes of a
Sitzung.

Each section builder (in `<app>/berichte.py`) takes a `Kontext` (Bündnis, period, reading user) and returns a
section dict (see `buendnis.inhalt`) or None to leave the section out. Every builder runs a fixed number of
queries, whatever the data size.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berichte.registry import registry
from buendnis import inhalt as i
from buendnis.berichte import verantwortlich
from buendnis.models import Aufgabe, Beschluss, Sitzung, Tagesordnungspunkt
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


def protokoll_inhalt(sitzung: Sitzung) -> dict:
    """Minutes generated from the agenda items, the decisions and the tasks of one Sitzung."""
    tops = list(Tagesordnungspunkt.objects.filter(sitzung=sitzung).order_by("position"))
    beschluesse = list(
        Beschluss.objects.filter(sitzung=sitzung).select_related("tagesordnungspunkt").order_by("datum", "id")
    )
    aufgaben = list(
        Aufgabe.objects.filter(Q(sitzung=sitzung) | Q(beschluss__sitzung=sitzung))
        .select_related("akteur", "zustaendig", "beschluss")
        .distinct()
        .order_by("faellig_am", "id")
    )
    aufgaben_je_beschluss: dict[int, list] = {}
    for a in aufgaben:
        if a.beschluss_id:
            aufgaben_je_beschluss.setdefault(a.beschluss_id, []).append(a)

    def beschluss_bloecke(liste_):
        out = []
        for b in liste_:
            out.append(
                i.absatz(_("Beschluss vom %(datum)s: %(text)s") % {"datum": i.datum(b.datum), "text": b.text})
            )
            eigene = aufgaben_je_beschluss.get(b.pk, [])
            if eigene:
                out.append(
                    i.liste(
                        [
                            _("Aufgabe: %(titel)s – %(wer)s, fällig %(faellig)s")
                            % {"titel": a.titel, "wer": verantwortlich(a), "faellig": i.datum(a.faellig_am)}
                            for a in eigene
                        ]
                    )
                )
        return out

    abschnitte = [
        i.abschnitt(
            "sitzung",
            _("Sitzung"),
            [
                i.kennzahlen(
                    [
                        (_("Gremium"), sitzung.gremium.name),
                        (_("Beginn"), i.datum(sitzung.beginn)),
                        (_("Ort"), i.text(sitzung.ort)),
                        (_("Status"), sitzung.get_status_display()),
                    ]
                )
            ],
        )
    ]
    for top in tops:
        bloecke = [i.absatz(top.beschreibung)] if top.beschreibung else []
        bloecke += beschluss_bloecke([b for b in beschluesse if b.tagesordnungspunkt_id == top.pk])
        if not bloecke:
            bloecke = [i.hinweis(_("Kein Beschluss zu diesem Punkt."))]
        abschnitte.append(i.abschnitt(f"top-{top.position}", f"TOP {top.position}: {top.titel}", bloecke))
    ohne_top = [b for b in beschluesse if not b.tagesordnungspunkt_id]
    if ohne_top:
        abschnitte.append(
            i.abschnitt("weitere-beschluesse", _("Weitere Beschlüsse"), beschluss_bloecke(ohne_top))
        )
    if aufgaben:
        abschnitte.append(
            i.abschnitt(
                "aufgaben",
                _("Aufgaben aus dieser Sitzung"),
                [
                    i.tabelle(
                        _("Aufgaben aus dieser Sitzung"),
                        [_("Aufgabe"), _("verantwortlich"), _("fällig am"), _("Stand")],
                        [
                            [a.titel, verantwortlich(a), i.datum(a.faellig_am), a.get_status_display()]
                            for a in aufgaben
                        ],
                    )
                ],
            )
        )
    if sitzung.protokoll:
        abschnitte.append(i.abschnitt("notizen", _("Protokollnotizen"), [i.absatz(sitzung.protokoll)]))
    beginn = timezone.localtime(sitzung.beginn)
    return {
        "art": "protokoll",
        "titel": _("Protokoll: %(titel)s") % {"titel": sitzung.titel},
        "untertitel": f"{sitzung.gremium.name} – {beginn:%d.%m.%Y}",
        "stichtag": i.datum(timezone.localdate()),
        "einleitung": "",
        "abschnitte": abschnitte,
    }
