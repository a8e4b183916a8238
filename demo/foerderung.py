"""Demo data of the funding app: the 2019–2022 programme with its six modules, a distribution across all 53
Bündnisse of NRW from synthetic indicator values, and for Rhein-Kreis Neuss applications in every workflow
state, drawdowns, monitoring, Teilhabemanagement positions and Innovationsfonds ideas.

Idempotent: natural keys (names, titles) are looked up first; workflow steps only run for new rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from angebote.models import Angebot, Aufenthaltsstatus
from buendnis.choices import Baustein
from buendnis.models import Buendnis, User
from demo import daten
from demo.buendnis import buendnis_aus_csv, nrw_kreise
from foerderung import services
from foerderung.models import (
    AntragStatus,
    Budget,
    BudgetKommune,
    Foerderantrag,
    Foerderart,
    Foerderbaustein,
    Foerderprogramm,
    IdeeStatus,
    Kostenkategorie,
    Projektidee,
    RichtlinieStatus,
    TeilhabeStelle,
    Verteilung,
    Verteilungsanteil,
)
from foerderung.services import KostenpositionDaten

D = Decimal
A = AntragStatus
DATEN = daten.json_datei("foerderung.json")
# Decimal and date fields of a Förderbaustein as the data file writes them (strings).
_BAUSTEIN_BETRAEGE = ("pauschalbetrag", "eigenanteil_prozent", "foerderquote_prozent", "volumen")
_BAUSTEIN_DATEN = ("gueltig_ab", "gueltig_bis")


def _baustein_felder(eintrag: dict) -> dict:
    """The fields of one module from the data file, typed, with the defaults every module shares."""
    felder = {**DATEN["baustein_vorgaben"], **eintrag}
    felder["nummer"] = Baustein(felder["nummer"])
    felder["foerderart"] = Foerderart(felder["foerderart"])
    if "richtlinie_status" in felder:
        felder["richtlinie_status"] = RichtlinieStatus(felder["richtlinie_status"])
    for name in _BAUSTEIN_BETRAEGE:
        if name in felder:
            felder[name] = D(felder[name])
    for name in _BAUSTEIN_DATEN:
        felder[name] = daten.datum(felder[name])
    return felder


BAUSTEINE = [_baustein_felder(eintrag) for eintrag in DATEN["bausteine"]]
# Synthetic yearly budgets (EUR) distributed to the 53 Bündnisse; clearly not official figures.
VERTEILUNGEN = [
    (Baustein(v["baustein"]), D(v["gesamtbetrag"]), D(v["sockelbetrag"]), v["indikator"])
    for v in DATEN["verteilungen"]
]


def _synthetischer_wert(kreisschluessel: str, salz: int) -> Decimal:
    """A deterministic made-up indicator value per Kreis (no official data)."""
    zahl = int(kreisschluessel)
    return D((zahl * 7919 + salz * 104729) % 1400 + 150)


def _programm() -> tuple[Foerderprogramm, dict[str, Foerderbaustein]]:
    programm_daten = DATEN["programm"]
    programm, _created = Foerderprogramm.objects.get_or_create(
        name=programm_daten["name"],
        defaults={
            "ministerien": programm_daten["ministerien"],
            "gesamtvolumen": D(programm_daten["gesamtvolumen"]),
            "laufzeit_beginn": daten.datum(programm_daten["laufzeit_beginn"]),
            "laufzeit_ende": daten.datum(programm_daten["laufzeit_ende"]),
            "beschreibung": programm_daten["beschreibung"],
        },
    )
    bausteine = {}
    for felder in BAUSTEINE:
        felder = dict(felder)
        nummer = felder.pop("nummer")
        baustein, created = Foerderbaustein.objects.get_or_create(
            programm=programm, nummer=nummer, defaults=felder
        )
        if created and baustein.richtlinie_status == RichtlinieStatus.IN_VORBEREITUNG:
            # In the 2019 paper only the guideline of module VI was issued; the MAGS circular followed on
            # 18 December 2019. Saving twice keeps both states in the history.
            baustein.richtlinie_status = RichtlinieStatus.ERLASSEN
            baustein.richtlinie_datum = datetime.date(2019, 12, 18)
            baustein.save()
        bausteine[nummer] = baustein
    return programm, bausteine


ZIELGRUPPE_STATUS = ["gestattung", "duldung", "ausbildungsduldung", "beschaeftigungsduldung"]


def _zugelassene_status(bausteine) -> None:
    status = list(Aufenthaltsstatus.objects.filter(code__in=ZIELGRUPPE_STATUS))
    for nummer, baustein in bausteine.items():
        if baustein.zugelassene_status.exists():
            continue
        if nummer == Baustein.F6:
            baustein.zugelassene_status.set([s for s in status if s.code in ("gestattung", "duldung")])
        else:
            baustein.zugelassene_status.set(status)


def _angebote_verknuepfen(neuss, antraege) -> None:
    """Links each application to up to two offers of the same module (once)."""
    for antrag in antraege.values():
        if antrag.angebote.exists():
            continue
        passend = list(
            Angebot.objects.filter(buendnis=neuss, foerderbaustein=antrag.baustein.nummer).order_by("pk")[:2]
        )
        if passend:
            antrag.angebote.set(passend)


def _verteilungen(programm, bausteine, land: User) -> None:
    alle = [buendnis_aus_csv(row) for row in nrw_kreise()]
    for salz, (nummer, betrag, sockel, indikator) in enumerate(VERTEILUNGEN, start=1):
        verteilung, created = Verteilung.objects.get_or_create(
            programm=programm,
            baustein=bausteine[nummer],
            jahr=2020,
            defaults={
                "name": f"Verteilung {bausteine[nummer]} 2020 (synthetische Indikatorwerte)",
                "gesamtbetrag": betrag,
                "sockelbetrag": sockel,
                "indikator": indikator,
                "stichtag": datetime.date(2019, 6, 30),
                "quelle": "synthetisch – Demodaten, keine amtlichen Zahlen",
            },
        )
        if not created:
            continue
        for buendnis in alle:
            Verteilungsanteil.objects.create(
                verteilung=verteilung,
                buendnis=buendnis,
                indikatorwert=_synthetischer_wert(buendnis.kreisschluessel, salz),
                sockel=sockel,
            )
        services.verteilung_berechnen(verteilung=verteilung, by=land)
        for jahr in (2020, 2021, 2022):
            services.verteilung_in_budgets_uebernehmen(verteilung=verteilung, jahr=jahr, by=land)


def _kostenplan(zeilen: list[dict]) -> list[KostenpositionDaten]:
    return [
        KostenpositionDaten(
            Kostenkategorie(z["kategorie"]),
            z["bezeichnung"],
            D(z["betrag"]) if "betrag" in z else None,
            einheiten=D(z["einheiten"]) if "einheiten" in z else None,
            einheitssatz=D(z["einheitssatz"]) if "einheitssatz" in z else None,
        )
        for z in zeilen
    ]


def _antrag(neuss, koord, titel, baustein, *, kommune=None, akteur=None, jahr, kosten, eigenanteil="0", tn=0):
    vorhanden = Foerderantrag.objects.filter(buendnis=neuss, titel=titel).first()
    if vorhanden:
        return vorhanden, False
    beginn = datetime.date(jahr, 1, 1)
    ende = datetime.date(jahr, 12, 31) if jahr < 2022 else datetime.date(2022, 6, 30)
    antrag = Foerderantrag(
        buendnis=neuss,
        baustein=baustein,
        kommune=kommune,
        antragsteller_akteur=akteur,
        titel=titel,
        beginn=beginn,
        ende=ende,
        haushaltsjahr=jahr,
        eigenanteil=D(eigenanteil),
        teilnehmende_geplant=tn,
    )
    return services.antrag_speichern(antrag=antrag, by=koord, kostenplan=kosten), True


def _bis(antrag, ziel: str, koord: User, einreicher: User, *, bewilligt=None, nummer="", abrufe=(), vn=None):
    """Walks an application through the workflow with the services, up to `ziel`."""
    schritte = [A.EINGEREICHT, A.IN_PRUEFUNG, A.BEWILLIGT, A.VN_EINGEREICHT, A.VN_GEPRUEFT, A.ABGESCHLOSSEN]
    if ziel == A.ENTWURF:
        return
    if ziel == A.ZURUECKGEZOGEN:
        services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=einreicher)
        services.antrag_statuswechsel(
            antrag=antrag, nach=A.ZURUECKGEZOGEN, by=einreicher, kommentar="Träger hat abgesagt."
        )
        return
    for schritt in schritte:
        if schritt == A.EINGEREICHT:
            services.antrag_statuswechsel(antrag=antrag, nach=schritt, by=einreicher)
        elif schritt == A.IN_PRUEFUNG:
            services.antrag_statuswechsel(antrag=antrag, nach=schritt, by=koord)
        elif ziel == A.ABGELEHNT:
            services.antrag_ablehnen(
                antrag=antrag,
                grund="Doppelförderung: die Maßnahme wird bereits über SGB III gefördert.",
                by=koord,
            )
            return
        elif schritt == A.BEWILLIGT:
            services.antrag_bewilligen(
                antrag=antrag,
                betrag=bewilligt or antrag.beantragt,
                bescheid_datum=datetime.date(antrag.haushaltsjahr, 2, 15),
                bescheid_nummer=nummer,
                by=koord,
            )
            for datum, betrag, einheiten in abrufe:
                services.mittelabruf_erfassen(
                    antrag=antrag, betrag=D(betrag), datum=datum, einheiten=einheiten, by=koord
                )
        elif schritt == A.VN_EINGEREICHT:
            services.verwendungsnachweis_einreichen(
                antrag=antrag,
                eingereicht_am=datetime.date(antrag.haushaltsjahr + 1, 3, 31),
                sachbericht=vn or "Sachbericht: Ziele erreicht, Teilnahme stabil.",
                ausgaben_ist=sum((D(b) for _d, b, _e in abrufe), D("0.00")),
                by=koord,
            )
        elif schritt == A.VN_GEPRUEFT:
            services.antrag_statuswechsel(
                antrag=antrag, nach=schritt, by=koord, kommentar="Rechnerisch und sachlich richtig."
            )
        elif schritt == A.ABGESCHLOSSEN:
            services.antrag_statuswechsel(antrag=antrag, nach=schritt, by=koord)
        if schritt == ziel:
            return


def _monitoring(antrag, koord, jahr, quartale: list[dict[str, int]]):
    status = {s.code: s for s in Aufenthaltsstatus.objects.filter(code__in=ZIELGRUPPE_STATUS)}
    for quartal, zahlen in enumerate(quartale, start=1):
        # Synthetic split of the participants: roughly half Gestattung, a third Duldung, the rest others.
        gesamt = zahlen["aktiv"] + zahlen["vorzeitig_beendet"] + zahlen["abgeschlossen"]
        nach_status = {}
        if status:
            gestattet = gesamt // 2
            geduldet = gesamt // 3
            nach_status = {status["gestattung"]: gestattet, status["duldung"]: geduldet}
            if "ausbildungsduldung" in status:
                nach_status[status["ausbildungsduldung"]] = gesamt - gestattet - geduldet
        services.monitoring_melden(
            nach_status=nach_status, antrag=antrag, jahr=jahr, quartal=quartal, by=koord, **zahlen
        )


def _neuss(context, bausteine) -> dict:
    neuss: Buendnis = context["neuss"]
    koord: User = context["koordination"]
    k = context["kommunen"]
    ak = context["akteure"]
    einreicher = {
        username: User.objects.filter(username=username).first() or koord
        for username in ("kommune-neuss", "kommune-dormagen")
    }

    antraege = {}
    for schluessel, a in DATEN["antraege"].items():
        antrag, neu = _antrag(
            neuss,
            koord,
            a["titel"],
            bausteine[a["baustein"]],
            kommune=k[a["kommune"]] if a["kommune"] else None,
            akteur=ak[a["akteur"]] if a["akteur"] else None,
            jahr=a["jahr"],
            kosten=_kostenplan(a["kosten"]),
            eigenanteil=a.get("eigenanteil", "0"),
            tn=a.get("teilnehmende", 0),
        )
        if neu:
            _bis(
                antrag,
                AntragStatus(a["ziel"]),
                koord,
                einreicher[a["einreicher"]] if a.get("einreicher") else koord,
                bewilligt=D(a["bewilligt"]) if "bewilligt" in a else None,
                nummer=a.get("bescheid_nummer", ""),
                abrufe=[
                    (daten.datum(r["datum"]), r["betrag"], D(r["einheiten"]) if r["einheiten"] else None)
                    for r in a.get("abrufe", [])
                ],
                vn=a.get("sachbericht"),
            )
        antrag.refresh_from_db()
        antraege[schluessel] = antrag

    # Monitoring: aggregate counts per quarter (entered, active, left early, completed, transitions).
    for schluessel, meldungen in DATEN["monitoring"].items():
        _monitoring_sicher(antraege[schluessel], koord, meldungen["jahr"], meldungen["quartale"])

    # Teilhabemanagement positions in several Kommunen, funded by the module VI application.
    tm = antraege["teilhabe"]
    status_tm = {s.code: s for s in Aufenthaltsstatus.objects.filter(code__in=["gestattung", "duldung"])}
    for eintrag in DATEN["teilhabe_stellen"]:
        vze, seit = D(eintrag["vze"]), daten.datum(eintrag["besetzt_seit"])
        stelle, created = TeilhabeStelle.objects.get_or_create(
            buendnis=neuss,
            bezeichnung=eintrag["bezeichnung"],
            defaults={
                "kommune": k[eintrag["kommune"]],
                "vze": vze,
                "arbeitgeber": eintrag["arbeitgeber"],
                "besetzt_seit": seit,
                "antrag": tm,
                "foerderquote_prozent": D("80.00"),
            },
        )
        if created and seit:
            for quartal in range(1, 5):
                beratene = int(vze * 20) + quartal * 3
                # Teilhabemanagement serves people with Duldung or Gestattung (synthetic split).
                nach_status = {}
                if "gestattung" in status_tm and "duldung" in status_tm:
                    nach_status = {status_tm["duldung"]: beratene * 3 // 5}
                    nach_status[status_tm["gestattung"]] = beratene - nach_status[status_tm["duldung"]]
                services.fallzahl_melden(
                    stelle=stelle,
                    jahr=2020,
                    quartal=quartal,
                    beratene_personen=beratene,
                    neue_faelle=quartal + 1,
                    by=koord,
                    nach_status=nach_status,
                )
    budget_tm = Budget.objects.filter(buendnis=neuss, baustein=bausteine[Baustein.F6], jahr=2020).first()
    if budget_tm:
        for name, anteil in DATEN["teilhabe_budget_kommunen"].items():
            BudgetKommune.objects.get_or_create(
                budget=budget_tm,
                kommune=k[name],
                defaults={"betrag": (budget_tm.betrag * D(anteil)).quantize(D("0.01"))},
            )

    for idee in DATEN["projektideen"]:
        Projektidee.objects.get_or_create(
            buendnis=neuss,
            titel=idee["titel"],
            defaults={
                "skizze": f"Projektskizze für den Innovationsfonds: {idee['titel']}.",
                "einreicher": idee["einreicher"],
                "akteur": ak.get(idee["einreicher"]),
                "status": IdeeStatus(idee["status"]),
                "frist": datetime.date(2020, 3, 31),
            },
        )
    return antraege


def _monitoring_sicher(antrag, koord, jahr, quartale) -> None:
    if antrag.status in (A.BEWILLIGT, A.VN_EINGEREICHT, A.VN_GEPRUEFT, A.ABGESCHLOSSEN):
        _monitoring(antrag, koord, jahr, quartale)


def seed(context: dict, stdout=None) -> dict:
    land = User.objects.filter(rolle="land").first() or User.objects.filter(is_superuser=True).first()
    programm, bausteine = _programm()
    _zugelassene_status(bausteine)
    _verteilungen(programm, bausteine, land)
    antraege = _neuss(context, bausteine)
    _angebote_verknuepfen(context["neuss"], antraege)
    if stdout is not None:
        stdout.write(
            f"Förderung: {Foerderantrag.objects.count()} Anträge, {Verteilung.objects.count()} Verteilungen, "
            f"{Budget.objects.count()} Budgets."
        )
    return {"foerderprogramm": programm, "foerderbausteine": bausteine, "foerderantraege": antraege}
