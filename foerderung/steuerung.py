"""What the funding app contributes to steering: the figures an indicator of a target can be computed from (funds
drawn against granted, F6 positions filled against the staffing key, participants reaching a qualification or
moving into training), the measured state of the core-group task "Planung von lokalen Angeboten" (approved
applications), and the Land's columns: Kommunen that joined "Gemeinsam klappt's", F6 VZÄ, and the money granted,
drawn and spent per Förderbaustein and in total.

Registered from `FoerderungConfig.ready()`. Every function takes a list of Bündnis ids and runs a fixed number of
grouped queries, whatever their number.

"As it stood on the Stichtag": an approval counts from its notice (`bescheid_datum`), a submission from
`eingereicht_am`, a drawdown from its `datum`, a proof of use from `eingereicht_am`, a position as filled from
`besetzt_seit`, a joining from `beigetreten_am`, monitoring up to the Stichtag's quarter. The state of an
application is its current one (an application approved and later closed still counts as approved).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bedarf.steuerung import runden
from buendnis import inhalt
from buendnis.choices import Baustein, Kernaufgabe
from buendnis.registry import (
    Indikatorquelle,
    Kernaufgabenstand,
    Landkennzahl,
    Landwert,
    Stand,
    register_indikatorquelle,
    register_kernaufgabenmessung,
    register_landkennzahl,
)
from buendnis.steuerung import anteil, anzahl_je_buendnis, kommunen_je_buendnis, prozent, von_text

from .models import (
    BEWILLIGTE_STATUS,
    AntragStatus,
    Foerderantrag,
    KommuneTeilnahme,
    Mittelabruf,
    MonitoringMeldung,
    Verwendungsnachweis,
)
from .models.programm import auf_cent
from .selectors import NULL, summe
from .stellenschluessel import MINDEST_VZE_KREIS, _geduldete_meldungen, _stellen_summen, anspruch_vze

Geldsummen = dict[tuple[int, str], Decimal]  # (Bündnis, Förderbaustein "f1".."f6") -> EUR


def _bewilligt_bis(stichtag: datetime.date) -> Q:
    """Applications approved (and past proof of use) whose notice is dated by the Stichtag."""
    return Q(status__in=BEWILLIGTE_STATUS) & (
        Q(bescheid_datum__isnull=True) | Q(bescheid_datum__lte=stichtag)
    )


def _geld(queryset, bid: str, baustein: str, feld: str) -> Geldsummen:
    return {
        (z[bid], z[baustein]): auf_cent(z["s"])
        for z in queryset.values(bid, baustein).annotate(s=summe(feld)).order_by()
    }


def bewilligt(buendnis_ids: list[int], stichtag: datetime.date) -> Geldsummen:
    """Approved sums (the Kreis's pass-on, and the Land's own approvals of the Innovationsfonds) by the Stichtag,
    per Bündnis and Förderbaustein. One query."""
    antraege = Foerderantrag.objects.filter(buendnis_id__in=buendnis_ids).filter(_bewilligt_bis(stichtag))
    return _geld(antraege, "buendnis_id", "baustein__nummer", "bewilligt_betrag")


def abgerufen(buendnis_ids: list[int], stichtag: datetime.date) -> Geldsummen:
    """Drawdowns dated by the Stichtag, per Bündnis and Förderbaustein. One query."""
    abrufe = Mittelabruf.objects.filter(antrag__buendnis_id__in=buendnis_ids, datum__lte=stichtag)
    return _geld(abrufe, "antrag__buendnis_id", "antrag__baustein__nummer", "betrag")


def verausgabt(buendnis_ids: list[int], stichtag: datetime.date) -> Geldsummen:
    """Funds spent as proven by the proofs of use submitted by the Stichtag: the funding the proven spending
    entitles to (`Verwendungsnachweis.zustehend`, per cost line and capped by the approval), per Bündnis and
    Förderbaustein. One query."""
    nachweise = Verwendungsnachweis.objects.filter(
        antrag__buendnis_id__in=buendnis_ids, eingereicht_am__lte=stichtag
    )
    return _geld(nachweise, "antrag__buendnis_id", "antrag__baustein__nummer", "zustehend")


def _summe(summen: Geldsummen, buendnis_id: int, baustein: str) -> Decimal:
    """One Bündnis's sum of one Förderbaustein, or of all of them (`baustein` "")."""
    return sum((s for (bid, b), s in summen.items() if bid == buendnis_id and baustein in ("", b)), NULL)


