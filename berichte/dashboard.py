"""Data of the report panel on the dashboard; a fixed number of queries whatever the data size.

Per role: everyone who reads reports gets the panel (latest reports, exports); the coordination, the evaluation
and the Kommunen get the charts of their Bündnis (offers per Kategorie and Kommune, gaps, funds per
Förderbaustein, change between survey rounds); the evaluation also gets figures across its Kommunen, and the
state figures across Bündnisse, where needs figures are protected against small numbers. The charts and the
columns of the figure tables are what the apps registered (`buendnis.registry.Dashboardteil`); this module lays
out the panel around them.

The figures and charts aggregate a whole Bündnis (for the state: all of them), which at NRW scale costs a few
hundred milliseconds. They are cached per scope (role, Bündnis, Kommune, language) for
`BERICHTE_DASHBOARD_CACHE_SEKUNDEN` (default 60, 0 switches the cache off). Each entry's key holds version stamps
(`datenstand()`): a global one, and for a Bündnis's scope that Bündnis's stamp, for the state's scope the stamp
"alle". A committed write to a row of one Bündnis renews that Bündnis's stamp and "alle", so the cached figures of
the other Bündnisse stay valid; a write to a row of no Bündnis (programme data, Kategorien, rules) renews the
global stamp and with it every entry. The time limit covers what the stamps cannot see: writes that bypass model
signals (`QuerySet.update`, bulk writes) and, with the default per-process memory cache, writes handled by another
worker process. The lists of reports and export jobs are always live. The other panels of the dashboard put
their aggregates (the nine tasks of the core group, the funds, the targets on track) in the same cache under the
same stamps (`im_bereich_gecacht`, registered as `buendnis.registry.dashboard_gecacht`); their lists stay live.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from berichte.models import Bericht, Exportauftrag
from berichte.registry import registry
from buendnis import cachehilfe
from buendnis import inhalt as i
from buendnis.models import Buendnis, Importvorgang, Kommune
from buendnis.registry import Kontext, Spalten
from buendnis.rules import is_auswertung, is_land


def panel(user) -> dict:
    if user is None or not user.is_authenticated:
        return {"sichtbar": False}
    darf_lesen = user.has_perm("berichte.view_bericht")
    darf_exportieren = user.has_perm("berichte.export_daten")
    if not (darf_lesen or darf_exportieren):
        return {"sichtbar": False}
    return {
        "sichtbar": True,
        "darf_erzeugen": user.has_perm("berichte.add_bericht"),
        "darf_exportieren": darf_exportieren,
        "berichte": list(Bericht.objects.visible_to(user).for_list()[:5]) if darf_lesen else [],
        "auftraege": list(Exportauftrag.objects.visible_to(user).for_list()[:3]) if darf_exportieren else [],
        **kennzahlen(user),
    }


def kennzahlen(user) -> dict:
    """The figures and charts of the panel for the user's scope, from the cache when it holds them."""
    return im_bereich_gecacht("dashboard", user, lambda: kennzahlen_berechnen(user))


def _cache(operation: str, *args):
    # The module's `cache` looked up at each call (tests put a failing one in its place).
    return cachehilfe.versuchen(cache, "Dashboard", operation, *args)


def kennzahlen_berechnen(user) -> dict:
    daten = {
        "diagramme": [],
        "kommunen_tabelle": None,
        "kommunen_hinweise": [],
        "buendnisse_tabelle": None,
        "buendnisse_hinweise": [],
        "stand": timezone.localtime(),
    }
    if user.buendnis_id:
        daten["diagramme"] = diagramme_buendnis(user, user.buendnis)
        if is_auswertung(user) or user.is_superuser:
            daten["kommunen_tabelle"], daten["kommunen_hinweise"] = kommunen_tabelle(user, user.buendnis)
    elif is_land(user) or user.is_superuser:
        daten["buendnisse_tabelle"], daten["buendnisse_hinweise"] = buendnisse_tabelle(user)
        daten["diagramme"] = [
            d for teil in registry.dashboardteile() if teil.diagramme_alle for d in teil.diagramme_alle(user)
        ]
    for nr, d in enumerate(daten["diagramme"]):
        d["dom_id"] = f"berichte-dashboard-diagramm-{nr}"
    # Rendered here so that a cache hit also saves laying out the tables and charts (a table of 53 Bündnisse).
    daten["kennzahlen_html"] = render_to_string("berichte/_dashboard_kennzahlen.html", daten)
    return daten


