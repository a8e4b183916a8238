"""Reads of the Land's view of all Bündnisse (steering): the table with one row per Bündnis, its traffic light,
the map of NRW coloured by a chosen figure, the comparison of targets on track by quarter and the page of one
Bündnis.

The columns are what the apps registered (`buendnis.registry.landkennzahlen()`); this module adds the targets on
track (`berichte.steuerung`), the nine tasks of the core group and the traffic light (Ampel). Everything runs a
fixed number of queries whatever the number of Bündnisse.

The figures of all Bündnisse (the table, the comparison by quarter) take seconds to compute and are kept in the
dashboard's cache with the data stamp "alle" they were computed under (`berichte.dashboard.datenstand()`), which a
committed write to any Bündnis renews: stale-while-revalidate. While the stamp is unchanged the pages read them;
after a write they still show the kept figures with their Stand, say that newer ones are being computed, and the
first such request queues one recomputation (`berichte.tasks.landsicht_erneuern`, at most one queued per kind and
language; one that fails is queued again after `NEUER_VERSUCH_SEKUNDEN`). Only when none are kept (a new cache), or
when the worker's figures cannot reach the web process (a cache of one process, see `im_hintergrund`), does the
request compute them. Rendered fragments and export tables are cached per computation they were made from and
per choice (`teil`). The page of one Bündnis is cached under that Bündnis's stamp and never shows outdated
figures: it takes its row from the kept table only while that is current, else computes that one row.

Small numbers: counts of people reach this module only through `berichte.steuerung` (indicator values) or as a
registered figure that the owning app already withheld (its text is the needs analysis' symbol); a withheld
figure keeps no number here, so neither sorting, the map, titles nor exports can reveal it.
"""

from __future__ import annotations

import calendar
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bedarf.suppression import ZEICHEN
from berichte import dashboard, steuerung
from berichte.models import Indikator, Zielsetzung
from buendnis import inhalt as i
from buendnis import registry as buendnis_registry
from buendnis.choices import (
    LAENDER_MIT_REGIERUNGSBEZIRKEN,
    REGIERUNGSBEZIRKE_JE_LAND,
    Baustein,
    BuendnisArt,
    Regierungsbezirk,
)
from buendnis.choices import Kernaufgabe as KernaufgabeChoices
from buendnis.models import Buendnis
from buendnis.models.base import sees_all_buendnisse

logger = logging.getLogger(__name__)

# The registered figures the traffic light reads (keys of `Landkennzahl`s registered by buendnis and bedarf).
KERNGRUPPE = "kerngruppe"
LETZTE_SITZUNG = "letzte_sitzung"
ERHEBUNG = "erhebung_abgegeben"
# The columns this module adds after the registered ones.
ZIELE = "ziele"
KERNAUFGABEN = "kernaufgaben"
AMPEL = "ampel"
# Columns of the Bündnis itself (sortable, not figures).
NAME, ART, REGIERUNGSBEZIRK = "name", "art", "regierungsbezirk"
QUARTALE = 8


class Ampel:
    ROT = "rot"
    GELB = "gelb"
    GRUEN = "gruen"

    CHOICES = [
        (ROT, gettext_lazy("rot")),
        (GELB, gettext_lazy("gelb")),
        (GRUEN, gettext_lazy("grün")),
    ]
    RANG = {ROT: 0, GELB: 1, GRUEN: 2}
    ICON = {ROT: "bi-x-octagon-fill", GELB: "bi-exclamation-triangle-fill", GRUEN: "bi-check-circle-fill"}

    @classmethod
    def label(cls, wert: str) -> str:
        return str(dict(cls.CHOICES)[wert])


def ampel_regel() -> str:
    """The rule of the traffic light in words, exactly as `ampel()` applies it."""
    return _(
        "Rot, wenn die Bündniskerngruppe nicht eingerichtet ist, in den letzten 12 Monaten keine Sitzung "
        "stattgefunden hat oder weniger als die Hälfte der Kommunen die letzte Erhebung abgegeben hat (ohne "
        "Erhebung zählt das als keine Abgabe). Grün, wenn die Kerngruppe eingerichtet ist, in den letzten 6 Monaten "
        "eine Sitzung stattgefunden hat, mindestens 75 % der Kommunen die letzte Erhebung abgegeben haben und "
        "entweder kein Indikator einen Wert hat oder mindestens die Hälfte der Indikatoren mit Wert im Plan ist. "
        "Sonst gelb."
    )


# Cells, columns, rows ----------------------------------------------------------------------------------------------


@dataclass
class Zelle:
    """One figure of a row as it may be shown: a withheld figure (`gesperrt`) keeps no number at all."""

    text: str
    sortwert: Decimal | int | float | str | datetime.date | None = None
    anteil: Decimal | None = None
    url: str = ""
    gesperrt: bool = False


@dataclass
class Spalte:
    key: str
    label: str
    erklaerung: str = ""
    baustein: str = ""
    karte: bool = False
    eigene: bool = False  # added by this module (targets, tasks, traffic light), not registered by an app


@dataclass
class Landzeile:
    """One Bündnis in the Land's table."""

    buendnis_id: int
    name: str
    kreisschluessel: str
    art: str
    art_label: str
    regierungsbezirk: str
    regierungsbezirk_label: str
    url: str
    werte: dict[str, Zelle] = field(default_factory=dict)
    ampel: str = Ampel.ROT
    ampel_gruende: list[str] = field(default_factory=list)
    aufgaben: list[steuerung.Aufgabenstand] = field(default_factory=list)

    def wert(self, key: str) -> Zelle | None:
        return self.werte.get(key)


@dataclass
class Landdaten:
    spalten: list[Spalte]
    zeilen: list[Landzeile]
    stand: datetime.datetime
    stichtag: datetime.date