def f6_stellen(buendnis_ids: list[int], stichtag: datetime.date) -> dict[int, tuple[Decimal, Decimal]]:
    """(entitled, filled) VZÄ of Baustein F6 per Bündnis on the Stichtag, by the staffing key of
    `foerderung.stellenschluessel`: per Kommune one position per 100 geduldete 18- to 27-year-olds in the latest
    survey round closed by the Stichtag (rounded to 0.1), plus 0.5 for the Kreis's Geschäftsführende Stelle;
    filled are the positions occupied by the Stichtag (`besetzt_seit`). Four queries."""
    erhebungen = [
        r.abgeschlossen.erhebung for r in runden(buendnis_ids, stichtag).values() if r.abgeschlossen
    ]
    anspruch = dict.fromkeys(buendnis_ids, MINDEST_VZE_KREIS)
    for meldung in _geduldete_meldungen(erhebungen):
        anspruch[meldung["erhebung__buendnis_id"]] += anspruch_vze(meldung["geduldete"] or 0)
    besetzt = dict.fromkeys(buendnis_ids, Decimal("0.00"))
    for (bid, _kommune_id), werte in _stellen_summen(buendnis_ids, stichtag).items():
        besetzt[bid] += werte["besetzt"]
    return {bid: (anspruch[bid], besetzt[bid]) for bid in buendnis_ids}


def _monitoring_summen(
    buendnis_ids: list[int], stichtag: datetime.date, parameter: str, felder: tuple[str, ...]
) -> dict[int, Decimal | None]:
    """The sum of monitoring fields over the quarters up to the Stichtag's quarter, of the applications of a
    Förderbaustein (`parameter`) or all. One query."""
    quartal = (stichtag.month - 1) // 3 + 1
    meldungen = MonitoringMeldung.objects.filter(antrag__buendnis_id__in=buendnis_ids).filter(
        Q(jahr__lt=stichtag.year) | Q(jahr=stichtag.year, quartal__lte=quartal)
    )
    if parameter:
        meldungen = meldungen.filter(antrag__baustein__nummer=parameter)
    zeilen = (
        meldungen.values("antrag__buendnis_id")
        .annotate(**{f: Sum(f) for f in felder})
        .values_list("antrag__buendnis_id", *felder)
        .order_by()
    )
    werte: dict[int, Decimal | None] = {bid: Decimal(0) for bid in buendnis_ids}
    for bid, *zahlen in zeilen:
        werte[bid] = Decimal(sum(z or 0 for z in zahlen))
    return werte


# Indicator sources -------------------------------------------------------------------------------------------------


