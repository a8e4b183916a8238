"""Data of the report panel on the dashboard; a fixed number of queries whatever the data size.

Per role: everyone who reads reports gets the panel (latest reports, exports); the coordination, the evaluation
and the Kommunen get the charts of their Bündnis (offers per Kategorie and Kommune, gaps, funds per
Förderbaustein, change between survey rounds); the evaluation also gets figures across its Kommunen, and the
state figures across Bündnisse, where needs figures are protected against small numbers. The charts and the
columns of the figure tables are what the apps registered (`buendnis.registry.Dashboardteil`); this module lays
out the panel around them.

The figures and charts aggregate a whole Bündnis (for the state: all of them), which at NRW scale costs a few
hundred milliseconds. They are cached per scope (role, Bündnis, Kommune, language) for
`BERICHTE_DASHBOARD_CACHE_SEKUNDEN` (default 60, 0 switches the cache off). Every committed write to the domain
apps changes a version stamp in the cache, so the next dashboard recomputes; the time limit covers what the stamp
cannot see: writes that bypass model signals (bulk imports, `QuerySet.update`) and, with the default per-process
memory cache, writes handled by another worker process. The lists of reports and export jobs are always live.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from berichte.models import Bericht, Exportauftrag
from berichte.registry import registry
from buendnis import inhalt as i
from buendnis.models import Buendnis, Kommune
from buendnis.registry import Kontext, Spalten
from buendnis.rules import is_auswertung, is_land

logger = logging.getLogger(__name__)


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
    if not _cache_erlaubt():
        return kennzahlen_berechnen(user)
    schluessel = cache_schluessel(user)
    daten = _cache("get", schluessel)
    if daten is None:
        daten = kennzahlen_berechnen(user)
        _cache("set", schluessel, daten, cache_sekunden())
    return daten


def _cache(operation: str, *args):
    """The cache as a help, never a dependency: when it is down or its table is missing (a database cache before
    `createcachetable`), the panel computes its figures and writes go on; the failure is logged."""
    try:
        return getattr(cache, operation)(*args)
    except Exception:
        logger.warning("Dashboard-Cache nicht erreichbar (%s)", operation, exc_info=True)
        return None


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

VERSION_KEY = "berichte:dashboard:version"
# Writes to these apps' models change figures shown on the panel (besides the apps that registered a part of it);
# users' logins and export progress do not.
EIGENE_DATEN_APPS = frozenset({"buendnis", "berichte"})
OHNE_WIRKUNG = frozenset({"buendnis.user", "buendnis.importvorgang", "berichte.exportauftrag"})


def cache_sekunden() -> int:
    return int(getattr(settings, "BERICHTE_DASHBOARD_CACHE_SEKUNDEN", 60))


def _cache_erlaubt() -> bool:
    # Figures read inside an open transaction may include writes that are rolled back later (a failed import,
    # a test case); they must never reach other requests through the cache.
    return cache_sekunden() > 0 and not connection.in_atomic_block


def datenstand() -> str:
    """The version stamp of the data behind the cached figures."""
    stand = _cache("get", VERSION_KEY)
    if stand is None:
        _cache("add", VERSION_KEY, uuid.uuid4().hex, None)
        stand = _cache("get", VERSION_KEY) or ""
    return stand


def datenstand_erneuern() -> None:
    _cache("set", VERSION_KEY, uuid.uuid4().hex, None)


def cache_schluessel(user) -> str:
    """One entry per scope: whatever the panel shows depends only on these (and the data)."""
    teile = [
        "berichte:dashboard",
        datenstand(),
        "admin" if user.is_superuser else str(user.rolle),
        str(user.buendnis_id or "alle"),
        str(user.kommune_id or "-"),
        translation.get_language() or "-",
    ]
    return ":".join(teile)


def daten_apps() -> frozenset[str]:
    return EIGENE_DATEN_APPS | {teil.app_label for teil in registry.dashboardteile()}


def bei_aenderung(sender, **kwargs) -> None:
    """Receiver of post_save, post_delete and m2m_changed: after the commit, cached figures are outdated."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in daten_apps() or meta.label_lower in OHNE_WIRKUNG:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed fires before and after; the post_ action is enough
    verbindung = transaction.get_connection(kwargs.get("using"))
    if verbindung.in_atomic_block:
        # One renewal per transaction, however many rows it writes (an import of 10,000 offers).
        if getattr(verbindung, "_berichte_vorgemerkt", None) is verbindung.run_on_commit:
            return
        verbindung._berichte_vorgemerkt = verbindung.run_on_commit
    transaction.on_commit(datenstand_erneuern, using=kwargs.get("using"))


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