def zelle_aus_landwert(wert: buendnis_registry.Landwert | None) -> Zelle:
    if wert is None:
        return Zelle("–")
    text = str(wert.text)
    if text.strip() == ZEICHEN:
        # Withheld by the owning app: no number travels on (not for sorting, colouring or exporting).
        return Zelle(ZEICHEN, url=wert.url, gesperrt=True)
    return Zelle(text, wert.sortwert, wert.anteil, wert.url)


def _spalten() -> list[Spalte]:
    spalten = [
        Spalte(k.key, str(k.label), str(k.erklaerung), k.baustein, k.karte)
        for k in buendnis_registry.landkennzahlen()
    ]
    spalten += [
        Spalte(
            ZIELE,
            _("Ziele im Plan"),
            _(
                "Indikatoren der mit dem Land vereinbarten Zielsetzungen, die heute im Plan sind, von allen "
                "Indikatoren mit einem Wert. "
            )
            + steuerung.im_plan_regel(),
            karte=True,
            eigene=True,
        ),
        Spalte(
            KERNAUFGABEN,
            _("Kernaufgaben erfüllt"),
            _("Wie viele der neun Aufgaben der Bündniskerngruppe nach den Daten erfüllt sind."),
            eigene=True,
        ),
        Spalte(AMPEL, _("Ampel"), ampel_regel(), karte=True, eigene=True),
    ]
    return spalten


# The rows ----------------------------------------------------------------------------------------------------------


def monate_zurueck(tag: datetime.date, monate: int) -> datetime.date:
    jahr, monat = divmod(tag.year * 12 + tag.month - 1 - monate, 12)
    monat += 1
    return datetime.date(jahr, monat, min(tag.day, calendar.monthrange(jahr, monat)[1]))


def _ist_ja(zelle: Zelle | None) -> bool:
    if zelle is None or zelle.gesperrt:
        return False
    if zelle.anteil is not None:
        return zelle.anteil >= 1
    wert = zelle.sortwert
    if isinstance(wert, bool | int | float | Decimal):
        return bool(wert)
    return str(wert if wert is not None else zelle.text).strip().lower() in (
        "ja",
        "yes",
        "eingerichtet",
        "true",
    )


def _als_datum(wert) -> datetime.date | None:
    if isinstance(wert, datetime.datetime):
        return timezone.localtime(wert).date() if timezone.is_aware(wert) else wert.date()
    if isinstance(wert, datetime.date):
        return wert
    return None


@dataclass
class _ZieleZelle(Zelle):
    """The cell of targets on track, keeping both counts for the traffic light."""

    sortwert_paar: tuple[int, int] = (0, 0)


def ampel(zeile: Landzeile, stichtag: datetime.date) -> tuple[str, list[str]]:
    """The traffic light of one row and why it is not green (see `ampel_regel`)."""
    kerngruppe = _ist_ja(zeile.wert(KERNGRUPPE))
    sitzung_zelle = zeile.wert(LETZTE_SITZUNG)
    sitzung = _als_datum(sitzung_zelle.sortwert) if sitzung_zelle else None
    erhebung_zelle = zeile.wert(ERHEBUNG)
    abgegeben = erhebung_zelle.anteil if erhebung_zelle and erhebung_zelle.anteil is not None else Decimal(0)
    ziele = zeile.wert(ZIELE)
    im_plan, mit_wert = (
        (ziele.sortwert_paar if isinstance(ziele, _ZieleZelle) else (0, 0)) if ziele else (0, 0)
    )

    rot, gelb = [], []
    if not kerngruppe:
        rot.append(_("Die Bündniskerngruppe ist nicht eingerichtet."))
    if sitzung is None or sitzung < monate_zurueck(stichtag, 12):
        rot.append(_("In den letzten 12 Monaten hat keine Sitzung stattgefunden."))
    elif sitzung < monate_zurueck(stichtag, 6):
        gelb.append(_("In den letzten 6 Monaten hat keine Sitzung stattgefunden."))
    if abgegeben < Decimal("0.5"):
        rot.append(_("Weniger als die Hälfte der Kommunen hat die letzte Erhebung abgegeben."))
    elif abgegeben < Decimal("0.75"):
        gelb.append(_("Weniger als 75 % der Kommunen haben die letzte Erhebung abgegeben."))
    if mit_wert and im_plan * 2 < mit_wert:
        gelb.append(_("Weniger als die Hälfte der Indikatoren mit Wert ist im Plan."))
    if rot:
        return Ampel.ROT, rot + gelb
    if gelb:
        return Ampel.GELB, gelb
    return Ampel.GRUEN, []


def gueltige_zielsetzungen(buendnis_ids: list[int]) -> list[Zielsetzung]:
    """The agreed, not replaced targets of the Bündnisse with their indicators (two queries)."""
    return list(
        Zielsetzung.objects.gueltig()
        .filter(buendnis_id__in=buendnis_ids)
        .prefetch_related("indikatoren")
        .order_by("buendnis_id", "zeitraum_von", "titel", "pk")
    )


def _indikatoren(zielsetzungen: list[Zielsetzung]) -> list[Indikator]:
    return [ind for z in zielsetzungen for ind in z.indikatoren.all()]


class Auswahl(list):
    """The ids of the Bündnisse of one computation, handed to every registered figure, with room (`gemeinsam`)
    for what figures of one app share within it: the money columns of `foerderung` read one grouped query per
    kind of money for all their Bausteine. It lives as long as the computation, so nothing shared outlives it."""

    def __init__(self, ids=()):
        super().__init__(ids)
        self.gemeinsam: dict = {}


