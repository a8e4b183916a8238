"""The alliance's own steering figures: the measured state of the core-group tasks it owns (steering, forums,
multipliers, priorities, procedure agreements, plus the old tag evidence of decisions and Gremien) and the Land's
columns "Kerngruppe eingerichtet" and "letzte Sitzung der Kerngruppe"; and the small helpers every app's
`steuerung` module shares (the end of a reference day, months back, shares, "x von y").

Registered from `BuendnisConfig.ready()`. Every function takes a list of Bündnis ids and runs a fixed number of
grouped queries, whatever their number.

"As it stood on the Stichtag": a row counts from its own date where it has one (`Gremium.eingerichtet_am`,
`Mitgliedschaft.seit`, `Sitzung.beginn`, `Beschluss.datum`, `Verfahrensvereinbarung.gueltig_ab` or the date of
its decision), else from when it was recorded (`created_at`). States (a Gremium set up, an agreement adopted)
are the current ones: the models keep no date of their state changes.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from buendnis import inhalt
from buendnis.choices import Kernaufgabe
from buendnis.models import (
    Beschluss,
    Funktion,
    Gremium,
    GremiumArt,
    GremiumStatus,
    Kommune,
    Prioritaet,
    Sitzung,
    SitzungStatus,
    VereinbarungStatus,
    Verfahrensvereinbarung,
)
from buendnis.registry import (
    Kernaufgabenstand,
    Landkennzahl,
    Landwert,
    Stand,
    register_kernaufgabenmessung,
    register_landkennzahl,
)

K = Kernaufgabe
# The core group steers when it met within this many months before the Stichtag.
LENKUNG_MONATE = 6

# Shared helpers of the apps' steering figures ------------------------------------------------------------------


def tagesende(stichtag: datetime.date) -> datetime.datetime:
    """The first moment after the Stichtag (local time): a timestamp before it lies on or before the Stichtag."""
    folgetag = stichtag + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(folgetag, datetime.time.min))


def monate_vorher(tag: datetime.date, monate: int) -> datetime.date:
    """The same day `monate` months earlier, or that month's last day where it is shorter (31.08. − 6 → 28./29.02.)."""
    jahr, monat = divmod(tag.month - 1 - monate, 12)
    jahr, monat = tag.year + jahr, monat + 1
    return datetime.date(jahr, monat, min(tag.day, calendar.monthrange(jahr, monat)[1]))


