"""Demo data of the funding app: the programme "Durchstarten in Ausbildung und Arbeit" with its six modules and
their funding rules (versioned: the extension from 01.07.2022 is a new version with the same rates), a
distribution across all 53 Bündnisse of NRW from synthetic indicator values, the Land's grant notices to
Rhein-Kreis Neuss and a call of the Innovationsfonds, and for Neuss: which Kommunen joined "Gemeinsam klappt's",
one under budget consolidation, applications in every workflow state computed by the rules, drawdowns from cost
lines, proofs of use per line, monitoring, Teilhabemanagement positions and Innovationsfonds ideas.

Everything goes through the services, so the demo obeys the same rules as a user. Idempotent: natural keys
(names, titles, notice numbers) are looked up first; workflow steps only run for new rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from angebote.models import Angebot, Aufenthaltsstatus
from buendnis.choices import Baustein
from buendnis.models import Buendnis, User
from demo import daten
from demo.buendnis import buendnis_aus_csv, nrw_kreise
from foerderung import services, teilnahme
from foerderung.models import (
    Antragsberechtigt,
    AntragStatus,
    AufrufStatus,
    Budget,
    BudgetKommune,
    Entscheider,
    Foerderantrag,
    Foerderart,
    Foerderaufruf,
    Foerderbaustein,
    Foerderprogramm,
    Foerderregel,
    Haushaltssicherung,
    IdeeStatus,
    KommuneTeilnahme,
    Kostenart,
    Kostenkategorie,
    Projektidee,
    RichtlinieStatus,
    TeilhabeStelle,
    Verteilung,
    Verteilungsanteil,
    Zuwendungsbescheid,
)
from foerderung.models.programm import auf_cent
from foerderung.services import KostenpositionDaten, NachweisPositionDaten

D = Decimal
A = AntragStatus
DATEN = daten.json_datei("foerderung.json")
# Decimal and date fields of a Förderbaustein as the data file writes them (strings).
_BAUSTEIN_BETRAEGE = ("pauschalbetrag", "eigenanteil_prozent", "foerderquote_prozent", "volumen")
_BAUSTEIN_DATEN = ("gueltig_ab", "gueltig_bis")
# Fields of a module the demo keeps up to date in an existing database (the dates moved, the volumes are set).
_BAUSTEIN_AKTUELL = ("gueltig_ab", "gueltig_bis", "volumen", "aufenthaltsstatus_hinweis", "zweck")


def _baustein_felder(eintrag: dict) -> dict:
    """The fields of one module from the data file, typed, with the defaults every module shares."""
    felder = {**DATEN["baustein_vorgaben"], **eintrag}
    felder.pop("status")
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
# Which residence statuses each module admits (a group name of the data file per module).
BAUSTEIN_STATUS = {Baustein(e["nummer"]): e["status"] for e in DATEN["bausteine"]}
STATUS_GRUPPEN: dict[str, list[str]] = DATEN["aufenthaltsstatus"]
# Synthetic yearly budgets (EUR) distributed to the 53 Bündnisse; clearly not official figures.
VERTEILUNGEN = [
    (Baustein(v["baustein"]), D(v["gesamtbetrag"]), D(v["sockelbetrag"]), v["indikator"])
    for v in DATEN["verteilungen"]
]
ZIELGRUPPE_STATUS = ["gestattung", "duldung", "ausbildungsduldung", "beschaeftigungsduldung"]


def _synthetischer_wert(kreisschluessel: str, salz: int) -> Decimal:
    """A deterministic made-up indicator value per Kreis (no official data)."""
    zahl = int(kreisschluessel)
    return D((zahl * 7919 + salz * 104729) % 1400 + 150)


def _programm() -> tuple[Foerderprogramm, dict[str, Foerderbaustein]]:
    programm_daten = DATEN["programm"]
    programm, created = Foerderprogramm.objects.get_or_create(
        name=programm_daten["name"],
        defaults={
            "ministerien": programm_daten["ministerien"],
            "gesamtvolumen": D(programm_daten["gesamtvolumen"]),
            "laufzeit_beginn": daten.datum(programm_daten["laufzeit_beginn"]),
            "laufzeit_ende": daten.datum(programm_daten["laufzeit_ende"]),
            "beschreibung": programm_daten["beschreibung"],
        },
    )
    ende = daten.datum(programm_daten["laufzeit_ende"])
    if not created and programm.laufzeit_ende != ende:
        # The run was extended (to 30.06.2023): an older demo database gets the new end.
        programm.laufzeit_ende, programm.beschreibung = ende, programm_daten["beschreibung"]
        programm.save()
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
        elif not created and any(getattr(baustein, f) != felder.get(f) for f in _BAUSTEIN_AKTUELL):
            for f in _BAUSTEIN_AKTUELL:
                setattr(baustein, f, felder.get(f))
            baustein.full_clean()
            baustein.save()
        bausteine[nummer] = baustein
    return programm, bausteine


def _status(gruppe: str, status: dict[str, Aufenthaltsstatus]) -> list[Aufenthaltsstatus]:
    return [status[code] for code in STATUS_GRUPPEN[gruppe] if code in status]


def _zugelassene_status(bausteine) -> None:
    """F1, F3–F6 admit Gestattete and every Duldung incl. § 60b; F2 not under an employment ban (§ 60b).
    Set on every run, so an older demo database is corrected too."""
    status = {s.code: s for s in Aufenthaltsstatus.objects.all()}
    for nummer, baustein in bausteine.items():
        baustein.zugelassene_status.set(_status(BAUSTEIN_STATUS[nummer], status))


def _regeln(bausteine) -> dict[tuple[str, str], list[Foerderregel]]:
    """The programme's funding rules per module and kind of cost, one version per period. The extension from
    01.07.2022 is a new version with the same rates, so the change of dates shows as a version of its own."""
    status = {s.code: s for s in Aufenthaltsstatus.objects.all()}
    regeln: dict[tuple[str, str], list[Foerderregel]] = {}
    for eintrag in DATEN["regeln"]:
        baustein = bausteine[Baustein(eintrag["baustein"])]
        for von, bis, grundlage in DATEN["regel_versionen"][eintrag["versionen"]]:
            regel, created = Foerderregel.objects.get_or_create(
                baustein=baustein,
                kostenart=Kostenart(eintrag["kostenart"]),
                gueltig_ab=daten.datum(von),
                defaults={
                    "bezeichnung": eintrag["bezeichnung"],
                    "satz": D(eintrag["satz"]) if "satz" in eintrag else None,
                    "foerderquote_prozent": D(eintrag["quote"]),
                    "foerderquote_haushaltssicherung_prozent": D(eintrag["quote_hs"])
                    if "quote_hs" in eintrag
                    else None,
                    "antragsberechtigt": Antragsberechtigt(
                        eintrag.get("antragsberechtigt", Antragsberechtigt.KREIS_KOMMUNE)
                    ),
                    "entscheidet": Entscheider(eintrag.get("entscheidet", Entscheider.KREIS)),
                    "gueltig_bis": daten.datum(bis),
                    "grundlage": f"{grundlage}; {eintrag['hinweis']}"[:300],
                },
            )
            if created:
                regel.full_clean()
                regel.zugelassene_status.set(_status(eintrag["status"], status))
            regeln.setdefault((eintrag["baustein"], eintrag["kostenart"]), []).append(regel)
    return regeln


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
            if verteilung.indikator != indikator:
                # F6 used the geduldete 18–27-year-olds only (an older demo database said "und gestattete").
                verteilung.indikator = indikator
                verteilung.save(update_fields=["indikator", "updated_at"])
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


def _zuwendungsbescheide(neuss: Buendnis, bausteine, land: User) -> None:
    """The Land's grant notices to Rhein-Kreis Neuss for F1–F4 and F6, per year within the allocation (F2 2022
    a partial notice). F5 has none: the Land decides each Innovationsfonds application itself."""
    vorgaben = DATEN["zuwendungsbescheide"]
    for nummer in vorgaben["bausteine"]:
        baustein = bausteine[Baustein(nummer)]
        for jahr in vorgaben["jahre"]:
            bescheid_nummer = f"BR-ARN-{jahr}-{baustein.kurz}-RKN"
            if Zuwendungsbescheid.objects.filter(buendnis=neuss, bescheid_nummer=bescheid_nummer).exists():
                continue
            budget = Budget.objects.filter(buendnis=neuss, baustein=baustein, jahr=jahr).first()
            if budget is None:
                continue
            anteil = vorgaben["anteil"].get(f"{nummer}-{jahr}")
            grundlage = vorgaben["grundlage"].get(nummer, vorgaben["grundlage"]["sonst"])
            if anteil:
                grundlage = f"{grundlage}. {vorgaben['bemerkung']}"
            services.zuwendungsbescheid_erlassen(
                buendnis=neuss,
                baustein=baustein,
                jahr=jahr,
                betrag=auf_cent(budget.betrag * D(anteil)) if anteil else budget.betrag,
                bescheid_nummer=bescheid_nummer,
                bescheid_datum=daten.datum(vorgaben["datum"][str(jahr)]),
                grundlage=grundlage[:300],
                by=land,
            )


def _aufruf(bausteine, land: User) -> Foerderaufruf:
    """The Land's state-wide call of the Innovationsfonds (decided by the steering group at the MAGS)."""
    eintrag = DATEN["aufruf"]
    aufruf = Foerderaufruf.objects.filter(titel=eintrag["titel"]).first()
    if aufruf is None:
        aufruf = services.aufruf_eroeffnen(
            baustein=bausteine[Baustein(eintrag["baustein"])],
            titel=eintrag["titel"],
            beschreibung=eintrag["beschreibung"],
            einreichung_bis=daten.datum(eintrag["einreichung_bis"]),
            entscheidung_bis=daten.datum(eintrag["entscheidung_bis"]),
            volumen=D(eintrag["volumen"]),
            by=land,
        )
        for status in (AufrufStatus.GESCHLOSSEN, AufrufStatus(eintrag["status"])):
            if aufruf.status != status:
                aufruf = services.aufruf_status_setzen(aufruf=aufruf, status=status, by=land)
    return aufruf