def zeilen_berechnen(buendnisse: list[Buendnis], stichtag: datetime.date) -> Landdaten:
    """The rows of the given Bündnisse, uncached: a fixed number of queries whatever their number."""
    ids = Auswahl(b.pk for b in buendnisse)
    spalten = _spalten()
    kennzahlen = {k.key: k.werte(ids) for k in buendnis_registry.landkennzahlen()}
    zielsetzungen = gueltige_zielsetzungen(ids)
    werte = steuerung.aktuelle_werte(_indikatoren(zielsetzungen), stichtag)
    je_buendnis: dict[int, list[Zielsetzung]] = {}
    for z in zielsetzungen:
        je_buendnis.setdefault(z.buendnis_id, []).append(z)
    aufgaben = steuerung.kernaufgaben(ids, stichtag)
    anzahl_aufgaben = len(KernaufgabeChoices)

    zeilen = []
    for b in buendnisse:
        url = reverse("berichte:land-buendnis", args=[b.pk])
        zeile = Landzeile(
            buendnis_id=b.pk,
            name=b.name,
            kreisschluessel=b.kreisschluessel,
            art=b.art,
            art_label=str(b.get_art_display()),
            regierungsbezirk=b.regierungsbezirk,
            regierungsbezirk_label=str(b.get_regierungsbezirk_display()),
            url=url,
        )
        for key, je in kennzahlen.items():
            zeile.werte[key] = zelle_aus_landwert(je.get(b.pk))
        im_plan, mit_wert = steuerung.im_plan_zaehlen(je_buendnis.get(b.pk, []), werte, stichtag)
        zeile.werte[ZIELE] = _ZieleZelle(
            _("%(x)s von %(y)s") % {"x": im_plan, "y": mit_wert} if mit_wert else _("keine Werte"),
            sortwert=Decimal(im_plan) / Decimal(mit_wert) if mit_wert else None,
            anteil=Decimal(im_plan) / Decimal(mit_wert) if mit_wert else None,
            url=f"{url}#ziele",
            sortwert_paar=(im_plan, mit_wert),
        )
        zeile.aufgaben = aufgaben.get(b.pk, [])
        erfuellt = steuerung.kernaufgaben_erfuellt(zeile.aufgaben)
        zeile.werte[KERNAUFGABEN] = Zelle(
            _("%(x)s von %(y)s") % {"x": erfuellt, "y": anzahl_aufgaben},
            sortwert=erfuellt,
            anteil=Decimal(erfuellt) / Decimal(anzahl_aufgaben),
            url=f"{url}#kernaufgaben",
        )
        zeile.ampel, zeile.ampel_gruende = ampel(zeile, stichtag)
        zeile.werte[AMPEL] = Zelle(
            Ampel.label(zeile.ampel), sortwert=Ampel.RANG[zeile.ampel], url=f"{url}#ampel"
        )
        zeilen.append(zeile)
    return Landdaten(spalten, zeilen, timezone.localtime(), stichtag)


def gecacht(name: str, user, stichtag: datetime.date, berechnen: Callable, buendnis_id: int | None = None):
    """`berechnen()` from the dashboard's cache, per data stamp, scope, language and day. The stamp is that of
    `buendnis_id` when the figures are of that one Bündnis only, else that of the user's scope (the Land: all
    Bündnisse)."""
    if not dashboard._cache_erlaubt():
        return berechnen()
    alle = sees_all_buendnisse(user)
    if buendnis_id is None and not alle:
        buendnis_id = user.buendnis_id or None
    schluessel = ":".join(
        [
            "berichte:landsicht",
            name,
            dashboard.datenstand(buendnis_id),
            "alle" if alle else str(user.buendnis_id or "-"),
            translation.get_language() or "-",
            stichtag.isoformat(),
        ]
    )
    daten = dashboard._cache("get", schluessel)
    if daten is None:
        daten = berechnen()
        dashboard._cache("set", schluessel, daten, dashboard.cache_sekunden())
    return daten


# Kept figures of all Bündnisse: stale-while-revalidate -----------------------------------------------------------

TABELLE = "tabelle"
VERGLEICH = "vergleich"
# How long kept figures stay without being renewed; older ones are gone and computed in the request again.
AUFBEWAHREN_SEKUNDEN = 7 * 24 * 3600
# Parts made from one computation (rendered fragments, export tables): made again from its rows when expired.
TEILE_SEKUNDEN = 600
# A recomputation queued this long ago and not finished (it failed, was lost, or no worker runs) is queued
# again by the next request.
NEUER_VERSUCH_SEKUNDEN = 300


@dataclass
class Bestand:
    """The head of one computation of the Land's figures (`TABELLE`: the rows of the table, `VERGLEICH`: the
    comparison by quarter) of all Bündnisse: which one (`version`), under which data stamp and for which day it
    was made, when, and what a page shows of it without reading its rows. `wird_aktualisiert`: the data changed
    since and newer figures are being computed (set for the reader, never kept). `daten`: the rows, when the
    request computed them itself."""

    name: str
    version: str
    datenstand: str
    stichtag: datetime.date
    berechnet: float  # time.time() when the computation began
    stand: datetime.datetime
    spalten: list[Spalte] = field(default_factory=list)
    wird_aktualisiert: bool = False
    daten: Landdaten | Vergleichsdaten | None = None


def _schluessel(teil: str, name: str, sprache: str | None = None) -> str:
    return f"berichte:landsicht:{teil}:{name}:alle:{sprache or translation.get_language() or '-'}"


