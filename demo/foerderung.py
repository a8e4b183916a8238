"""Demo data of the funding app: the 2019–2022 programme with its six modules, a distribution across all 53
Bündnisse of NRW from synthetic indicator values, and for Rhein-Kreis Neuss applications in every workflow
state, drawdowns, monitoring, Teilhabemanagement positions and Innovationsfonds ideas.

Idempotent: natural keys (names, titles) are looked up first; workflow steps only run for new rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from buendnis.choices import Baustein
from buendnis.models import Buendnis, User
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
RICHTLINIE = (
    "Richtlinie über die Gewährung von Zuwendungen im Rahmen der Initiative "
    "‚Durchstarten in Ausbildung und Arbeit‘ (Runderlass des MAGS, § 44 LHO)"
)
RICHTLINIE_TM = "Förderrichtlinie Teilhabemanagement in den Bündniskommunen von „Gemeinsam klappt’s“ (MKFFI)"
ZIELGRUPPE = (
    "Gestattete und Geduldete (F2 nicht bei Beschäftigungsverbot); nicht in Landesaufnahmeeinrichtungen; "
    "Frauen sollen besonders gefördert werden."
)

BAUSTEINE = [
    {
        "nummer": Baustein.F1,
        "titel": "Coaching",
        "zweck": "Niederschwellige, engmaschige und individuelle Begleitung vor, während und nach den Maßnahmen; "
        "verhindert Abbrüche und stabilisiert die Teilnehmenden.",
        "antragsberechtigt": "Kreise und kreisfreie Städte (Weiterleitung an Träger)",
        "durchfuehrung": "vom Kreis ausgewählte Träger (oft per Ausschreibung)",
        "foerderart": Foerderart.BUDGET,
        "einheit": "Coachingstelle",
    },
    {
        "nummer": Baustein.F2,
        "titel": "Berufsbegleitende Qualifizierung und/oder Sprachförderung",
        "zweck": "Qualifizierung oder Sprachförderung begleitend zu Ausbildung oder Arbeit.",
        "antragsberechtigt": "Kreise und kreisfreie Städte (Weiterleitung an Träger)",
        "durchfuehrung": "Bildungsträger",
        "foerderart": Foerderart.BUDGET,
    },
    {
        "nummer": Baustein.F3,
        "titel": "Nachträglicher Erwerb eines Schulabschlusses",
        "zweck": "Hauptschulabschluss 9/10 A mit integrierter Sprachförderung und „Lernen lernen“ nach der "
        "Prüfungsordnung für Erwachsene.",
        "antragsberechtigt": "Kreise und kreisfreie Städte (Weiterleitung an Träger)",
        "durchfuehrung": "Weiterbildungseinrichtungen (VHS); Berufskollegs nur ohne Doppelförderung",
        "foerderart": Foerderart.BUDGET,
    },
    {
        "nummer": Baustein.F4,
        "titel": "Kurse",
        "zweck": "Neu geschaffene niederschwellige Kurse (Deutsch, Berufsorientierung, Englisch, Mathematik, "
        "Schlüsselkompetenzen) und für die Zielgruppe geöffnete Jugendintegrationskurse des Bundes. "
        "Prüfungsgebühren nach Aufwand; Jugendintegrationskurse 3,90 EUR je Teilnehmendenstunde.",
        "antragsberechtigt": "Kreise und kreisfreie Städte (Weiterleitung an Träger)",
        "durchfuehrung": "Bildungsträger, Volkshochschulen",
        "foerderart": Foerderart.PAUSCHALE_EINHEIT,
        "pauschalbetrag": D("37.50"),
        "einheit": "Unterrichtsstunde (Pauschale P 4)",
        "eigenanteil_prozent": D("20.00"),
    },
    {
        "nummer": Baustein.F5,
        "titel": "Innovationsfonds",
        "zweck": "Innovative und modellhafte Projektideen zur Integration in Ausbildung und Arbeit. Konzepte "
        "gehen zu festen Stichtagen an die Steuerungsgruppe beim MAGS.",
        "antragsberechtigt": "Unternehmen, Kammern, Träger, Kommunen, Verbände, Stiftungen",
        "durchfuehrung": "Antragsteller selbst",
        "foerderart": Foerderart.BUDGET,
        "volumen": D("5000000.00"),
    },
    {
        "nummer": Baustein.F6,
        "titel": "Teilhabemanagement",
        "zweck": "Stellen in den Bündniskommunen für übergreifende, individuelle, ergebnisoffene Beratung und "
        "Begleitung junger Menschen mit Duldung oder Gestattung. Stellenschlüssel: eine Stelle je 100 "
        "geduldete 18- bis 27-Jährige, mindestens 0,5 Stellen je Geschäftsführender Stelle; 90 % Förderung "
        "für Kommunen in der Haushaltssicherung.",
        "antragsberechtigt": "Kommunen, die „Gemeinsam klappt’s“ beigetreten sind",
        "durchfuehrung": "Kommunen",
        "foerderart": Foerderart.ANTEIL_KOSTEN,
        "foerderquote_prozent": D("80.00"),
        "volumen": D("13200000.00"),
        "gueltig_ab": datetime.date(2019, 11, 1),
        "aufenthaltsstatus_hinweis": "Duldung (§ 60a AufenthG) oder Gestattung (§ 55 AsylG)",
        "richtlinie_name": RICHTLINIE_TM,
        "richtlinie_status": RichtlinieStatus.ERLASSEN,
    },
]

# Synthetic yearly budgets (EUR) distributed to the 53 Bündnisse; clearly not official figures.
VERTEILUNGEN = [
    (Baustein.F1, D("4000000.00"), D("20000.00"), "Schlüssel nach FlüAG (synthetisch)"),
    (Baustein.F2, D("2000000.00"), D("0.00"), "Schlüssel nach FlüAG (synthetisch)"),
    (Baustein.F3, D("2000000.00"), D("0.00"), "Schlüssel nach FlüAG (synthetisch)"),
    (Baustein.F4, D("2600000.00"), D("0.00"), "Schlüssel nach FlüAG (synthetisch)"),
    (
        Baustein.F6,
        D("4400000.00"),
        D("25000.00"),
        "geduldete und gestattete 18- bis 27-Jährige (synthetisch)",
    ),
]


def _synthetischer_wert(kreisschluessel: str, salz: int) -> Decimal:
    """A deterministic made-up indicator value per Kreis (no official data)."""
    zahl = int(kreisschluessel)
    return D((zahl * 7919 + salz * 104729) % 1400 + 150)


def _programm() -> tuple[Foerderprogramm, dict[str, Foerderbaustein]]:
    programm, _created = Foerderprogramm.objects.get_or_create(
        name="Durchstarten in Ausbildung und Arbeit",
        defaults={
            "ministerien": "Ministerium für Arbeit, Gesundheit und Soziales (MAGS); Ministerium für Kinder, "
            "Familie, Flüchtlinge und Integration (MKFFI)",
            "gesamtvolumen": D("50000000.00"),
            "laufzeit_beginn": datetime.date(2019, 10, 1),
            "laufzeit_ende": datetime.date(2022, 6, 30),
            "beschreibung": "Landesinitiative für junge volljährige Geflüchtete (18 bis 27 Jahre), insbesondere "
            "mit Duldung oder Gestattung, mit dem Teil „Gemeinsam klappt’s“. Geplant Oktober 2019 bis Juni 2022; "
            "später verlängert: „Gemeinsam klappt’s“ bis 31.12.2022, „Durchstarten“ bis 30.06.2023. "
            "Nachfolgestruktur: Kommunales Integrationsmanagement NRW (KIM).",
        },
    )
    bausteine = {}
    for daten in BAUSTEINE:
        daten = dict(daten)
        nummer = daten.pop("nummer")
        daten.setdefault("richtlinie_name", RICHTLINIE)
        daten.setdefault("gueltig_ab", datetime.date(2019, 10, 1))
        daten.setdefault("gueltig_bis", datetime.date(2022, 6, 30))
        daten.setdefault("alter_von", 18)
        daten.setdefault("alter_bis", 27)
        daten.setdefault("aufenthaltsstatus_hinweis", ZIELGRUPPE)
        baustein, created = Foerderbaustein.objects.get_or_create(
            programm=programm, nummer=nummer, defaults=daten
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
    from angebote.models import Aufenthaltsstatus

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
    from angebote.models import Angebot

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


def _monitoring(antrag, koord, jahr, quartale):
    from angebote.models import Aufenthaltsstatus

    status = {s.code: s for s in Aufenthaltsstatus.objects.filter(code__in=ZIELGRUPPE_STATUS)}
    for quartal, (ein, aktiv, vorz, abg, schule, ausb, arbeit) in enumerate(quartale, start=1):
        # Synthetic split of the participants: roughly half Gestattung, a third Duldung, the rest others.
        gesamt = aktiv + vorz + abg
        nach_status = {}
        if status:
            gestattet = gesamt // 2
            geduldet = gesamt // 3
            nach_status = {status["gestattung"]: gestattet, status["duldung"]: geduldet}
            if "ausbildungsduldung" in status:
                nach_status[status["ausbildungsduldung"]] = gesamt - gestattet - geduldet
        services.monitoring_melden(
            nach_status=nach_status,
            antrag=antrag,
            jahr=jahr,
            quartal=quartal,
            by=koord,
            eingetreten=ein,
            aktiv=aktiv,
            vorzeitig_beendet=vorz,
            abgeschlossen=abg,
            uebergang_schulabschluss=schule,
            uebergang_ausbildung=ausb,
            uebergang_arbeit=arbeit,
        )


def _neuss(context, bausteine) -> dict:
    neuss: Buendnis = context["neuss"]
    koord: User = context["koordination"]
    k = context["kommunen"]
    ak = context["akteure"]
    kommune_neuss = User.objects.filter(username="kommune-neuss").first() or koord
    kommune_dormagen = User.objects.filter(username="kommune-dormagen").first() or koord
    P, S, H, V = (
        Kostenkategorie.PERSONAL,
        Kostenkategorie.SACH,
        Kostenkategorie.HONORAR,
        Kostenkategorie.VERWALTUNG,
    )
    f = bausteine

    antraege = {}

    def anlegen(schluessel, *args, ziel, einreicher=koord, **kwargs):
        workflow = {n: kwargs.pop(n) for n in ("bewilligt", "nummer", "abrufe", "vn") if n in kwargs}
        antrag, neu = _antrag(neuss, koord, *args, **kwargs)
        if neu:
            _bis(antrag, ziel, koord, einreicher, **workflow)
        antrag.refresh_from_db()
        antraege[schluessel] = antrag
        return antrag

    q = datetime.date
    anlegen(
        "coaching_neuss",
        "Coaching junger Geflüchteter in Neuss 2020",
        f[Baustein.F1],
        kommune=k["Neuss"],
        akteur=ak["Caritasverband Rhein-Kreis Neuss"],
        jahr=2020,
        tn=40,
        kosten=[
            KostenpositionDaten(P, "Coach (0,8 VZÄ)", D("47000.00")),
            KostenpositionDaten(S, "Fahrtkosten und Material", D("3000.00")),
            KostenpositionDaten(V, "Verwaltungskostenpauschale", D("2000.00")),
        ],
        ziel=A.ABGESCHLOSSEN,
        einreicher=kommune_neuss,
        bewilligt=D("50000.00"),
        nummer="RKN-F1-2020-01",
        abrufe=[
            (q(2020, 4, 1), "12500.00", None),
            (q(2020, 7, 1), "12500.00", None),
            (q(2020, 10, 1), "12500.00", None),
            (q(2021, 1, 15), "12250.75", None),
        ],
        vn="Sachbericht 2020: 40 Teilnehmende begleitet, 6 Übergänge in Ausbildung.",
    )
    anlegen(
        "coaching_sued",
        "Coaching Dormagen und Grevenbroich 2021",
        f[Baustein.F1],
        kommune=k["Dormagen"],
        akteur=ak["Diakonie Rhein-Kreis Neuss"],
        jahr=2021,
        tn=30,
        kosten=[
            KostenpositionDaten(P, "Coach (0,75 VZÄ)", D("45000.00")),
            KostenpositionDaten(S, "Sachkosten", D("2000.00")),
        ],
        ziel=A.BEWILLIGT,
        einreicher=kommune_dormagen,
        nummer="RKN-F1-2021-02",
        abrufe=[(q(2021, 4, 1), "11750.00", None), (q(2021, 7, 1), "11750.00", None)],
    )
    anlegen(
        "deutsch_vhs",
        "Deutschkurs B1 für junge Erwachsene (VHS Neuss) 2021",
        f[Baustein.F4],
        kommune=k["Neuss"],
        akteur=ak["Volkshochschule Neuss"],
        jahr=2021,
        tn=16,
        eigenanteil="2400.00",
        kosten=[
            KostenpositionDaten(
                H, "Unterrichtsstunden (Pauschale P 4)", einheiten=D("320"), einheitssatz=D("37.50")
            ),
        ],
        ziel=A.VN_EINGEREICHT,
        einreicher=kommune_neuss,
        nummer="RKN-F4-2021-01",
        abrufe=[(q(2021, 6, 30), "4800.00", D("160")), (q(2021, 12, 15), "4800.00", D("160"))],
    )
    anlegen(
        "hsa_dormagen",
        "Hauptschulabschluss 9/10 A mit Sprachförderung (VHS Dormagen) 2021",
        f[Baustein.F3],
        kommune=k["Dormagen"],
        akteur=ak["VHS Dormagen"],
        jahr=2021,
        tn=14,
        kosten=[
            KostenpositionDaten(H, "Lehrkräfte", D("28000.00")),
            KostenpositionDaten(S, "Prüfungsgebühren", D("1400.00")),
        ],
        ziel=A.VN_GEPRUEFT,
        einreicher=kommune_dormagen,
        nummer="RKN-F3-2021-01",
        abrufe=[(q(2021, 5, 1), "14700.00", None), (q(2021, 11, 1), "14700.00", None)],
    )
    tm = anlegen(
        "teilhabe",
        "Teilhabemanagement im Rhein-Kreis Neuss 2020",
        f[Baustein.F6],
        akteur=ak["Kommunales Integrationszentrum Rhein-Kreis Neuss"],
        jahr=2020,
        eigenanteil="20000.00",
        kosten=[KostenpositionDaten(P, "Teilhabemanager:innen (anteilig)", D("100000.00"))],
        ziel=A.BEWILLIGT,
        nummer="RKN-F6-2020-01",
        abrufe=[(q(2020, 3, 1), "30000.00", None), (q(2020, 9, 1), "30000.00", None)],
    )
    anlegen(
        "sprache_grevenbroich",
        "Berufsbegleitende Sprachförderung Grevenbroich 2021",
        f[Baustein.F2],
        kommune=k["Grevenbroich"],
        akteur=ak["Jugendmigrationsdienst Grevenbroich"],
        jahr=2021,
        tn=12,
        kosten=[KostenpositionDaten(H, "Sprachcoaching", D("18000.00"))],
        ziel=A.IN_PRUEFUNG,
    )
    anlegen(
        "mathe_kaarst",
        "Mathematik und Berufsorientierung Kaarst 2021",
        f[Baustein.F4],
        kommune=k["Kaarst"],
        jahr=2021,
        tn=10,
        eigenanteil="900.00",
        kosten=[KostenpositionDaten(H, "Unterrichtsstunden", einheiten=D("120"), einheitssatz=D("37.50"))],
        ziel=A.EINGEREICHT,
    )
    anlegen(
        "coaching_meerbusch",
        "Coaching Meerbusch 2022",
        f[Baustein.F1],
        kommune=k["Meerbusch"],
        akteur=ak["Flüchtlingshilfe Meerbusch e. V."],
        jahr=2022,
        tn=15,
        kosten=[KostenpositionDaten(P, "Coach (0,5 VZÄ)", D("16000.00"))],
        ziel=A.ENTWURF,
    )
    anlegen(
        "sprache_korschenbroich",
        "Sprachförderung im Betrieb Korschenbroich 2021",
        f[Baustein.F2],
        kommune=k["Korschenbroich"],
        jahr=2021,
        tn=8,
        kosten=[KostenpositionDaten(H, "Kursleitung", D("9600.00"))],
        ziel=A.ABGELEHNT,
    )
    anlegen(
        "kurs_juechen",
        "Englisch für den Beruf Jüchen 2021",
        f[Baustein.F4],
        kommune=k["Jüchen"],
        jahr=2021,
        tn=8,
        kosten=[KostenpositionDaten(H, "Unterrichtsstunden", einheiten=D("80"), einheitssatz=D("37.50"))],
        ziel=A.ZURUECKGEZOGEN,
    )

    # Monitoring: aggregate counts per quarter (entered, active, left early, completed, transitions).
    _monitoring_sicher(
        antraege["coaching_neuss"],
        koord,
        2020,
        [(18, 18, 0, 0, 0, 0, 0), (10, 26, 1, 1, 0, 1, 0), (8, 29, 2, 3, 1, 1, 1), (4, 24, 1, 8, 1, 4, 2)],
    )
    _monitoring_sicher(
        antraege["hsa_dormagen"], koord, 2021, [(14, 14, 0, 0, 0, 0, 0), (0, 13, 1, 0, 0, 0, 0)]
    )
    _monitoring_sicher(
        antraege["coaching_sued"], koord, 2021, [(12, 12, 0, 0, 0, 0, 0), (8, 18, 1, 1, 0, 1, 0)]
    )
    _monitoring_sicher(
        antraege["deutsch_vhs"], koord, 2021, [(16, 16, 0, 0, 0, 0, 0), (0, 14, 2, 0, 0, 0, 0)]
    )
    _monitoring_sicher(antraege["teilhabe"], koord, 2020, [(35, 35, 0, 0, 0, 0, 0), (22, 50, 3, 4, 1, 2, 1)])

    # Teilhabemanagement positions in several Kommunen, funded by the module VI application.
    stellen = [
        ("Teilhabemanagement Neuss", k["Neuss"], D("1.00"), "Stadt Neuss", datetime.date(2019, 12, 1)),
        (
            "Teilhabemanagement Dormagen",
            k["Dormagen"],
            D("0.50"),
            "Stadt Dormagen",
            datetime.date(2020, 2, 1),
        ),
        ("Teilhabemanagement Grevenbroich", k["Grevenbroich"], D("0.50"), "Stadt Grevenbroich", None),
        (
            "Teilhabemanagement Meerbusch",
            k["Meerbusch"],
            D("0.50"),
            "Stadt Meerbusch",
            datetime.date(2020, 4, 1),
        ),
    ]
    from angebote.models import Aufenthaltsstatus

    status_tm = {s.code: s for s in Aufenthaltsstatus.objects.filter(code__in=["gestattung", "duldung"])}
    for bezeichnung, kommune, vze, arbeitgeber, seit in stellen:
        stelle, created = TeilhabeStelle.objects.get_or_create(
            buendnis=neuss,
            bezeichnung=bezeichnung,
            defaults={
                "kommune": kommune,
                "vze": vze,
                "arbeitgeber": arbeitgeber,
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
    budget_tm = Budget.objects.filter(buendnis=neuss, baustein=f[Baustein.F6], jahr=2020).first()
    if budget_tm:
        for name, anteil in (("Neuss", "0.40"), ("Dormagen", "0.20"), ("Meerbusch", "0.20")):
            BudgetKommune.objects.get_or_create(
                budget=budget_tm,
                kommune=k[name],
                defaults={"betrag": (budget_tm.betrag * D(anteil)).quantize(D("0.01"))},
            )

    ideen = [
        ("Ausbildungsbotschafter:innen mit Fluchterfahrung", "IHK Mittlerer Niederrhein", IdeeStatus.IDEE),
        ("Digitale Lernbegleitung für den Hauptschulabschluss", "Volkshochschule Neuss", IdeeStatus.ANTRAG),
        (
            "Einstiegsqualifizierung mit Sprachcoaching im Handwerk",
            "Kreishandwerkerschaft Niederrhein",
            IdeeStatus.GEFOERDERT,
        ),
        ("Wohnprojekt mit Ausbildungsbegleitung", "Caritasverband Rhein-Kreis Neuss", IdeeStatus.ABGELEHNT),
    ]
    for titel, einreicher, status in ideen:
        Projektidee.objects.get_or_create(
            buendnis=neuss,
            titel=titel,
            defaults={
                "skizze": f"Projektskizze für den Innovationsfonds: {titel}.",
                "einreicher": einreicher,
                "akteur": ak.get(einreicher),
                "status": status,
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
