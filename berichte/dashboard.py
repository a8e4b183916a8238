"""Data of the report panel on the dashboard; a fixed number of queries whatever the data size.

Per role: everyone who reads reports gets the panel (latest reports, exports); the coordination, the evaluation
and the Kommunen get the charts of their Bündnis (offers per Kategorie and Kommune, gaps, funds per
Förderbaustein, change between survey rounds); the evaluation also gets figures across its Kommunen, and the
state figures across Bündnisse, where needs figures are protected against small numbers.

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
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from berichte import domaene
from berichte import inhalt as i
from berichte.models import Bericht, Exportauftrag
from buendnis.choices import Rolle
from buendnis.models import Buendnis, Kommune

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
        "buendnisse_tabelle": None,
        "stand": timezone.localtime(),
    }
    if user.buendnis_id:
        daten["diagramme"] = diagramme_buendnis(user, user.buendnis)
        if user.rolle == Rolle.AUSWERTUNG or user.is_superuser:
            daten["kommunen_tabelle"] = kommunen_tabelle(user, user.buendnis)
    elif user.rolle == Rolle.LAND or user.is_superuser:
        daten["buendnisse_tabelle"] = buendnisse_tabelle(user)
        if domaene._foerderung_bereit():
            daten["diagramme"] = [_diagramme(domaene.abschnitt_foerderung_alle(user))[0]]
    for nr, d in enumerate(daten["diagramme"]):
        d["dom_id"] = f"berichte-dashboard-diagramm-{nr}"
    # Rendered here so that a cache hit also saves laying out the tables and charts (a table of 53 Bündnisse).
    daten["kennzahlen_html"] = render_to_string("berichte/_dashboard_kennzahlen.html", daten)
    return daten


# The cache of the figures -------------------------------------------------------------------------------------------

VERSION_KEY = "berichte:dashboard:version"
# Writes to these apps change figures shown on the panel; users' logins and export progress do not.
DATEN_APPS = frozenset({"buendnis", "angebote", "bedarf", "foerderung", "berichte"})
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


def bei_aenderung(sender, **kwargs) -> None:
    """Receiver of post_save, post_delete and m2m_changed: after the commit, cached figures are outdated."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in DATEN_APPS or meta.label_lower in OHNE_WIRKUNG:
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


def _diagramme(section: dict | None) -> list[dict]:
    if not section:
        return []
    return [b for b in section["bloecke"] if b["typ"] == "diagramm"]


def _kontext(user, buendnis):
    from berichte.selectors import Kontext

    return Kontext(buendnis=buendnis, von=datetime.date(1900, 1, 1), bis=timezone.localdate(), user=user)


def diagramme_buendnis(user, buendnis) -> list[dict]:
    k = _kontext(user, buendnis)
    out = []
    if domaene._angebote_bereit():
        out.append(angebote_je_kategorie_und_kommune(buendnis.pk, timezone.localdate()))
    if domaene._bedarf_bereit():
        out += [
            d for d in _diagramme(domaene.abschnitt_bedarf(k)) if not d["titel"].startswith(_("Bedarf und"))
        ]
    if domaene._foerderung_bereit():
        out += _diagramme(domaene.abschnitt_foerderung(k))
    return out


def angebote_je_kategorie_und_kommune(buendnis_id: int, stichtag: datetime.date) -> dict:
    """Published running offers per Kategorie, one series per Kommune (kreisweit ones as their own series)."""
    from angebote.models import Angebot, Kategorie

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


def kommunen_tabelle(user, buendnis) -> dict:
    """Figures across the Kommunen of one Bündnis (for the evaluation); needs figures protected."""
    heute = timezone.localdate()
    kommunen = list(Kommune.objects.filter(buendnis=buendnis).order_by("name"))
    spalten = [_("Kommune")]
    werte: dict[int, list] = {k.pk: [] for k in kommunen}
    rechts = [False]
    if domaene._angebote_bereit():
        from angebote.models import Angebot

        laufend = Angebot.objects.for_buendnis(buendnis.pk).veroeffentlicht().laufend_am(heute)
        vor_ort = dict(
            Angebot.kommunen.through.objects.filter(angebot__in=laufend)
            .values_list("kommune_id")
            .annotate(n=Count("angebot_id", distinct=True))
            .values_list("kommune_id", "n")
        )
        spalten.append(_("Angebote vor Ort"))
        rechts.append(True)
        for k in kommunen:
            werte[k.pk].append(i.zahl(vor_ort.get(k.pk, 0)))
    if domaene._bedarf_bereit():
        from bedarf import selectors as bsel
        from bedarf.models import Erhebung, ErhebungStatus

        erhebung = (
            Erhebung.objects.filter(buendnis=buendnis, status=ErhebungStatus.ABGESCHLOSSEN)
            .order_by("-stichtag")
            .first()
        )
        zielgruppe = {}
        if erhebung is not None:
            u = bsel.ueberblick(user, erhebung)
            zielgruppe = {k.pk: u.zielgruppe.zeilensummen[idx].anzeige for idx, k in enumerate(u.kommunen)}
            spalten.append(_("Zielgruppe (%(erhebung)s)") % {"erhebung": erhebung.titel})
        else:
            spalten.append(_("Zielgruppe"))
        rechts.append(True)
        for k in kommunen:
            werte[k.pk].append(zielgruppe.get(k.pk, "–"))
    if domaene._foerderung_bereit():
        from foerderung import selectors as fsel

        u = fsel.budgetuebersicht(user, buendnis_id=buendnis.pk)
        je_kommune = {getattr(z.objekt, "pk", None): z for z in u.nach_kommune}
        spalten += [_("bewilligt"), _("abgerufen")]
        rechts += [True, True]
        for k in kommunen:
            z = je_kommune.get(k.pk)
            werte[k.pk] += [i.euro(z.bewilligt if z else 0), i.euro(z.abgerufen if z else 0)]
    if domaene._teilhabe_bereit():
        from foerderung.models import TeilhabeStelle

        vze = dict(
            TeilhabeStelle.objects.filter(buendnis=buendnis)
            .values_list("kommune_id")
            .annotate(s=Sum("vze"))
            .values_list("kommune_id", "s")
        )
        spalten.append(_("Teilhabemanagement (VZÄ)"))
        rechts.append(True)
        for k in kommunen:
            werte[k.pk].append(i.zahl(vze.get(k.pk) or Decimal("0")))
    return i.tabelle(
        _("Kennzahlen je Kommune"), spalten, [[k.name, *werte[k.pk]] for k in kommunen], rechts=rechts
    )