def prozent(teil, ganzes) -> Decimal | None:
    """`teil` of `ganzes` in percent to two places (2 of 3 → 66.67); None for a share of nothing."""
    if not ganzes:
        return None
    return (Decimal(teil) * 100 / Decimal(ganzes)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def anteil(teil, ganzes) -> Decimal | None:
    """`teil` of `ganzes` as a share between 0 and 1 (four places); None for a share of nothing."""
    if not ganzes:
        return None
    return (Decimal(teil) / Decimal(ganzes)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def von_text(teil, ganzes) -> str:
    """ "7 von 9" in German notation."""
    return _("%(teil)s von %(ganzes)s") % {"teil": inhalt.zahl(teil), "ganzes": inhalt.zahl(ganzes)}


def anzahl_je_buendnis(queryset, feld: str = "buendnis_id") -> dict[int, int]:
    """The number of rows of `queryset` per Bündnis (`feld` names the path to the Bündnis id). One query."""
    return dict(queryset.values(feld).annotate(n=Count("pk")).values_list(feld, "n").order_by())


def kommunen_je_buendnis(buendnis_ids: list[int]) -> dict[int, int]:
    """The number of member Kommunen of each Bündnis (today's). One query."""
    return anzahl_je_buendnis(Kommune.objects.filter(buendnis_id__in=buendnis_ids))


def bis_stichtag(datumsfeld: str, stichtag: datetime.date, erfasst: str = "created_at") -> Q:
    """Rows dated on or before the Stichtag by `datumsfeld`, or, without that date, recorded (`erfasst`) by then."""
    return Q(**{f"{datumsfeld}__lte": stichtag}) | Q(
        **{f"{datumsfeld}__isnull": True, f"{erfasst}__lt": tagesende(stichtag)}
    )


# The core group and its forums ---------------------------------------------------------------------------------


@dataclass
class Gremiumstand:
    """One Gremium of a Bündnis as it stood on the Stichtag."""

    pk: int
    buendnis_id: int
    art: str
    name: str
    status: str
    kernaufgabe: str
    eingerichtet: bool  # set up (status "eingerichtet") by the Stichtag
    mitglieder: int
    multiplikatoren: int
    letzte_sitzung_pk: int | None
    letzte_sitzung: datetime.datetime | None

    @property
    def url(self) -> str:
        return reverse("buendnis:gremium-detail", args=[self.pk])

    @property
    def sitzung_url(self) -> str:
        return (
            reverse("buendnis:sitzung-detail", args=[self.letzte_sitzung_pk])
            if self.letzte_sitzung_pk
            else ""
        )


def gremien(buendnis_ids: list[int], stichtag: datetime.date) -> dict[int, list[Gremiumstand]]:
    """The Gremien of each Bündnis recorded by the Stichtag, with their members then (the named function too) and
    their last meeting held by then. One query."""
    ende = tagesende(stichtag)
    mitglied = bis_stichtag("mitgliedschaften__seit", stichtag, "mitgliedschaften__created_at") & ~Q(
        mitgliedschaften__funktion=Funktion.GAST
    )
    gehalten = Sitzung.objects.filter(
        gremium_id=OuterRef("pk"), status=SitzungStatus.DURCHGEFUEHRT, beginn__lt=ende
    ).order_by("-beginn", "-pk")
    zeilen = (
        Gremium.objects.filter(buendnis_id__in=buendnis_ids)
        .filter(bis_stichtag("eingerichtet_am", stichtag))
        .annotate(
            mitglieder=Count("mitgliedschaften", filter=mitglied),
            multiplikatoren=Count(
                "mitgliedschaften", filter=mitglied & Q(mitgliedschaften__funktion=Funktion.MULTIPLIKATOR)
            ),
            letzte_sitzung_pk=Subquery(gehalten.values("pk")[:1]),
            letzte_sitzung=Subquery(gehalten.values("beginn")[:1]),
        )
        .values_list(
            "pk",
            "buendnis_id",
            "art",
            "name",
            "status",
            "kernaufgabe",
            "mitglieder",
            "multiplikatoren",
            "letzte_sitzung_pk",
            "letzte_sitzung",
        )
        .order_by("buendnis_id", "art", "name", "pk")
    )
    ergebnis: dict[int, list[Gremiumstand]] = defaultdict(list)
    for pk, bid, art, name, status, aufgabe, mitglieder, multi, s_pk, s_beginn in zeilen:
        ergebnis[bid].append(
            Gremiumstand(
                pk=pk,
                buendnis_id=bid,
                art=art,
                name=name,
                status=status,
                kernaufgabe=aufgabe,
                eingerichtet=status == GremiumStatus.EINGERICHTET,
                mitglieder=mitglieder,
                multiplikatoren=multi,
                letzte_sitzung_pk=s_pk,
                letzte_sitzung=s_beginn,
            )
        )
    return ergebnis


def kerngruppe(staende: list[Gremiumstand]) -> Gremiumstand | None:
    return next((g for g in staende if g.art == GremiumArt.KERNGRUPPE), None)


def kerngruppe_eingerichtet(g: Gremiumstand | None) -> bool:
    """The core group counts as set up when it is "eingerichtet" and has members (guests aside)."""
    return bool(g and g.eingerichtet and g.mitglieder)


# The nine tasks ---------------------------------------------------------------------------------------------------


def _lenkung(g: Gremiumstand | None, stichtag: datetime.date) -> Kernaufgabenstand:
    if not kerngruppe_eingerichtet(g):
        if g is None:
            return Kernaufgabenstand(Stand.OFFEN, _("Keine Bündniskerngruppe angelegt."))
        return Kernaufgabenstand(
            Stand.OFFEN,
            _("Die Bündniskerngruppe „%(name)s“ ist noch nicht eingerichtet oder hat keine Mitglieder.")
            % {"name": g.name},
            g.url,
        )
    grenze = monate_vorher(stichtag, LENKUNG_MONATE)
    if g.letzte_sitzung and timezone.localtime(g.letzte_sitzung).date() > grenze:
        return Kernaufgabenstand(
            Stand.ERFUELLT,
            _("Die Bündniskerngruppe (%(n)s Mitglieder) hat zuletzt am %(datum)s getagt.")
            % {
                "n": inhalt.zahl(g.mitglieder),
                "datum": inhalt.datum(timezone.localtime(g.letzte_sitzung).date()),
            },
            g.sitzung_url,
        )
    if g.letzte_sitzung:
        text = _(
            "Die Bündniskerngruppe (%(n)s Mitglieder) ist eingerichtet, hat aber in den %(m)s Monaten vor dem "
            "Stichtag nicht getagt (zuletzt am %(datum)s)."
        ) % {
            "n": inhalt.zahl(g.mitglieder),
            "m": LENKUNG_MONATE,
            "datum": inhalt.datum(timezone.localtime(g.letzte_sitzung).date()),
        }
    else:
        text = _(
            "Die Bündniskerngruppe (%(n)s Mitglieder) ist eingerichtet, eine durchgeführte Sitzung ist noch nicht "
            "erfasst."
        ) % {"n": inhalt.zahl(g.mitglieder)}
    return Kernaufgabenstand(Stand.BEGONNEN, text, g.url)


def _foren(staende: list[Gremiumstand]) -> Kernaufgabenstand:
    foren = [g for g in staende if g.art == GremiumArt.FORUM]
    aktiv = [g for g in foren if g.eingerichtet]
    geplant = [g for g in foren if g.status in (GremiumStatus.VORGESCHLAGEN, GremiumStatus.IN_DISKUSSION)]
    liste = reverse("buendnis:gremium-list")
    if aktiv:
        text = ngettext(
            "%(n)s Bündnisforum eingerichtet: %(namen)s.",
            "%(n)s Bündnisforen eingerichtet: %(namen)s.",
            len(aktiv),
        ) % {"n": inhalt.zahl(len(aktiv)), "namen": ", ".join(g.name for g in aktiv)}
        return Kernaufgabenstand(Stand.ERFUELLT, text, f"{liste}?art={GremiumArt.FORUM}&status=eingerichtet")
    if geplant:
        text = ngettext(
            "%(n)s Bündnisforum geplant: %(namen)s.", "%(n)s Bündnisforen geplant: %(namen)s.", len(geplant)
        ) % {"n": inhalt.zahl(len(geplant)), "namen": ", ".join(g.name for g in geplant)}
        return Kernaufgabenstand(Stand.BEGONNEN, text, f"{liste}?art={GremiumArt.FORUM}")
    return Kernaufgabenstand(Stand.OFFEN, _("Kein Bündnisforum eingerichtet oder geplant."))


def _multiplikatoren(g: Gremiumstand | None) -> Kernaufgabenstand:
    if g is not None and g.eingerichtet and g.multiplikatoren:
        text = ngettext(
            "%(n)s Mitglied der Bündniskerngruppe mit Multiplikatorenfunktion.",
            "%(n)s Mitglieder der Bündniskerngruppe mit Multiplikatorenfunktion.",
            g.multiplikatoren,
        ) % {"n": inhalt.zahl(g.multiplikatoren)}
        return Kernaufgabenstand(Stand.ERFUELLT, text, g.url)
    return Kernaufgabenstand(
        Stand.OFFEN,
        _("Kein Mitglied der Bündniskerngruppe mit Multiplikatorenfunktion."),
        g.url if g else "",
    )


def _prioritaeten(anzahl: int) -> Kernaufgabenstand:
    url = reverse("buendnis:prioritaet-list")
    if anzahl:
        text = ngettext("%(n)s Priorität festgelegt.", "%(n)s Prioritäten festgelegt.", anzahl) % {
            "n": inhalt.zahl(anzahl)
        }
        return Kernaufgabenstand(Stand.ERFUELLT, text, url)
    return Kernaufgabenstand(Stand.OFFEN, _("Noch keine Prioritäten festgelegt."), url)


def _vereinbarungen(beschlossen: int, entwuerfe: int) -> Kernaufgabenstand:
    liste = reverse("buendnis:vereinbarung-list")
    if beschlossen:
        text = ngettext(
            "%(n)s Verfahrensvereinbarung abgestimmt oder in Kraft.",
            "%(n)s Verfahrensvereinbarungen abgestimmt oder in Kraft.",
            beschlossen,
        ) % {"n": inhalt.zahl(beschlossen)}
        return Kernaufgabenstand(Stand.ERFUELLT, text, liste)
    if entwuerfe:
        text = ngettext(
            "%(n)s Verfahrensvereinbarung im Entwurf.",
            "%(n)s Verfahrensvereinbarungen im Entwurf.",
            entwuerfe,
        ) % {"n": inhalt.zahl(entwuerfe)}
        return Kernaufgabenstand(Stand.BEGONNEN, text, f"{liste}?status={VereinbarungStatus.ENTWURF}")
    return Kernaufgabenstand(Stand.OFFEN, _("Noch keine Verfahrensvereinbarung."), liste)


def _prioritaeten_je_buendnis(buendnis_ids: list[int], stichtag: datetime.date) -> dict[int, int]:
    """Priorities set by the Stichtag (by the date of their decision, else when recorded). One query."""
    return anzahl_je_buendnis(
        Prioritaet.objects.filter(buendnis_id__in=buendnis_ids).filter(
            bis_stichtag("beschluss__datum", stichtag)
        )
    )


def _vereinbarungen_je_buendnis(
    buendnis_ids: list[int], stichtag: datetime.date
) -> dict[int, tuple[int, int]]:
    """(adopted, drafts) procedure agreements per Bündnis by the Stichtag: dated by their decision, else the day
    they take effect, else when recorded. One query."""
    beschlossen = Q(status__in=(VereinbarungStatus.ABGESTIMMT, VereinbarungStatus.IN_KRAFT))
    zeilen = (
        Verfahrensvereinbarung.objects.filter(buendnis_id__in=buendnis_ids)
        .annotate(datum=Coalesce("beschluss__datum", "gueltig_ab"))
        .filter(bis_stichtag("datum", stichtag))
        .values("buendnis_id")
        .annotate(
            beschlossen=Count("pk", filter=beschlossen),
            entwuerfe=Count("pk", filter=Q(status=VereinbarungStatus.ENTWURF)),
        )
        .values_list("buendnis_id", "beschlossen", "entwuerfe")
        .order_by()
    )
    return {bid: (b, e) for bid, b, e in zeilen}


def _beschluesse_je_aufgabe(buendnis_ids: list[int], stichtag: datetime.date) -> dict[int, dict[str, tuple]]:
    """Decisions tagged with a task, taken by the Stichtag: {Bündnis: {task: (count, latest date)}}. One query."""
    ergebnis: dict[int, dict[str, tuple]] = defaultdict(dict)
    for bid, aufgabe, n, letzte in (
        Beschluss.objects.filter(buendnis_id__in=buendnis_ids, datum__lte=stichtag)
        .exclude(kernaufgabe="")
        .values("buendnis_id", "kernaufgabe")
        .annotate(n=Count("pk"), letzte=Max("datum"))
        .values_list("buendnis_id", "kernaufgabe", "n", "letzte")
        .order_by()
    ):
        ergebnis[bid][aufgabe] = (n, letzte)
    return ergebnis


def _markierungen(
    staende: list[Gremiumstand], beschluesse: dict[str, tuple]
) -> dict[str, list[Kernaufgabenstand]]:
    """The old evidence of a task: Gremien and decisions tagged with it count as begun."""
    belege: dict[str, list[Kernaufgabenstand]] = defaultdict(list)
    for g in staende:
        if g.kernaufgabe:
            belege[g.kernaufgabe].append(
                Kernaufgabenstand(
                    Stand.BEGONNEN,
                    _("Das Gremium „%(name)s“ bearbeitet diese Aufgabe.") % {"name": g.name},
                    g.url,
                )
            )
    for aufgabe, (n, letzte) in beschluesse.items():
        text = ngettext(
            "%(n)s Beschluss zu dieser Aufgabe (zuletzt am %(datum)s).",
            "%(n)s Beschlüsse zu dieser Aufgabe (zuletzt am %(datum)s).",
            n,
        ) % {"n": inhalt.zahl(n), "datum": inhalt.datum(letzte)}
        belege[aufgabe].append(Kernaufgabenstand(Stand.BEGONNEN, text))
    return belege


def kernaufgaben_messen(
    buendnis_ids: list[int], stichtag: datetime.date
) -> dict[int, dict[str, Kernaufgabenstand]]:
    """The tasks of the core group the alliance's own records measure, per Bündnis on the Stichtag:

    - Lenkungsfunktion: the core group (a Gremium of art "Bündniskerngruppe", set up, with members) is begun;
      fulfilled when it held a meeting in the six months before the Stichtag.
    - Bündnisforen: a forum set up fulfils it, a proposed or discussed one begins it.
    - Multiplikatorenfunktion: a member of the set-up core group with the multiplier function fulfils it.
    - Prioritäten: a priority set fulfils it.
    - Verfahrensvereinbarungen: an agreement agreed or in force fulfils it, a draft begins it.
    - Every task: a Gremium or a decision tagged with it begins it (the old tag evidence), where nothing above
      measures more.

    Four queries."""
    alle_gremien = gremien(buendnis_ids, stichtag)
    prioritaeten = _prioritaeten_je_buendnis(buendnis_ids, stichtag)
    vereinbarungen = _vereinbarungen_je_buendnis(buendnis_ids, stichtag)
    beschluesse = _beschluesse_je_aufgabe(buendnis_ids, stichtag)
    ergebnis: dict[int, dict[str, Kernaufgabenstand]] = {}
    for bid in buendnis_ids:
        staende = alle_gremien.get(bid, [])
        kg = kerngruppe(staende)
        gemessen = {
            K.LENKUNG.value: _lenkung(kg, stichtag),
            K.FOREN.value: _foren(staende),
            K.MULTIPLIKATOREN.value: _multiplikatoren(kg),
            K.PRIORITAETEN.value: _prioritaeten(prioritaeten.get(bid, 0)),
            K.VERFAHRENSVEREINBARUNGEN.value: _vereinbarungen(*vereinbarungen.get(bid, (0, 0))),
        }
        for aufgabe, belege in _markierungen(staende, beschluesse.get(bid, {})).items():
            # A measured state above a tag stays; the tag only lifts a task nothing else measures.
            vorhanden = gemessen.get(aufgabe)
            if vorhanden is None or vorhanden.stand == Stand.OFFEN:
                gemessen[aufgabe] = belege[0] if len(belege) == 1 else _zusammen(belege)
        ergebnis[bid] = gemessen
    return ergebnis


def _zusammen(belege: list[Kernaufgabenstand]) -> Kernaufgabenstand:
    return Kernaufgabenstand(Stand.BEGONNEN, " ".join(b.text for b in belege), belege[0].url)


# The Land's columns -----------------------------------------------------------------------------------------------


def land_kerngruppe(buendnis_ids: list[int]) -> dict[int, Landwert]:
    """Whether the core group is set up today (as in the task "Lenkungsfunktion"). One query."""
    alle = gremien(buendnis_ids, timezone.localdate())
    werte = {}
    for bid in buendnis_ids:
        kg = kerngruppe(alle.get(bid, []))
        if kerngruppe_eingerichtet(kg):
            werte[bid] = Landwert(_("eingerichtet"), 1, url=kg.url)
        else:
            werte[bid] = Landwert(_("nicht eingerichtet"), 0, url=kg.url if kg else "")
    return werte


def land_letzte_sitzung(buendnis_ids: list[int]) -> dict[int, Landwert]:
    """The day of the core group's last meeting held until today. One query."""
    alle = gremien(buendnis_ids, timezone.localdate())
    werte = {}
    for bid in buendnis_ids:
        kg = kerngruppe(alle.get(bid, []))
        if kg is None or kg.letzte_sitzung is None:
            werte[bid] = Landwert(_("keine"), None)
            continue
        tag = timezone.localtime(kg.letzte_sitzung).date()
        werte[bid] = Landwert(inhalt.datum(tag), tag, url=kg.sitzung_url)
    return werte


LANDKENNZAHLEN = [
    Landkennzahl(
        key="kerngruppe",
        label=gettext_lazy("Kerngruppe"),
        app_label="buendnis",
        werte=land_kerngruppe,
        reihenfolge=10,
        erklaerung=gettext_lazy(
            "„eingerichtet“, wenn das Bündnis eine Bündniskerngruppe im Status „eingerichtet“ mit mindestens "
            "einem Mitglied (Gäste nicht gezählt) hat; sonst „nicht eingerichtet“."
        ),
    ),
    Landkennzahl(
        key="letzte_sitzung",
        label=gettext_lazy("Letzte Sitzung der Kerngruppe"),
        app_label="buendnis",
        werte=land_letzte_sitzung,
        reihenfolge=11,
        karte=False,
        erklaerung=gettext_lazy(
            "Datum der letzten Sitzung der Bündniskerngruppe mit dem Status „durchgeführt“, die bis heute "
            "begonnen hat; „keine“, wenn es keine gibt."
        ),
    ),
]


def registrieren() -> None:
    """Called from `BuendnisConfig.ready()`."""
    register_kernaufgabenmessung("buendnis", kernaufgaben_messen)
    register_landkennzahl(*LANDKENNZAHLEN)