# The cache of the figures -------------------------------------------------------------------------------------------

# The global stamp; a Bündnis's stamp and the stamp of all Bündnisse add a suffix (`_stempel_schluessel`).
VERSION_KEY = "berichte:dashboard:version"
GLOBAL = "global"
ALLE = "alle"
# Writes to these apps' models change figures shown on the panel (besides the apps that registered a part of it);
# users' logins and export progress do not. A user's Bündnis, role or Kommune is part of the cache key itself.
EIGENE_DATEN_APPS = frozenset({"buendnis", "berichte"})
OHNE_WIRKUNG = frozenset({"buendnis.user", "berichte.exportauftrag"})


def cache_sekunden() -> int:
    return int(getattr(settings, "BERICHTE_DASHBOARD_CACHE_SEKUNDEN", 60))


def _cache_erlaubt() -> bool:
    # Figures read inside an open transaction may include writes that are rolled back later (a failed import,
    # a test case); they must never reach other requests through the cache.
    return cache_sekunden() > 0 and not connection.in_atomic_block


def _stempel_schluessel(bereich: str) -> str:
    return VERSION_KEY if bereich == GLOBAL else f"{VERSION_KEY}:{bereich}"


def _bereich(buendnis_id: int | None) -> str:
    return ALLE if buendnis_id is None else f"b{buendnis_id}"


def datenstand(buendnis_id: int | None = None) -> str:
    """The version stamps of the data behind cached figures: the global one and that of the Bündnis (without
    one: that of all Bündnisse), read in one round trip."""
    schluessel = [_stempel_schluessel(GLOBAL), _stempel_schluessel(_bereich(buendnis_id))]
    gelesen = _cache("get_many", schluessel) or {}
    fehlend = [k for k in schluessel if k not in gelesen]
    if fehlend:
        for k in fehlend:
            _cache("add", k, uuid.uuid4().hex, None)
        gelesen = {**gelesen, **(_cache("get_many", fehlend) or {})}
    return ".".join(str(gelesen.get(k, "")) for k in schluessel)


def datenstand_erneuern(bereiche: Iterable[str] = (GLOBAL,)) -> None:
    """New stamps for the given scopes (`GLOBAL`, `ALLE`, "b<id>"): the cached figures that read them are gone."""
    _cache("set_many", {_stempel_schluessel(b): uuid.uuid4().hex for b in bereiche}, None)


def cache_schluessel(user, name: str = "dashboard", *weitere: str) -> str:
    """One entry per scope: whatever the panel shows depends only on these (and the data)."""
    teile = [
        f"berichte:{name}",
        datenstand(user.buendnis_id or None),
        "admin" if user.is_superuser else str(user.rolle),
        str(user.buendnis_id or "alle"),
        str(user.kommune_id or "-"),
        # A member's Träger decides what it may do with rows (rules), not what it sees; kept apart all the same.
        str(getattr(user, "akteur_id", None) or "-"),
        translation.get_language() or "-",
        *weitere,
    ]
    return ":".join(teile)


def im_bereich_cachebar(user) -> bool:
    """Whether `im_bereich_gecacht` keeps figures for this person now. A person who sees every Bündnis but belongs
    to one (a superuser of a Bündnis) gets them computed: the key would hold that Bündnis's stamp, which writes to
    the others do not renew."""
    return _cache_erlaubt() and not (user.buendnis_id and user.sieht_alle_buendnisse)