def im_hintergrund() -> bool:
    """Whether outdated figures are recomputed by the worker (`berichte.tasks.landsicht_erneuern`) while the
    pages show the kept ones. Only when the worker's figures reach the web processes: through a cache they share
    (production's database cache) or because tasks run inline; with a cache of one process (`locmemcache://`, the
    benchmark, development) the request computes them as before. `BERICHTE_LANDSICHT_HINTERGRUND` (True/False)
    overrides the choice."""
    wahl = getattr(settings, "BERICHTE_LANDSICHT_HINTERGRUND", None)
    if wahl is not None:
        return bool(wahl)
    from django.core.cache import caches
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache
    from django_tasks import default_task_backend
    from django_tasks.backends.immediate import ImmediateBackend

    if not isinstance(caches["default"], LocMemCache | DummyCache):
        return True
    return isinstance(default_task_backend, ImmediateBackend)


def _buendnisse(user=None) -> list[Buendnis]:
    qs = Buendnis.objects.all() if user is None else Buendnis.objects.visible_to(user)
    return list(qs.order_by("name", "pk"))


def _berechnen(name: str, stichtag: datetime.date, user=None) -> Landdaten | Vergleichsdaten:
    """The figures `name` of the Bündnisse the user sees (without a user: all of them, the Land's scope)."""
    if name == TABELLE:
        return zeilen_berechnen(_buendnisse(user), stichtag)
    if name == VERGLEICH:
        return vergleich_berechnen(_buendnisse(user), stichtag)
    raise ValueError(name)


def _behalten(name: str, stichtag: datetime.date, datenstand: str) -> Bestand:
    """Computes the figures `name` of all Bündnisse and keeps them with their head. `datenstand` is the stamp read
    before computing, so a write committed meanwhile makes them outdated at once."""
    beginn = time.time()
    daten = _berechnen(name, stichtag)
    bestand = Bestand(
        name=name,
        version=uuid.uuid4().hex,
        datenstand=datenstand,
        stichtag=stichtag,
        berechnet=beginn,
        stand=daten.stand,
        spalten=getattr(daten, "spalten", []),
    )
    # The rows first: a head that can be read points at rows that are there.
    dashboard._cache("set", _schluessel("daten", name), (bestand, daten), AUFBEWAHREN_SEKUNDEN)
    dashboard._cache("set", _schluessel("kopf", name), bestand, AUFBEWAHREN_SEKUNDEN)
    return replace(bestand, daten=daten)


def _geaendert(bestand: Bestand, datenstand: str, stichtag: datetime.date) -> bool:
    """A committed write (or a new day) since the figures were computed."""
    return bestand.datenstand != datenstand or bestand.stichtag != stichtag


def _aktuell(bestand: Bestand, datenstand: str, stichtag: datetime.date) -> bool:
    """Unchanged data and younger than the cache's time limit, which covers writes no stamp sees (bulk updates)."""
    return (
        not _geaendert(bestand, datenstand, stichtag)
        and time.time() - bestand.berechnet < dashboard.cache_sekunden()
    )


def _anstossen(name: str) -> None:
    """Queues one recomputation of `name` in the request's language. While one is queued and not finished, no
    other is (for whatever stamp); one that fails leaves its mark until `NEUER_VERSUCH_SEKUNDEN` have passed,
    then the next request queues it again."""
    from berichte.tasks import landsicht_erneuern  # the tasks module imports this one

    sprache = translation.get_language() or settings.LANGUAGE_CODE
    marke = _schluessel("auftrag", name, sprache)
    if not dashboard._cache("add", marke, time.time(), NEUER_VERSUCH_SEKUNDEN):
        return
    try:
        landsicht_erneuern.enqueue(name, sprache)
    except Exception:  # noqa: BLE001 - the page shows the kept figures; the next request tries again
        logger.warning("Neuberechnung der Landsicht nicht eingereiht", exc_info=True)
        dashboard._cache("delete", marke)


def bestand(user, name: str) -> Bestand:
    """The figures `name` the user's page shows. For the Land (all Bündnisse): the kept ones when current; when
    the data changed since, still the kept ones, marked `wird_aktualisiert`, and one recomputation is queued
    (`im_hintergrund`); computed in the request only when none are kept (a new cache) or the worker's figures could
    not reach this process. Another scope, or no cache: computed here, nothing kept."""
    stichtag = timezone.localdate()
    if not sees_all_buendnisse(user) or not dashboard._cache_erlaubt():
        daten = _berechnen(name, stichtag, user)
        return Bestand(
            name, "", "", stichtag, time.time(), daten.stand, getattr(daten, "spalten", []), daten=daten
        )
    datenstand = dashboard.datenstand(None)
    kopf = dashboard._cache("get", _schluessel("kopf", name))
    if kopf is None:
        return _behalten(name, stichtag, datenstand)
    if _aktuell(kopf, datenstand, stichtag):
        return kopf
    if not im_hintergrund():
        return _behalten(name, stichtag, datenstand)
    _anstossen(name)
    neu = dashboard._cache("get", _schluessel("kopf", name))  # tasks that run inline are done already
    if neu is not None and _aktuell(neu, datenstand, stichtag):
        return neu
    return replace(kopf, wird_aktualisiert=_geaendert(kopf, datenstand, stichtag))


def daten(bestand: Bestand) -> tuple[Bestand, Landdaten | Vergleichsdaten]:
    """The rows of the computation `bestand` heads, or of a newer one kept meanwhile (the head returned says
    which); computed here when they are gone from the cache."""
    if bestand.daten is not None:
        return bestand, bestand.daten
    gelesen = dashboard._cache("get", _schluessel("daten", bestand.name))
    if gelesen is None:
        neu = _behalten(bestand.name, timezone.localdate(), dashboard.datenstand(None))
        return neu, neu.daten
    kopf, zeilen = gelesen
    if kopf.version == bestand.version:
        kopf = replace(kopf, wird_aktualisiert=bestand.wird_aktualisiert)
    return kopf, zeilen