def buendnisse_tabelle(user) -> dict:
    """Figures across Bündnisse for the state: offers, target group of the latest closed round (protected),
    funds, Teilhabemanagement. A fixed number of grouped queries, whatever the number of Bündnisse."""
    heute = timezone.localdate()
    buendnisse = list(
        Buendnis.objects.visible_to(user).annotate(n_kommunen=Count("kommunen")).order_by("name")
    )
    spalten = [_("Bündnis"), _("Kommunen")]
    rechts = [False, True]
    werte: dict[int, list] = {b.pk: [i.zahl(b.n_kommunen)] for b in buendnisse}
    if domaene._angebote_bereit():
        from angebote.models import Angebot

        angebote = {
            bid: (n, p or 0)
            for bid, n, p in Angebot.objects.veroeffentlicht()
            .laufend_am(heute)
            .values_list("buendnis_id")
            .annotate(n=Count("id"), p=Sum("plaetze"))
            .values_list("buendnis_id", "n", "p")
        }
        spalten += [_("Angebote"), _("Plätze")]
        rechts += [True, True]
        for b in buendnisse:
            n, p = angebote.get(b.pk, (0, 0))
            werte[b.pk] += [i.zahl(n), i.zahl(p)]
    if domaene._bedarf_bereit():
        anzeige = zielgruppe_je_buendnis([b.pk for b in buendnisse])
        spalten.append(_("Zielgruppe (letzte abgeschlossene Erhebung)"))
        rechts.append(True)
        for b in buendnisse:
            werte[b.pk].append(anzeige.get(b.pk, "–"))
    if domaene._foerderung_bereit():
        from foerderung.models import BEWILLIGTE_STATUS, Budget, Foerderantrag, Mittelabruf

        zugewiesen = dict(
            Budget.objects.values_list("buendnis_id")
            .annotate(s=Sum("betrag"))
            .values_list("buendnis_id", "s")
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
        spalten += [_("zugewiesen"), _("bewilligt"), _("abgerufen")]
        rechts += [True, True, True]
        for b in buendnisse:
            werte[b.pk] += [
                i.euro(zugewiesen.get(b.pk) or 0),
                i.euro(bewilligt.get(b.pk) or 0),
                i.euro(abgerufen.get(b.pk) or 0),
            ]
    if domaene._teilhabe_bereit():
        from foerderung.models import TeilhabeStelle

        vze = dict(
            TeilhabeStelle.objects.values_list("buendnis_id")
            .annotate(s=Sum("vze"))
            .values_list("buendnis_id", "s")
        )
        spalten.append(_("Teilhabemanagement (VZÄ)"))
        rechts.append(True)
        for b in buendnisse:
            werte[b.pk].append(i.zahl(vze.get(b.pk) or Decimal("0")))
    berichte = dict(
        Bericht.objects.filter(art="sachstandsbericht")
        .values_list("buendnis_id")
        .annotate(n=Count("id", filter=Q(art="sachstandsbericht")))
        .values_list("buendnis_id", "n")
    )
    spalten.append(_("Sachstandsberichte"))
    rechts.append(True)
    for b in buendnisse:
        werte[b.pk].append(i.zahl(berichte.get(b.pk, 0)))
    return i.tabelle(
        _("Kennzahlen je Bündnis"), spalten, [[b.name, *werte[b.pk]] for b in buendnisse], rechts=rechts
    )


def zielgruppe_je_buendnis(buendnis_ids: list[int]) -> dict[int, str]:
    """The target group of each Bündnis' latest closed round, for the state's overview; three queries.

    It is the Bündnis total exactly as that round's audited suppression pattern publishes it on every other page
    (`bedarf.sperrmuster`): the number, or the one symbol when the pattern withholds it (or is being renewed).
    """
    from bedarf import sperrmuster
    from bedarf.models import Erhebung, ErhebungStatus, MeldungStatus
    from bedarf.suppression import ZEICHEN

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