def im_bereich_gecacht(name: str, user, berechnen, *weitere: str):
    """`berechnen()` from the cache of the figures, per data stamp and scope as the panel's figures (`weitere`:
    what else they depend on, such as the day), where `im_bereich_cachebar(user)`."""
    if not im_bereich_cachebar(user):
        return berechnen()
    schluessel = cache_schluessel(user, name, *weitere)
    daten = _cache("get", schluessel)
    if daten is None:
        daten = berechnen()
        _cache("set", schluessel, daten, cache_sekunden())
    return daten


def daten_apps() -> frozenset[str]:
    return EIGENE_DATEN_APPS | {teil.app_label for teil in registry.dashboardteile()}


def bei_aenderung(sender, **kwargs) -> None:
    """Receiver of post_save, post_delete and m2m_changed: after the commit, the cached figures of the written
    row's Bündnis (and those of all Bündnisse) are outdated, or all of them for a row of no Bündnis."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in daten_apps() or meta.label_lower in OHNE_WIRKUNG:
        return
    if hasattr(sender, "instance_type"):
        return  # a history row (simple_history): the write of the row it records renews the stamps
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed fires before and after; the post_ action is enough
    using = kwargs.get("using")
    verbindung = transaction.get_connection(using)
    # One renewal per stamp and transaction, however many rows it writes (an import of 10,000 offers of one
    # Bündnis renews that Bündnis's stamp once). A savepoint rolled back drops its hooks and gives
    # `run_on_commit` a new list, so the next write registers again.
    vorgemerkt: set[str] = set()
    gelesen: dict = {}
    if verbindung.in_atomic_block:
        marke = getattr(verbindung, "_berichte_vorgemerkt", None)
        if marke is None or marke[0] is not verbindung.run_on_commit:
            marke = (verbindung.run_on_commit, set(), {})
            verbindung._berichte_vorgemerkt = marke
        vorgemerkt, gelesen = marke[1], marke[2]
        if GLOBAL in vorgemerkt:
            return
    bereiche = bereiche_der_aenderung(sender, kwargs["instance"], gelesen)
    neu = bereiche - vorgemerkt
    if not neu:
        return
    vorgemerkt.update(neu)
    transaction.on_commit(functools.partial(datenstand_erneuern, frozenset(neu)), using=using)


def bereiche_der_aenderung(sender, instance, gelesen: dict) -> frozenset[str]:
    """The stamps a write to `instance` outdates: its Bündnis's and all Bündnisse's, or the global one."""
    if sender is Importvorgang:
        # An import through the pages writes its rows in bulk, without model signals; the confirmed Vorgang
        # stands for them (rows of the uploader's Bündnis). Pending or failed uploads change no figures.
        if instance.status != Importvorgang.Status.IMPORTIERT:
            return frozenset()
        try:
            buendnis_id = _folgen(instance, ["benutzer", "buendnis_id"], gelesen)
        except ObjectDoesNotExist:
            buendnis_id = None
    else:
        buendnis_id = buendnis_der_zeile(instance, gelesen)
    if buendnis_id is None:
        return frozenset({GLOBAL})
    return frozenset({_bereich(buendnis_id), ALLE})


def buendnis_der_zeile(instance, gelesen: dict) -> int | None:
    """The Bündnis a row belongs to (None: none, or it cannot be told). Follows the model's `buendnis_lookup`
    through related rows already loaded; otherwise one query per related row, remembered in `gelesen` for the
    rest of the transaction."""
    if isinstance(instance, Buendnis):
        return instance.pk
    try:
        lookup = getattr(
            getattr(type(instance)._default_manager, "_queryset_class", None), "buendnis_lookup", ""
        )
        if lookup and lookup != "buendnis_id":
            return _folgen(instance, lookup.split("__"), gelesen)
        if hasattr(instance, "buendnis_id"):
            return instance.buendnis_id
        getter = getattr(instance, "get_buendnis_id", None)
        return getter() if getter else None
    except (ObjectDoesNotExist, FieldDoesNotExist, AttributeError, ValueError):
        # A parent deleted before its row, a lookup that does not fit: every cached figure is renewed.
        return None


def _folgen(obj, teile: list[str], gelesen: dict):
    if len(teile) == 1:
        return getattr(obj, teile[0])
    feld = obj._meta.get_field(teile[0])
    wert = getattr(obj, feld.attname)
    if wert is None:
        return None
    if feld.is_cached(obj):
        return _folgen(getattr(obj, feld.name), teile[1:], gelesen)
    modell = feld.related_model
    merkmal = (modell._meta.label_lower, wert)
    if merkmal not in gelesen:
        gelesen[merkmal] = (
            modell._base_manager.filter(**{feld.target_field.attname: wert})
            .values_list("__".join(teile[1:]), flat=True)
            .first()
        )
    return gelesen[merkmal]


def nach_migration(**kwargs) -> None:
    """A flushed or migrated database (tests, deployments) starts with a fresh stamp."""
    datenstand_erneuern()


def diagramme_buendnis(user, buendnis) -> list[dict]:
    """The charts the apps contribute for one Bündnis, in their order."""
    k = Kontext(buendnis=buendnis, von=datetime.date(1900, 1, 1), bis=timezone.localdate(), user=user)
    return [d for teil in registry.dashboardteile() if teil.diagramme for d in teil.diagramme(k)]


def kommunen_tabelle(user, buendnis) -> tuple[dict, list[str]]:
    """Figures across the Kommunen of one Bündnis (for the evaluation), a column group per app that contributes
    one; needs figures protected. The table and the notes of its columns."""
    kommunen = list(Kommune.objects.filter(buendnis=buendnis).order_by("name"))
    teile = [t.je_kommune(user, buendnis, kommunen) for t in registry.dashboardteile() if t.je_kommune]
    return _tabelle(_("Kennzahlen je Kommune"), [_("Kommune")], [False], kommunen, {}, teile)


def buendnisse_tabelle(user) -> tuple[dict, list[str]]:
    """Figures across Bündnisse for the state (offers, target group of the latest closed round, protected,
    funds, Teilhabemanagement, as the apps contribute them) and the reports kept. A fixed number of grouped
    queries, whatever the number of Bündnisse."""
    buendnisse = list(
        Buendnis.objects.visible_to(user).annotate(n_kommunen=Count("kommunen")).order_by("name")
    )
    teile = [t.je_buendnis(user, buendnisse) for t in registry.dashboardteile() if t.je_buendnis]
    berichte = dict(
        Bericht.objects.filter(art="sachstandsbericht")
        .values_list("buendnis_id")
        .annotate(n=Count("id", filter=Q(art="sachstandsbericht")))
        .values_list("buendnis_id", "n")
    )
    teile.append(
        Spalten([_("Sachstandsberichte")], {b.pk: [i.zahl(berichte.get(b.pk, 0))] for b in buendnisse})
    )
    vorne = {b.pk: [i.zahl(b.n_kommunen)] for b in buendnisse}
    return _tabelle(
        _("Kennzahlen je Bündnis"), [_("Bündnis"), _("Kommunen")], [False, True], buendnisse, vorne, teile
    )


def _tabelle(titel, kopf, rechts, zeilen, vorne: dict, teile: list[Spalten]) -> tuple[dict, list[str]]:
    """A table of one row per object (named in the first column): the leading cells, then each part's columns."""
    kopf, rechts = list(kopf), list(rechts)
    werte = {z.pk: list(vorne.get(z.pk, [])) for z in zeilen}
    for teil in teile:
        kopf += teil.kopf
        rechts += [True] * len(teil.kopf)
        for z in zeilen:
            werte[z.pk] += teil.werte[z.pk]
    tabelle = i.tabelle(titel, kopf, [[z.name, *werte[z.pk]] for z in zeilen], rechts=rechts)
    return tabelle, [t.hinweis for t in teile if t.hinweis]