def abruf_quote(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """Drawn against approved funds in percent, of a Förderbaustein (`parameter`) or all. Two queries."""
    b, a = bewilligt(buendnis_ids, stichtag), abgerufen(buendnis_ids, stichtag)
    return {bid: prozent(_summe(a, bid, parameter), _summe(b, bid, parameter)) for bid in buendnis_ids}


def f6_besetzung(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """Filled against entitled VZÄ of Baustein F6 in percent (`f6_stellen`)."""
    return {
        bid: prozent(besetzt, anspruch)
        for bid, (anspruch, besetzt) in f6_stellen(buendnis_ids, stichtag).items()
    }


ABSCHLUSS_FELDER = ("abschluss_hauptschule", "abschluss_fachoberschulreife", "abschluss_beruf")


def abschluesse(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """Participants who reached a school or vocational qualification (monitoring). One query."""
    return _monitoring_summen(buendnis_ids, stichtag, parameter, ABSCHLUSS_FELDER)


def uebergaenge_ausbildung(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """Participants who moved into vocational training (monitoring). One query."""
    return _monitoring_summen(buendnis_ids, stichtag, parameter, ("uebergang_ausbildung",))


def bausteine() -> list[tuple[str, str]]:
    """The values that narrow a figure to one Förderbaustein ("f1".."f6"); "" (no narrowing) counts all."""
    return [(b.value, str(b.label)) for b in Baustein]


MONITORING_HINWEIS = gettext_lazy(
    "Summe über die Monitoring-Meldungen aller Förderanträge des Bündnisses (mit Einschränkung: des "
    "Förderbausteins) von Beginn an bis einschließlich des Quartals, in dem der Stichtag liegt."
)

QUELLEN = [
    Indikatorquelle(
        key="foerderung.abruf_quote",
        label=gettext_lazy("Mittelabruf (Anteil der bewilligten Mittel)"),
        einheit="%",
        werte=abruf_quote,
        parameter_auswahl=bausteine,
        reihenfolge=40,
        erklaerung=gettext_lazy(
            "Summe der Mittelabrufe mit Abrufdatum bis zum Stichtag in Prozent der bewilligten Summe der "
            "Förderanträge (Status bewilligt, Verwendungsnachweis eingereicht oder geprüft, abgeschlossen) mit "
            "Bescheiddatum bis zum Stichtag; mit Einschränkung nur Anträge dieses Förderbausteins. Ohne "
            "Bewilligung kein Wert."
        ),
    ),
    Indikatorquelle(
        key="foerderung.f6_besetzung",
        label=gettext_lazy("Teilhabemanagement: besetzte Stellen (Anteil am Anspruch)"),
        einheit="%",
        werte=f6_besetzung,
        reihenfolge=41,
        erklaerung=gettext_lazy(
            "Besetzte Vollzeitäquivalente der Teilhabemanagement-Stellen (besetzt seit spätestens dem Stichtag) "
            "in Prozent des Anspruchs nach dem Stellenschlüssel: je Kommune 1 Stelle je 100 geduldete 18- bis "
            "27-Jährige der letzten bis zum Stichtag abgeschlossenen Erhebung, auf 0,1 VZÄ gerundet, dazu "
            "0,5 VZÄ für die Geschäftsführende Stelle des Kreises."
        ),
    ),
    Indikatorquelle(
        key="foerderung.abschluesse",
        label=gettext_lazy("Teilnehmende mit erreichtem Abschluss"),
        einheit=gettext_lazy("Personen"),
        werte=abschluesse,
        personen=True,
        parameter_auswahl=bausteine,
        reihenfolge=42,
        erklaerung=format_lazy(
            "{} {}",
            gettext_lazy(
                "Teilnehmende, die einen Hauptschulabschluss, die Fachoberschulreife oder einen Berufsabschluss "
                "erreicht haben (die drei Abschlussfelder der Monitoring-Meldungen zusammen)."
            ),
            MONITORING_HINWEIS,
        ),
    ),
    Indikatorquelle(
        key="foerderung.uebergang_ausbildung",
        label=gettext_lazy("Teilnehmende mit Übergang in Ausbildung"),
        einheit=gettext_lazy("Personen"),
        werte=uebergaenge_ausbildung,
        personen=True,
        parameter_auswahl=bausteine,
        reihenfolge=43,
        erklaerung=format_lazy(
            "{} {}",
            gettext_lazy(
                "Teilnehmende, die in eine Ausbildung übergegangen sind (Feld „Übergang in Ausbildung“ der "
                "Monitoring-Meldungen)."
            ),
            MONITORING_HINWEIS,
        ),
    ),
]


# The nine tasks ---------------------------------------------------------------------------------------------------


def kernaufgaben_messen(
    buendnis_ids: list[int], stichtag: datetime.date
) -> dict[int, dict[str, Kernaufgabenstand]]:
    """Planung von lokalen Angeboten, per Bündnis on the Stichtag: an approved application whose funded period
    includes the Stichtag or lies ahead fulfils it; an application submitted (or approved) by then begins it.
    One query."""
    zeilen = (
        Foerderantrag.objects.filter(buendnis_id__in=buendnis_ids)
        .values("buendnis_id")
        .annotate(
            laufend=Count("pk", filter=_bewilligt_bis(stichtag) & Q(ende__gte=stichtag)),
            eingereicht=Count(
                "pk",
                filter=(Q(eingereicht_am__lte=stichtag) & ~Q(status=AntragStatus.ENTWURF))
                | _bewilligt_bis(stichtag),
            ),
        )
        .values_list("buendnis_id", "laufend", "eingereicht")
        .order_by()
    )
    zaehler = {bid: (laufend, eingereicht) for bid, laufend, eingereicht in zeilen}
    liste = reverse("foerderung:antrag-list")
    ergebnis = {}
    for bid in buendnis_ids:
        laufend, eingereicht = zaehler.get(bid, (0, 0))
        if laufend:
            stand = Kernaufgabenstand(
                Stand.ERFUELLT,
                ngettext(
                    "%(n)s bewilligter Förderantrag läuft am Stichtag oder beginnt danach.",
                    "%(n)s bewilligte Förderanträge laufen am Stichtag oder beginnen danach.",
                    laufend,
                )
                % {"n": inhalt.zahl(laufend)},
                f"{liste}?buendnis={bid}&status={AntragStatus.BEWILLIGT}",
            )
        elif eingereicht:
            stand = Kernaufgabenstand(
                Stand.BEGONNEN,
                ngettext("%(n)s Förderantrag eingereicht.", "%(n)s Förderanträge eingereicht.", eingereicht)
                % {"n": inhalt.zahl(eingereicht)},
                f"{liste}?buendnis={bid}",
            )
        else:
            stand = Kernaufgabenstand(Stand.OFFEN, _("Kein Förderantrag eingereicht."))
        ergebnis[bid] = {Kernaufgabe.ANGEBOTSPLANUNG.value: stand}
    return ergebnis


# The Land's columns -----------------------------------------------------------------------------------------------


def land_kommunen_beteiligt(buendnis_ids: list[int]) -> dict[int, Landwert]:
    """ "x von y" Kommunen of the Bündnis that have joined "Gemeinsam klappt's" by today. Two queries."""
    heute = timezone.localdate()
    beigetreten = anzahl_je_buendnis(
        KommuneTeilnahme.objects.filter(buendnis_id__in=buendnis_ids).beigetreten_am(heute)
    )
    kommunen = kommunen_je_buendnis(buendnis_ids)
    werte = {}
    for bid in buendnis_ids:
        x, y = beigetreten.get(bid, 0), kommunen.get(bid, 0)
        a = anteil(x, y)
        werte[bid] = Landwert(von_text(x, y), a, a)
    return werte


def vze_text(wert: Decimal) -> str:
    """VZÄ as the staffing key writes them: one decimal place (4,0), two where the position has them (0,75)."""
    stellen = Decimal("0.1") if wert == wert.quantize(Decimal("0.1")) else Decimal("0.01")
    return f"{wert.quantize(stellen):f}".replace(".", ",")


def land_f6_vzae(buendnis_ids: list[int]) -> dict[int, Landwert]:
    """Filled against entitled VZÄ of Baustein F6 today (`f6_stellen`)."""
    url = reverse("foerderung:stellenschluessel")
    werte = {}
    for bid, (anspruch, besetzt) in f6_stellen(buendnis_ids, timezone.localdate()).items():
        a = anteil(besetzt, anspruch)
        text = _("%(besetzt)s von %(anspruch)s VZÄ besetzt") % {
            "besetzt": vze_text(besetzt),
            "anspruch": vze_text(anspruch),
        }
        werte[bid] = Landwert(text, a, a, url)
    return werte


GELD: dict[str, Callable[[list[int], datetime.date], Geldsummen]] = {
    "bewilligt": bewilligt,
    "abgerufen": abgerufen,
    "verausgabt": verausgabt,
}
GELD_LABEL = {
    "bewilligt": gettext_lazy("bewilligt"),
    "abgerufen": gettext_lazy("abgerufen"),
    "verausgabt": gettext_lazy("verausgabt"),
}
GELD_ERKLAERUNG = {
    "bewilligt": gettext_lazy(
        "Summe der bewilligten Beträge der Förderanträge des Bündnisses (Status bewilligt, Verwendungsnachweis "
        "eingereicht oder geprüft, abgeschlossen): die Weiterleitung des Kreises und die Bewilligungen des "
        "Landes im Innovationsfonds."
    ),
    "abgerufen": gettext_lazy("Summe der Mittelabrufe der Förderanträge des Bündnisses bis heute."),
    "verausgabt": gettext_lazy(
        "Summe der Fördermittel, die laut eingereichten Verwendungsnachweisen verausgabt wurden: die "
        "Förderung, die den nachgewiesenen Ausgaben je Kostenposition zusteht, höchstens die Bewilligung."
    ),
}


def _geld_je_buendnis(
    art: str, buendnis_ids: list[int], stichtag: datetime.date
) -> dict[int, dict[str, Decimal]]:
    """The sums of one kind of money (`GELD`) per Bündnis and Förderbaustein. One query, shared by the seven
    columns of that kind (the total and six Bausteine) when the caller hands them the same list of ids with a
    `gemeinsam` dict, room for what the columns of one computation share (the Land's view does): 3 queries for
    the 21 money columns instead of 21. A plain list shares nothing, so no sums outlive the caller's list."""
    gemeinsam = getattr(buendnis_ids, "gemeinsam", None)
    schluessel = ("foerderung.geld", art, stichtag)
    if isinstance(gemeinsam, dict) and schluessel in gemeinsam:
        return gemeinsam[schluessel]
    je_buendnis: dict[int, dict[str, Decimal]] = {}
    for (bid, baustein), betrag in GELD[art](buendnis_ids, stichtag).items():
        je_buendnis.setdefault(bid, {})[baustein] = betrag
    if isinstance(gemeinsam, dict):
        gemeinsam[schluessel] = je_buendnis
    return je_buendnis


def _geldwerte(art: str, baustein: str) -> Callable[[list[int]], dict[int, Landwert]]:
    """The Land's column of one kind of money (`GELD`) for one Förderbaustein, or all (""). One query, or none
    when another column of the same kind has read the sums of these Bündnisse (`_geld_je_buendnis`)."""

    def werte(buendnis_ids: list[int]) -> dict[int, Landwert]:
        summen = _geld_je_buendnis(art, buendnis_ids, timezone.localdate())
        url = reverse("foerderung:uebersicht")
        ergebnis = {}
        for bid in buendnis_ids:
            je_baustein = summen.get(bid, {})
            betrag = sum((s for b, s in je_baustein.items() if baustein in ("", b)), NULL)
            ergebnis[bid] = Landwert(inhalt.euro(betrag), betrag, url=f"{url}?buendnis={bid}")
        return ergebnis

    return werte


def _geldkennzahlen() -> list[Landkennzahl]:
    kennzahlen = []
    for i, art in enumerate(GELD):
        kennzahlen.append(
            Landkennzahl(
                key=art,
                label=GELD_LABEL[art],
                app_label="foerderung",
                werte=_geldwerte(art, ""),
                reihenfolge=42 + i,
                erklaerung=GELD_ERKLAERUNG[art],
            )
        )
    for j, b in enumerate(Baustein):
        for i, art in enumerate(GELD):
            kennzahlen.append(
                Landkennzahl(
                    key=f"{art}_{b.value}",
                    label=format_lazy("{} ({})", GELD_LABEL[art], b.label),
                    app_label="foerderung",
                    werte=_geldwerte(art, b.value),
                    reihenfolge=45 + 3 * j + i,
                    baustein=b.value,
                    erklaerung=GELD_ERKLAERUNG[art],
                )
            )
    return kennzahlen


LANDKENNZAHLEN = [
    Landkennzahl(
        key="kommunen_beteiligt",
        label=gettext_lazy("Kommunen beigetreten"),
        app_label="foerderung",
        werte=land_kommunen_beteiligt,
        reihenfolge=40,
        erklaerung=gettext_lazy(
            "Wie viele Kommunen des Bündnisses „Gemeinsam klappt’s“ beigetreten sind (Beitrittsdatum bis heute "
            "in der Teilnahme der Kommune), von allen Kommunen des Bündnisses."
        ),
    ),
    Landkennzahl(
        key="f6_vzae",
        label=gettext_lazy("Teilhabemanagement (VZÄ)"),
        app_label="foerderung",
        werte=land_f6_vzae,
        reihenfolge=41,
        erklaerung=gettext_lazy(
            "Besetzte Vollzeitäquivalente der Teilhabemanagement-Stellen (besetzt seit spätestens heute) von "
            "den VZÄ, die dem Bündnis nach dem Stellenschlüssel zustehen: je Kommune 1 Stelle je 100 geduldete "
            "18- bis 27-Jährige der letzten abgeschlossenen Erhebung, auf 0,1 VZÄ gerundet, dazu 0,5 VZÄ für "
            "die Geschäftsführende Stelle des Kreises."
        ),
    ),
    *_geldkennzahlen(),
]


def registrieren() -> None:
    """Called from `FoerderungConfig.ready()`."""
    register_indikatorquelle(*QUELLEN)
    register_kernaufgabenmessung("foerderung", kernaufgaben_messen)
    register_landkennzahl(*LANDKENNZAHLEN)