def teil(bestaende: list[Bestand], name: str, auswahl: str, machen: Callable):
    """A part of a page made from kept figures (a rendered fragment, the export's table): `machen(*rows)`, cached
    per computation it was made from, language and choice (`auswahl`, the query string of the chosen values). The
    same computations and choice give the same part, so no stamp is needed; rendering 53 rows and the map costs
    more than reading them. Returns the heads it was made from (newer ones when the rows were renewed meanwhile)
    and the part."""

    def schluessel(bs: list[Bestand]) -> str:
        versionen = ".".join(b.version for b in bs)
        return f"berichte:landsicht:teil:{name}:{versionen}:{translation.get_language() or '-'}:{auswahl}"

    zwischengespeichert = all(b.version for b in bestaende)
    if zwischengespeichert:
        fertig = dashboard._cache("get", schluessel(bestaende))
        if fertig is not None:
            return bestaende, fertig
    gelesen = [daten(b) for b in bestaende]
    bestaende = [b for b, _d in gelesen]
    ergebnis = machen(*[d for _b, d in gelesen])
    if zwischengespeichert:
        dashboard._cache("set", schluessel(bestaende), ergebnis, TEILE_SEKUNDEN)
    return bestaende, ergebnis


def erneuern(name: str, sprache: str) -> bool:
    """Body of the task `berichte.tasks.landsicht_erneuern`: computes and keeps the figures `name` of all
    Bündnisse in the language `sprache`, unless the kept ones are current already (a second task for the same
    data does nothing). Returns whether it computed. Clears the mark of the queued task when done; a failure
    keeps it until `NEUER_VERSUCH_SEKUNDEN` have passed (then the next request queues it again)."""
    if name not in (TABELLE, VERGLEICH):
        raise ValueError(name)
    with translation.override(sprache):
        if not dashboard._cache_erlaubt():
            return False
        stichtag = timezone.localdate()
        datenstand = dashboard.datenstand(None)
        kopf = dashboard._cache("get", _schluessel("kopf", name))
        berechnet = kopf is None or not _aktuell(kopf, datenstand, stichtag)
        if berechnet:
            _behalten(name, stichtag, datenstand)
        dashboard._cache("delete", _schluessel("auftrag", name, sprache))
    return berechnet


def aktuelle_tabelle(user) -> Landdaten | None:
    """The kept rows of all Bündnisse when they are current for the user (the Land), else None; queues nothing."""
    if not sees_all_buendnisse(user) or not dashboard._cache_erlaubt():
        return None
    kopf = dashboard._cache("get", _schluessel("kopf", TABELLE))
    if kopf is None or not _aktuell(kopf, dashboard.datenstand(None), timezone.localdate()):
        return None
    gelesen = dashboard._cache("get", _schluessel("daten", TABELLE))
    if gelesen is None or gelesen[0].version != kopf.version:
        return None
    return gelesen[1]


# Choosing columns, filtering, sorting ------------------------------------------------------------------------------


def bausteine(spalten: list[Spalte]) -> list[tuple[str, str]]:
    """The Förderbausteine that have columns of their own, as (value, label)."""
    labels = dict(Baustein.choices)
    vorhanden = sorted({s.baustein for s in spalten if s.baustein})
    return [(b, str(labels.get(b, b))) for b in vorhanden]


def sichtbare_spalten(spalten: list[Spalte], baustein: str = "") -> list[Spalte]:
    """The columns without a Baustein plus, for a chosen Baustein, its own columns in place of the totals they
    break down (`bewilligt_f1` replaces `bewilligt`)."""
    if not baustein:
        return [s for s in spalten if not s.baustein]
    eigene = {s.key for s in spalten if s.baustein == baustein}
    ergebnis = []
    for s in spalten:
        if s.baustein == baustein or not s.baustein and f"{s.key}_{baustein}" not in eigene:
            ergebnis.append(s)
    # The Baustein's columns stand where the totals they replace stood.
    ersetzt = {f"{s.key}_{baustein}": s.key for s in spalten if not s.baustein}
    reihenfolge = {s.key: n for n, s in enumerate(spalten)}
    return sorted(ergebnis, key=lambda s: reihenfolge[ersetzt.get(s.key, s.key)])


def filtern(
    zeilen: list[Landzeile], *, regierungsbezirk: str = "", art: str = "", ampel: str = ""
) -> list[Landzeile]:
    return [
        z
        for z in zeilen
        if (not regierungsbezirk or z.regierungsbezirk == regierungsbezirk)
        and (not art or z.art == art)
        and (not ampel or z.ampel == ampel)
    ]


def _vergleichbar(wert) -> tuple:
    """A sort key comparable across types (a column may mix numbers and texts)."""
    if isinstance(wert, bool | int | float | Decimal):
        return (0, Decimal(str(wert)) if isinstance(wert, float) else Decimal(wert))
    datum = _als_datum(wert)
    if datum is not None:
        return (1, datum.toordinal())
    return (2, str(wert).casefold())


def sortwert(zeile: Landzeile, key: str):
    if key == NAME:
        return zeile.name
    if key == ART:
        return zeile.art_label
    if key == REGIERUNGSBEZIRK:
        return zeile.regierungsbezirk_label
    zelle = zeile.wert(key)
    if zelle is None or zelle.gesperrt:
        return None
    return zelle.sortwert


def sortieren(zeilen: list[Landzeile], key: str, absteigend: bool = False, wert=sortwert) -> list[Landzeile]:
    """Stable sort by one column (ties keep the order by name); rows without a value last in both directions."""
    basis = sorted(zeilen, key=lambda z: (z.name.casefold(), z.buendnis_id))
    mit = [z for z in basis if wert(z, key) is not None]
    ohne = [z for z in basis if wert(z, key) is None]
    mit.sort(key=lambda z: _vergleichbar(wert(z, key)), reverse=absteigend)
    return mit + ohne


