"""What the offers contribute to reports, exports and the dashboard: the section "Angebote" of the
Sachstandsbericht (offers by Kategorie and Kommune, the access matrix, dead ends of the pathways), the export
entries of offers, Kategorien and Aufenthaltsstatus, and the offer figures of the dashboard.

Registered from `AngeboteConfig.ready()` (see `buendnis.registry`); the figures come from `angebote.selectors`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angebote import selectors
from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie
from angebote.resources import AngebotResource
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
)

EXPORTE = [
    ExportEintrag(Angebot, resource_class=AngebotResource, resource_mit_user=True),
    ExportEintrag(Kategorie, ["id", "code", "bezeichnung", "ist_ziel", "aktiv"]),
    ExportEintrag(Aufenthaltsstatus, ["id", "code", "bezeichnung", "rechtsgrundlage", "sgb_zugang", "aktiv"]),
]


def bezugstag(k: Kontext) -> datetime.date:
    """Offers are counted as running on the end of the period (or today, if the period is not over)."""
    return min(k.bis, timezone.localdate())


# The section of the Sachstandsbericht ------------------------------------------------------------------------------


def angebote_kennzahlen(buendnis_id: int, stichtag: datetime.date) -> dict:
    """Published offers running on `stichtag`: per Kategorie (offers, places) and per Kommune. Four queries."""
    laufend = Angebot.objects.for_buendnis(buendnis_id).veroeffentlicht().laufend_am(stichtag)
    nach_kategorie = {
        kid: (n, p or 0)
        for kid, n, p in laufend.values_list("kategorie_id")
        .annotate(n=Count("id"), p=Sum("plaetze"))
        .values_list("kategorie_id", "n", "p")
    }
    kategorien = [
        (kat.bezeichnung, *nach_kategorie.get(kat.pk, (0, 0)))
        for kat in Kategorie.objects.filter(Q(aktiv=True) | Q(pk__in=list(nach_kategorie)))
    ]
    je_kommune = dict(
        Angebot.kommunen.through.objects.filter(angebot__in=laufend, angebot__kreisweit=False)
        .values_list("kommune_id")
        .annotate(n=Count("angebot_id", distinct=True))
        .values_list("kommune_id", "n")
    )
    kreisweit = laufend.filter(kreisweit=True).count()
    kommunen = [(k.name, je_kommune.get(k.pk, 0)) for k in Kommune.objects.filter(buendnis_id=buendnis_id)]
    kommunen.sort(key=lambda x: x[0])
    status = dict(
        Angebot.objects.for_buendnis(buendnis_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "kategorien": kategorien,
        "kommunen": kommunen,
        "kreisweit": kreisweit,
        "status": [(s.label, status.get(s.value, 0)) for s in AngebotStatus],
        "angebote": sum(n for _k, n, _p in kategorien),
        "plaetze": sum(p for _k, _n, p in kategorien),
    }


def abschnitt_angebote(k: Kontext) -> dict:
    """Offers by Kategorie and Kommune, the access matrix and the pathways with dead ends."""
    tag = bezugstag(k)
    z = angebote_kennzahlen(k.buendnis.pk, tag)
    bloecke = [
        i.kennzahlen(
            [
                (_("Stichtag der Zählung"), i.datum(tag)),
                (_("Veröffentlichte, laufende Angebote"), i.zahl(z["angebote"])),
                (_("Plätze je Durchgang"), i.zahl(z["plaetze"])),
                (_("davon kreisweite Angebote"), i.zahl(z["kreisweit"])),
            ]
            + [(_("Angebote im Status „%(s)s“") % {"s": label}, i.zahl(n)) for label, n in z["status"]]
        ),
        i.diagramm(
            _("Angebote je Kategorie"),
            [name for name, _n, _p in z["kategorien"]],
            [(_("Angebote"), [n for _k, n, _p in z["kategorien"]])],
        ),
        i.tabelle(
            _("Angebote und Plätze je Kategorie"),
            [_("Kategorie"), _("Angebote"), _("Plätze")],
            [[name, i.zahl(n), i.zahl(p)] for name, n, p in z["kategorien"]],
            rechts=[False, True, True],
            fuss=[_("Summe"), i.zahl(z["angebote"]), i.zahl(z["plaetze"])],
        ),
        i.diagramm(
            _("Angebote je Kommune (ohne kreisweite)"),
            [name for name, _n in z["kommunen"]],
            [(_("Angebote"), [n for _name, n in z["kommunen"]])],
        ),
        i.tabelle(
            _("Angebote je Kommune"),
            [_("Kommune"), _("Angebote vor Ort")],
            [[name, i.zahl(n)] for name, n in z["kommunen"]] + [[_("kreisweit"), i.zahl(z["kreisweit"])]],
            rechts=[False, True],
        ),
        i.hinweis(
            _(
                "Ein Angebot in mehreren Kommunen zählt in jeder dieser Kommunen; kreisweite Angebote stehen "
                "allen Kommunen offen und sind gesondert ausgewiesen."
            )
        ),
    ]
    matrix = selectors.zugangsmatrix(buendnis_id=k.buendnis.pk, stichtag=tag)
    if matrix.kategorien and matrix.status:
        bloecke.append(
            i.tabelle(
                _("Zugangsmatrix: zugängliche Angebote / Plätze nach Aufenthaltsstatus"),
                [_("Kategorie")] + [s.kurz for s in matrix.status],
                [
                    [kat.bezeichnung]
                    + [
                        f"{i.zahl(c.angebote)} / {i.zahl(c.plaetze)}"
                        + (f" (Ö {c.oeffnung_moeglich})" if c.oeffnung_moeglich else "")
                        for c in zellen
                    ]
                    for kat, zellen in matrix.zeilen
                ],
                rechts=[False] + [True] * len(matrix.status),
                fuss=[_("Summe")] + [f"{i.zahl(c.angebote)} / {i.zahl(c.plaetze)}" for c in matrix.summen],
            )
        )
        bloecke.append(
            i.hinweis(
                _(
                    "Zelle: zugängliche Angebote / ihre Plätze; zugänglich heißt offen oder mit Einschränkung. "
                    "„Ö n“: bei n Angeboten, die für diesen Status (noch) nicht offen sind, hält das Bündnis eine "
                    "Öffnung für möglich."
                )
            )
        )
    sack = selectors.sackgassen(buendnis_id=k.buendnis.pk, stichtag=tag)
    if sack.ohne_anschluss:
        zeilen = [
            [a.titel, a.kategorie.bezeichnung, a.traeger.name, a.ort_anzeige]
            for a in sack.ohne_anschluss[: i.MAX_ZEILEN]
        ]
        bloecke.append(
            i.tabelle(
                _("Bildungsketten: Angebote ohne Anschlussangebot (Sackgassen)"),
                [_("Angebot"), _("Kategorie"), _("Träger"), _("Ort")],
                zeilen,
            )
        )
        if len(sack.ohne_anschluss) > i.MAX_ZEILEN:
            bloecke.append(
                i.hinweis(_("… und %(n)d weitere.") % {"n": len(sack.ohne_anschluss) - i.MAX_ZEILEN})
            )
    else:
        bloecke.append(
            i.hinweis(_("Jedes veröffentlichte Angebot hat ein Anschlussangebot oder ist ein Ziel."))
        )
    if sack.fehlende_einstiege:
        bloecke.append(
            i.tabelle(
                _("Kategorien ohne zugängliches Angebot für einzelne Aufenthaltsstatus"),
                [_("Kategorie"), _("kein Zugang für")],
                [
                    [kat.bezeichnung, ", ".join(s.kurz for s in status)]
                    for kat, status in sack.fehlende_einstiege
                ],
            )
        )
    return i.abschnitt("angebote", _("Angebote"), bloecke)


# The dashboard ----------------------------------------------------------------------------------------------------


def angebote_je_kategorie_und_kommune(buendnis_id: int, stichtag: datetime.date) -> dict:
    """Published running offers per Kategorie, one series per Kommune (kreisweit ones as their own series)."""
    laufend = Angebot.objects.for_buendnis(buendnis_id).veroeffentlicht().laufend_am(stichtag)
    zellen = defaultdict(int)
    for kat, kom, n in (
        Angebot.kommunen.through.objects.filter(angebot__in=laufend, angebot__kreisweit=False)
        .values_list("angebot__kategorie_id", "kommune_id")
        .annotate(n=Count("angebot_id", distinct=True))
    ):
        zellen[(kat, kom)] = n
    kreisweit = dict(
        laufend.filter(kreisweit=True)
        .values_list("kategorie_id")
        .annotate(n=Count("id"))
        .values_list("kategorie_id", "n")
    )
    kategorien = list(Kategorie.objects.aktiv())
    kommunen = list(Kommune.objects.filter(buendnis_id=buendnis_id).order_by("name"))
    reihen = [(k.name, [zellen[(kat.pk, k.pk)] for kat in kategorien]) for k in kommunen]
    reihen.append((_("kreisweit"), [kreisweit.get(kat.pk, 0) for kat in kategorien]))
    return i.diagramm(
        _("Angebote je Kategorie und Kommune"),
        [kat.bezeichnung for kat in kategorien],
        reihen,
        gestapelt=True,
    )


def dashboard_diagramme(k: Kontext) -> list[dict]:
    return [angebote_je_kategorie_und_kommune(k.buendnis.pk, timezone.localdate())]


def angebote_je_kommune(user, buendnis, kommunen: list[Kommune]) -> Spalten:
    """Published offers running today in each Kommune, counted in every Kommune an offer names."""
    laufend = Angebot.objects.for_buendnis(buendnis.pk).veroeffentlicht().laufend_am(timezone.localdate())
    vor_ort = dict(
        Angebot.kommunen.through.objects.filter(angebot__in=laufend)
        .values_list("kommune_id")
        .annotate(n=Count("angebot_id", distinct=True))
        .values_list("kommune_id", "n")
    )
    return Spalten([_("Angebote vor Ort")], {k.pk: [i.zahl(vor_ort.get(k.pk, 0))] for k in kommunen})


def angebote_je_buendnis(user, buendnisse: list) -> Spalten:
    """Published offers running today and their places, per Bündnis; one grouped query."""
    angebote = {
        bid: (n, p or 0)
        for bid, n, p in Angebot.objects.veroeffentlicht()
        .laufend_am(timezone.localdate())
        .values_list("buendnis_id")
        .annotate(n=Count("id"), p=Sum("plaetze"))
        .values_list("buendnis_id", "n", "p")
    }
    werte = {}
    for b in buendnisse:
        n, p = angebote.get(b.pk, (0, 0))
        werte[b.pk] = [i.zahl(n), i.zahl(p)]
    return Spalten([_("Angebote"), _("Plätze")], werte)


# Registration -----------------------------------------------------------------------------------------------------


def registrieren() -> None:
    """Called from `AngeboteConfig.ready()`."""
    register_export(*EXPORTE)
    register_abschnitt(Abschnittsart("angebote", gettext_lazy("Angebote"), abschnitt_angebote, 60))
    register_dashboard(
        Dashboardteil(
            "angebote",
            "angebote",
            60,
            diagramme=dashboard_diagramme,
            je_kommune=angebote_je_kommune,
            je_buendnis=angebote_je_buendnis,
        )
    )