def _teilnahme(neuss: Buendnis, kommunen: dict, koord: User) -> None:
    """Six of the eight Kommunen joined "Gemeinsam klappt's" in late 2019, Jüchen only expressed its interest,
    Rommerskirchen neither; Grevenbroich is under budget consolidation (90 % for its F6 position)."""
    for eintrag in DATEN["teilnahme"]:
        kommune = kommunen[eintrag["kommune"]]
        if KommuneTeilnahme.objects.filter(kommune=kommune).exists():
            continue
        teilnahme.teilnahme_speichern(
            kommune=kommune,
            interesse_bekundet_am=daten.datum(eintrag["interesse"]),
            beigetreten_am=daten.datum(eintrag["beigetreten"]),
            bemerkung=eintrag.get("bemerkung", ""),
            by=koord,
        )
    for eintrag in DATEN["haushaltssicherung"]:
        kommune = kommunen[eintrag["kommune"]]
        if Haushaltssicherung.objects.filter(kommune=kommune).exists():
            continue
        teilnahme.haushaltssicherung_speichern(
            kommune=kommune,
            gueltig_ab=daten.datum(eintrag["gueltig_ab"]),
            gueltig_bis=daten.datum(eintrag["gueltig_bis"]),
            grundlage=eintrag["grundlage"],
            by=koord,
        )