def sortierbar(spalten: list[Spalte]) -> set[str]:
    return {NAME, ART, REGIERUNGSBEZIRK} | {s.key for s in spalten}


# The map -----------------------------------------------------------------------------------------------------------

KARTE = "karten/nrw_kreise.json"
STUFEN = 5


@cache
def kartengrundlage() -> dict:
    """The boundaries of NRW's Kreise (`static/karten/nrw_kreise.json`), read once per process."""
    pfad = finders.find(KARTE)
    if not pfad:
        return {"viewbox": [0, 0, 100, 100], "kreise": {}, "quelle": ""}
    with open(pfad, encoding="utf-8") as datei:
        return json.load(datei)


def kartenauswahl(spalten: list[Spalte]) -> list[tuple[str, str]]:
    """What the map can be coloured by: the traffic light (the default, first), then the figures the apps allow
    on the map and the targets, of the columns shown (the table is the map's accessible alternative)."""
    auswahl = [(s.key, s.label) for s in spalten if s.karte]
    return sorted(auswahl, key=lambda a: a[0] != AMPEL)


def _zahl(wert) -> Decimal | None:
    if isinstance(wert, bool):
        return Decimal(int(wert))
    if isinstance(wert, int | Decimal):
        return Decimal(wert)
    if isinstance(wert, float):
        return Decimal(str(wert))
    datum = _als_datum(wert)
    if datum is not None:
        return Decimal(datum.toordinal())
    return None


def _grenze_text(wert: Decimal, datum: bool, einheit: str) -> str:
    if datum:
        return i.datum(datetime.date.fromordinal(int(wert)))
    gerundet = wert.quantize(Decimal("0.01")) if wert != wert.to_integral_value() else wert
    return f"{i.zahl(gerundet)} {einheit}".strip()


def _einheit(texte: list[str]) -> str:
    endungen = {t.rsplit(" ", 1)[-1] for t in texte if " " in t}
    return endungen.pop() if len(endungen) == 1 and next(iter(endungen)) in ("€", "%", "VZÄ") else ""


def klassen(zeilen: list[Landzeile], key: str) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """The map class of each Bündnis (by id; missing: no value) and the legend [(class, text)].

    Shares (0..1) fall into five fixed steps of 20 percentage points; other figures into five equal steps between
    the smallest and the largest value, or one step per value when there are at most five; the traffic light
    into its three colours."""
    if key == AMPEL:
        return {z.buendnis_id: f"karte-{z.ampel}" for z in zeilen}, [
            (f"karte-{wert}", str(label)) for wert, label in reversed(Ampel.CHOICES)
        ]
    zellen = {z.buendnis_id: z.wert(key) for z in zeilen}
    zellen = {bid: c for bid, c in zellen.items() if c is not None and not c.gesperrt}
    if any(c.anteil is not None for c in zellen.values()):
        grenzen = [Decimal(n) / STUFEN for n in range(STUFEN + 1)]
        ergebnis = {}
        for bid, c in zellen.items():
            if c.anteil is None:
                continue
            stufe = min(STUFEN - 1, int(c.anteil * STUFEN)) if c.anteil >= 0 else 0
            ergebnis[bid] = f"karte-k{stufe}"
        legende = []
        for n in range(STUFEN):
            von, bis = i.zahl(grenzen[n] * 100), i.zahl(grenzen[n + 1] * 100)
            text = (
                _("%(von)s bis %(bis)s %%") % {"von": von, "bis": bis}
                if n == STUFEN - 1
                else _("%(von)s bis unter %(bis)s %%") % {"von": von, "bis": bis}
            )
            legende.append((f"karte-k{n}", text))
        return ergebnis, legende
    zahlen = {bid: _zahl(c.sortwert) for bid, c in zellen.items()}
    zahlen = {bid: w for bid, w in zahlen.items() if w is not None}
    if not zahlen:
        return {}, []
    datum = any(_als_datum(zellen[bid].sortwert) is not None for bid in zahlen)
    verschiedene = sorted(set(zahlen.values()))
    if len(verschiedene) <= STUFEN:
        # One step per value, spread over the scale (two values: lightest and darkest).
        n = len(verschiedene)
        stufe = {
            w: round(k * (STUFEN - 1) / (n - 1)) if n > 1 else STUFEN - 1 for k, w in enumerate(verschiedene)
        }
        texte = {}
        for bid, w in zahlen.items():
            texte.setdefault(w, zellen[bid].text)
        return (
            {bid: f"karte-k{stufe[w]}" for bid, w in zahlen.items()},
            [(f"karte-k{stufe[w]}", texte[w]) for w in verschiedene],
        )
    kleinster, groesster = verschiedene[0], verschiedene[-1]
    schritt = (groesster - kleinster) / STUFEN
    einheit = "" if datum else _einheit([zellen[bid].text for bid in zahlen])
    ergebnis = {bid: f"karte-k{min(STUFEN - 1, int((w - kleinster) / schritt))}" for bid, w in zahlen.items()}
    legende = []
    for n in range(STUFEN):
        von = _grenze_text(kleinster + schritt * n, datum, "")
        bis = _grenze_text(kleinster + schritt * (n + 1), datum, einheit)
        text = (
            _("%(von)s bis %(bis)s") % {"von": von, "bis": bis}
            if n == STUFEN - 1
            else _("%(von)s bis unter %(bis)s") % {"von": von, "bis": bis}
        )
        legende.append((f"karte-k{n}", text))
    return ergebnis, legende


def karte(daten: Landdaten, gezeigt: list[Landzeile], key: str) -> dict:
    """The map: every Kreis of NRW as an SVG path, filled by its Bündnis's class for `key`, a link to the
    Bündnis's page with a title naming the Bündnis and the value as the table shows it."""
    grundlage = kartengrundlage()
    spalte = next((s for s in daten.spalten if s.key == key), None)
    je_schluessel = {z.kreisschluessel: z for z in daten.zeilen}
    gezeigt_ids = {z.buendnis_id for z in gezeigt}
    klasse, legende = klassen(daten.zeilen, key)
    flaechen = []
    for ars, kreis in sorted(grundlage["kreise"].items()):
        zeile = je_schluessel.get(ars)
        if zeile is None:
            flaechen.append(
                {
                    "ars": ars,
                    "d": kreis["d"],
                    "klasse": "karte-leer",
                    "titel": _("%(name)s: kein Bündnis erfasst") % {"name": kreis["name"]},
                    "href": "",
                }
            )
            continue
        if zeile.buendnis_id not in gezeigt_ids:
            flaechen.append(
                {
                    "ars": ars,
                    "d": kreis["d"],
                    "klasse": "karte-aus",
                    "titel": _("%(name)s: nicht in der Auswahl") % {"name": zeile.name},
                    "href": "",
                }
            )
            continue
        zelle = zeile.wert(key)
        text = zelle.text if zelle is not None else "–"
        flaechen.append(
            {
                "ars": ars,
                "d": kreis["d"],
                "klasse": klasse.get(zeile.buendnis_id, "karte-leer"),
                "titel": f"{zeile.name}: {text}",
                "href": zeile.url,
                "buendnis_id": zeile.buendnis_id,
            }
        )
    vb = grundlage["viewbox"]
    return {
        "key": key,
        "label": spalte.label if spalte else "",
        "viewbox": " ".join(str(v) for v in vb),
        "flaechen": flaechen,
        "legende": legende,
        "mit_aus": any(f["klasse"] == "karte-aus" for f in flaechen),
        "quelle": grundlage.get("quelle", ""),
    }


# One Bündnis -------------------------------------------------------------------------------------------------------