def _kostenplan(zeilen: list[dict]) -> list[KostenpositionDaten]:
    """Cost lines as a user enters them: the kind of cost and units for a flat rate, the amount for actual
    costs; the service computes amount, quota, funding and own share from the rule in force."""
    return [
        KostenpositionDaten(
            Kostenkategorie(z["kategorie"]),
            z["bezeichnung"],
            D(z["betrag"]) if "betrag" in z else None,
            einheiten=D(z["einheiten"]) if "einheiten" in z else None,
            kostenart=Kostenart(z["kostenart"]),
        )
        for z in zeilen
    ]


def _zeitraum(a: dict) -> tuple[datetime.date, datetime.date]:
    jahr = a["jahr"]
    if "beginn" in a:
        return daten.datum(a["beginn"]), daten.datum(a["ende"])
    return datetime.date(jahr, 1, 1), datetime.date(jahr, 12, 31) if jahr < 2022 else datetime.date(
        2022, 6, 30
    )


def _antrag(neuss, koord, a: dict, baustein, *, kommune=None, akteur=None):
    vorhanden = Foerderantrag.objects.filter(buendnis=neuss, titel=a["titel"]).first()
    if vorhanden:
        return vorhanden, False
    beginn, ende = _zeitraum(a)
    antrag = Foerderantrag(
        buendnis=neuss,
        baustein=baustein,
        kommune=kommune,
        antragsteller_akteur=akteur,
        titel=a["titel"],
        beginn=beginn,
        ende=ende,
        haushaltsjahr=a["jahr"],
        teilnehmende_geplant=a.get("teilnehmende", 0),
    )
    return services.antrag_speichern(antrag=antrag, by=koord, kostenplan=_kostenplan(a["kosten"])), True