def quartalsbeginn(tag: datetime.date) -> datetime.date:
    return datetime.date(tag.year, (tag.month - 1) // 3 * 3 + 1, 1)


def letzte_quartale(stichtag: datetime.date, anzahl: int = QUARTALE) -> list[tuple[str, datetime.date]]:
    """The last `anzahl` quarters up to the one holding `stichtag`, oldest first (label, last day)."""
    index = stichtag.year * 4 + (stichtag.month - 1) // 3 - (anzahl - 1)
    von = datetime.date(index // 4, index % 4 * 3 + 1, 1)
    return steuerung.quartale(von, stichtag)


@dataclass
class Indikatorzeile:
    indikator: Indikator
    aktuell: steuerung.Messwert
    im_plan: bool | None
    verlauf: list[steuerung.Messwert]


def buendnis_daten(user, buendnis: Buendnis, stichtag: datetime.date | None = None) -> dict:
    """Everything the Land's page of one Bündnis shows, from the cache when it holds it (under that Bündnis's
    stamp, so writes elsewhere keep it): its row of the table (with every Baustein's figures and the nine tasks
    with their evidence), its targets with indicators, values and on-track state, and the indicators by quarter.
    The row is that of the kept table when it is current, else computed for this Bündnis alone."""
    stichtag = stichtag or timezone.localdate()

    def berechnen() -> dict:
        zeilen = aktuelle_tabelle(user) if stichtag == timezone.localdate() else None
        return buendnis_berechnen(zeilen or zeilen_berechnen([buendnis], stichtag), buendnis, stichtag)

    return gecacht(f"buendnis:{buendnis.pk}", user, stichtag, berechnen, buendnis_id=buendnis.pk)


def buendnis_berechnen(daten: Landdaten, buendnis: Buendnis, stichtag: datetime.date) -> dict:
    zeile = next((z for z in daten.zeilen if z.buendnis_id == buendnis.pk), None)
    if zeile is None:
        daten = zeilen_berechnen([buendnis], stichtag)
        zeile = daten.zeilen[0]
    zielsetzungen = gueltige_zielsetzungen([buendnis.pk])
    indikatoren = _indikatoren(zielsetzungen)
    quartale = letzte_quartale(stichtag)
    aktuell = steuerung.aktuelle_werte(indikatoren, stichtag)
    verlauf = steuerung.verlauf(indikatoren, [ende for _, ende in quartale], stichtag) if indikatoren else {}
    ziele = []
    for z in zielsetzungen:
        zeilen = []
        for ind in z.indikatoren.all():
            wert = aktuell.get(ind.pk)
            im_plan = ind.im_plan(wert.wert, stichtag) if wert is not None and wert.wert is not None else None
            zeilen.append(Indikatorzeile(ind, wert, im_plan, verlauf.get(ind.pk, [])))
        ziele.append({"zielsetzung": z, "indikatoren": zeilen})
    labels = dict(Baustein.choices)
    gruppen: dict[str, list[tuple[Spalte, Zelle]]] = {}
    for s in daten.spalten:
        if not s.eigene:
            gruppen.setdefault(s.baustein, []).append((s, zeile.wert(s.key) or Zelle("–")))
    kennzahlen = [
        {"titel": str(labels.get(b, b)) if b else _("Übersicht"), "baustein": b, "eintraege": gruppen[b]}
        for b in sorted(gruppen, key=lambda b: (b != "", b))
    ]
    return {
        "zeile": zeile,
        "spalten": {s.key: s for s in daten.spalten},
        "kennzahlen": kennzahlen,
        "aufgaben": zeile.aufgaben,
        "ziele": ziele,
        "quartale": quartale,
        "stand": daten.stand,
        "stichtag": stichtag,
    }


# Comparison over time ----------------------------------------------------------------------------------------------


@dataclass
class Quartalszelle:
    im_plan: int
    mit_wert: int
    anteil: Decimal | None
    faellt_zurueck: bool

    @property
    def text(self) -> str:
        if not self.mit_wert:
            return "–"
        return _("%(x)s von %(y)s im Plan") % {"x": self.im_plan, "y": self.mit_wert}


@dataclass
class Vergleichszeile:
    buendnis_id: int
    name: str
    url: str
    zellen: list[Quartalszelle]

    @property
    def faellt_zurueck(self) -> bool:
        return bool(self.zellen) and self.zellen[-1].faellt_zurueck


@dataclass
class Vergleichsdaten:
    quartale: list[tuple[str, datetime.date]]
    zeilen: dict[int, Vergleichszeile]
    stand: datetime.datetime


def vergleich_berechnen(buendnisse: list[Buendnis], stichtag: datetime.date) -> Vergleichsdaten:
    """Per Bündnis and quarter (the last eight): indicators on track of those with a value kept for that quarter
    (`berichte.steuerung.verlauf`), counting the targets whose period had begun. A quarter "falls behind" when its
    share on track is below half or lower than in the quarter before."""
    ids = [b.pk for b in buendnisse]
    quartale = letzte_quartale(stichtag)
    stichtage = [ende for _, ende in quartale]
    zielsetzungen = gueltige_zielsetzungen(ids)
    indikatoren = _indikatoren(zielsetzungen)
    reihen = steuerung.verlauf(indikatoren, stichtage, stichtag) if indikatoren else {}
    je_buendnis: dict[int, list[Zielsetzung]] = {}
    for z in zielsetzungen:
        je_buendnis.setdefault(z.buendnis_id, []).append(z)
    # The values of every indicator per quarter, built once (not per Bündnis: that grew with the square of them).
    je_quartal = [{pk: reihe[nr] for pk, reihe in reihen.items()} for nr in range(len(stichtage))]
    zeilen = {}
    for b in buendnisse:
        zellen: list[Quartalszelle] = []
        vorher = None
        for nr, ende in enumerate(stichtage):
            begonnen = [z for z in je_buendnis.get(b.pk, []) if z.zeitraum_von <= ende]
            werte = je_quartal[nr]
            im_plan, mit_wert = steuerung.im_plan_zaehlen(begonnen, werte, min(ende, stichtag))
            anteil = Decimal(im_plan) / Decimal(mit_wert) if mit_wert else None
            zurueck = anteil is not None and (
                anteil < Decimal("0.5") or (vorher is not None and anteil < vorher)
            )
            zellen.append(Quartalszelle(im_plan, mit_wert, anteil, zurueck))
            if anteil is not None:
                vorher = anteil
        zeilen[b.pk] = Vergleichszeile(b.pk, b.name, reverse("berichte:land-buendnis", args=[b.pk]), zellen)
    return Vergleichsdaten(quartale, zeilen, timezone.localtime())


# Export ------------------------------------------------------------------------------------------------------------

_ZAHL = re.compile(r"^(-?\d{1,3}(?:\.\d{3})+|-?\d+)(,\d+)?(?:\s?(€|%))?$")
_DATUM = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


def exportwert(text: str) -> tuple[Decimal | datetime.date | str, str]:
    """A cell's text as the value an export writes (a number or date where the text is one: the page's figure,
    no hidden sort value) and its unit ("€", "%" or "")."""
    text = text.strip()
    treffer = _ZAHL.match(text)
    if treffer:
        try:
            zahl = Decimal(treffer.group(1).replace(".", "") + (treffer.group(2) or "").replace(",", "."))
        except InvalidOperation:
            return text, ""
        return zahl, treffer.group(3) or ""
    treffer = _DATUM.match(text)
    if treffer:
        try:
            return datetime.date(int(treffer.group(3)), int(treffer.group(2)), int(treffer.group(1))), ""
        except ValueError:
            return text, ""
    return text, ""


def export_tabelle(spalten: list[Spalte], zeilen: list[Landzeile]) -> tuple[list[str], list[list]]:
    """Header and rows of the export, the same rows and columns as the page: numbers and dates as values."""
    kopf = [_("Bündnis"), _("Kreisschlüssel"), _("Art"), _("Regierungsbezirk")]
    werte = []
    einheiten: dict[str, set[str]] = {s.key: set() for s in spalten}
    for z in zeilen:
        reihe = [z.name, z.kreisschluessel, z.art_label, z.regierungsbezirk_label]
        for s in spalten:
            zelle = z.wert(s.key)
            if zelle is None:
                reihe.append("–")
                continue
            if zelle.gesperrt:
                reihe.append(ZEICHEN)
                continue
            wert, einheit = exportwert(zelle.text)
            if einheit:
                einheiten[s.key].add(einheit)
            reihe.append(wert)
        werte.append(reihe)
    for s in spalten:
        einheit = einheiten[s.key]
        kopf.append(f"{s.label} ({einheit.pop()})" if len(einheit) == 1 else s.label)
    return kopf, werte


def art_auswahl() -> list[tuple[str, str]]:
    return [(v, str(label)) for v, label in BuendnisArt.choices]


def regierungsbezirk_auswahl() -> list[tuple[str, str]]:
    return [(v, str(label)) for v, label in Regierungsbezirk.choices]


def regierungsbezirk_gruppen() -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter's choices grouped by Land (NRW first), so that 19 Regierungsbezirke stay easy to scan."""
    namen = dict(regierungsbezirk_auswahl())
    return [
        (land, [(wert, namen[wert]) for wert in REGIERUNGSBEZIRKE_JE_LAND[code]])
        for code, land in LAENDER_MIT_REGIERUNGSBEZIRKEN.items()
    ]