def _bis(antrag, a: dict, koord: User, einreicher: User) -> None:
    """Walks an application through the workflow with the services, up to its target state."""
    ziel = AntragStatus(a["ziel"])
    schritte = [A.EINGEREICHT, A.IN_PRUEFUNG, A.BEWILLIGT, A.VN_EINGEREICHT, A.VN_GEPRUEFT, A.ABGESCHLOSSEN]
    if ziel == A.ENTWURF:
        return
    if ziel == A.ZURUECKGEZOGEN:
        services.antrag_statuswechsel(antrag=antrag, nach=A.EINGEREICHT, by=einreicher)
        services.antrag_statuswechsel(
            antrag=antrag, nach=A.ZURUECKGEZOGEN, by=einreicher, kommentar="Träger hat abgesagt."
        )
        return
    zeilen = list(antrag.kostenpositionen.order_by("pk"))
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
                betrag=D(a["bewilligt"]) if "bewilligt" in a else antrag.beantragt,
                bescheid_datum=datetime.date(antrag.haushaltsjahr, 2, 15),
                bescheid_nummer=a.get("bescheid_nummer", ""),
                by=koord,
            )
            for r in a.get("abrufe", []):
                # Drawdowns rest on a line of the plan: proven units for a flat rate, an amount for actual costs.
                services.mittelabruf_erfassen(
                    antrag=antrag,
                    kostenposition=zeilen[r["zeile"]],
                    einheiten=D(r["einheiten"]) if "einheiten" in r else None,
                    betrag=D(r["betrag"]) if "betrag" in r else None,
                    datum=daten.datum(r["datum"]),
                    by=koord,
                )
        elif schritt == A.VN_EINGEREICHT:
            services.verwendungsnachweis_einreichen(
                antrag=antrag,
                eingereicht_am=datetime.date(antrag.haushaltsjahr + 1, 3, 31),
                sachbericht=a.get("sachbericht") or "Sachbericht: Ziele erreicht, Teilnahme stabil.",
                positionen=[
                    NachweisPositionDaten(
                        kostenposition=zeilen[n["zeile"]],
                        ausgaben_ist=D(n["ausgaben"]),
                        einheiten_ist=D(n["einheiten"]) if "einheiten" in n else None,
                    )
                    for n in a["nachweis"]
                ],
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


def _teilhabe_stellen(neuss, kommunen, koord, antraege) -> None:
    """F6 positions only in Kommunen that joined "Gemeinsam klappt's", each funded by its Kommune's F6
    application, and 0.5 VZÄ at the Geschäftsführende Stelle (the KI of the Kreis, no Kommune): the Kreis is the
    grant recipient and funds it from the Land's notice directly, without passing funds on (no application)."""
    status_tm = {s.code: s for s in Aufenthaltsstatus.objects.filter(code__in=["gestattung", "duldung"])}
    for eintrag in DATEN["teilhabe_stellen"]:
        vze, seit = D(eintrag["vze"]), daten.datum(eintrag["besetzt_seit"])
        stelle = TeilhabeStelle.objects.filter(buendnis=neuss, bezeichnung=eintrag["bezeichnung"]).first()
        if stelle is not None:
            continue
        stelle = teilnahme.teilhabestelle_speichern(
            stelle=TeilhabeStelle(
                buendnis=neuss,
                bezeichnung=eintrag["bezeichnung"],
                kommune=kommunen[eintrag["kommune"]] if eintrag["kommune"] else None,
                vze=vze,
                arbeitgeber=eintrag["arbeitgeber"],
                besetzt_seit=seit,
                antrag=antraege[eintrag["antrag"]] if eintrag["antrag"] else None,
            ),
            by=koord,
        )
        if not seit:
            continue
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


def _neuss(context, bausteine, aufruf) -> dict:
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
            a,
            bausteine[a["baustein"]],
            kommune=k[a["kommune"]] if a["kommune"] else None,
            akteur=ak[a["akteur"]] if a["akteur"] else None,
        )
        if neu:
            _bis(antrag, a, koord, einreicher[a["einreicher"]] if a.get("einreicher") else koord)
        antrag.refresh_from_db()
        antraege[schluessel] = antrag

    # Monitoring: aggregate counts per quarter (entered, active, left early, completed, transitions).
    for schluessel, meldungen in DATEN["monitoring"].items():
        _monitoring_sicher(antraege[schluessel], koord, meldungen["jahr"], meldungen["quartale"])

    _teilhabe_stellen(neuss, k, koord, antraege)
    budget_tm = Budget.objects.filter(buendnis=neuss, baustein=bausteine[Baustein.F6], jahr=2020).first()
    if budget_tm:
        for name, anteil in DATEN["teilhabe_budget_kommunen"].items():
            BudgetKommune.objects.get_or_create(
                budget=budget_tm, kommune=k[name], defaults={"betrag": auf_cent(budget_tm.betrag * D(anteil))}
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
                "frist": aufruf.einreichung_bis,
                "aufruf": aufruf,
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
    regeln = _regeln(bausteine)
    _verteilungen(programm, bausteine, land)
    _zuwendungsbescheide(context["neuss"], bausteine, land)
    aufruf = _aufruf(bausteine, land)
    _teilnahme(context["neuss"], context["kommunen"], context["koordination"])
    antraege = _neuss(context, bausteine, aufruf)
    _angebote_verknuepfen(context["neuss"], antraege)
    if stdout is not None:
        stdout.write(
            f"Förderung: {sum(len(v) for v in regeln.values())} Förderregeln, "
            f"{Foerderantrag.objects.count()} Anträge, {Verteilung.objects.count()} Verteilungen, "
            f"{Budget.objects.count()} Budgets, {Zuwendungsbescheid.objects.count()} Zuwendungsbescheide."
        )
    return {"foerderprogramm": programm, "foerderbausteine": bausteine, "foerderantraege": antraege}
