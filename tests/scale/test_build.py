"""The NRW scale data (`demo_data --scale nrw`), built here in miniature: same code, fewer Bündnisse and rows."""

import io
import random
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from buendnis.choices import Baustein, BuendnisArt
from buendnis.models import Buendnis, Kommune
from demo import scale
from demo.buendnis import NEUSS_KOMMUNEN, buendnis_aus_csv, nrw_kreise
from foerderung.models import Foerderart
from tests.foerderung.factories import BudgetFactory, FoerderbausteinFactory, FoerderprogrammFactory

ANGEBOTE = 300
ANTRAEGE = 150
# Rhein-Kreis Neuss (real Kommunen), Kreis Kleve (generated), Stadt Düsseldorf (one Kommune).
KLEIN = ("05162", "05154", "05111")


def _fortschritt() -> scale.Fortschritt:
    return scale.Fortschritt(io.StringIO())


@pytest.fixture
def klein(db):
    """Three Bündnisse with everything the full build makes, and budgets for two modules and two years."""
    zeilen = {row["kreisschluessel"]: row for row in nrw_kreise()}
    buendnisse = [buendnis_aus_csv(zeilen[k]) for k in KLEIN]
    f = _fortschritt()
    kommunen = scale.build_kommunen(buendnisse, f)
    akteure = scale.build_akteure(buendnisse, kommunen, f)
    scale.build_benutzer(buendnisse, f)
    programm = FoerderprogrammFactory()
    f1 = FoerderbausteinFactory(programm=programm, nummer=Baustein.F1)
    f4 = FoerderbausteinFactory(
        programm=programm,
        nummer=Baustein.F4,
        foerderart=Foerderart.PAUSCHALE_EINHEIT,
        pauschalbetrag=Decimal("37.50"),
    )
    for buendnis in buendnisse:
        for baustein in (f1, f4):
            for jahr in (2020, 2021):
                BudgetFactory(buendnis=buendnis, baustein=baustein, jahr=jahr, betrag=Decimal("40000.00"))

    def bauen():
        rng = random.Random(7)
        scale.build_angebote(buendnisse, kommunen, akteure, rng, f, total=ANGEBOTE)
        scale.build_bedarf(buendnisse, kommunen, rng, f)
        scale.build_foerderung(buendnisse, kommunen, akteure, rng, f, total=ANTRAEGE)
        return scale.bestand()

    return bauen


def test_all_53_buendnisse_with_396_kommunen(db):
    f = _fortschritt()
    buendnisse = scale.build_buendnisse(f)
    scale.build_kommunen(buendnisse, f)
    assert Buendnis.objects.count() == 53
    assert Kommune.objects.count() == scale.KOMMUNEN_NRW == 396
    je_buendnis = dict(Buendnis.objects.annotate(n=Count("kommunen")).values_list("kreisschluessel", "n"))
    for buendnis in Buendnis.objects.all():
        if buendnis.art == BuendnisArt.KREISFREIE_STADT:
            assert je_buendnis[buendnis.kreisschluessel] == 1
            assert buendnis.kommunen.get().name == buendnis.name.removeprefix("Stadt ")
        else:
            assert je_buendnis[buendnis.kreisschluessel] == scale.KOMMUNEN_JE_KREIS[buendnis.kreisschluessel]
    # Rhein-Kreis Neuss keeps its eight real Kommunen; elsewhere names are generated.
    neuss = set(Kommune.objects.filter(buendnis__kreisschluessel="05162").values_list("name", flat=True))
    assert neuss == {name for name, _schluessel in NEUSS_KOMMUNEN}
    assert Kommune.objects.filter(name="Gemeinde 3 (Kreis Kleve)").exists()
    assert Kommune.objects.filter(name="Gemeinde 1 (Rhein-Erft-Kreis)").exists()
    # Running again adds nothing.
    scale.build_kommunen(scale.build_buendnisse(f), f)
    assert Kommune.objects.count() == 396


def test_generated_offers_keep_the_model_invariants(klein):
    from angebote.models import Angebot

    assert klein()["angebote"] == ANGEBOTE
    for angebot in random.Random(1).sample(list(Angebot.objects.all()), 30):
        angebot.full_clean()
        for zugang in angebot.zugaenge.all():
            zugang.full_clean()
        # Every generated offer carries its creation history, like one saved by the service.
        assert angebot.history.filter(history_type="+").exists()
    assert Angebot.objects.filter(buendnis__kreisschluessel="05154").exists()


def test_survey_rounds_for_every_kommune_with_consistent_cells(klein):
    from bedarf import raster as grid
    from bedarf.models import Bedarfsmeldung, Erhebung, MeldungStatus

    klein()
    assert set(Kommune.objects.annotate(n=Count("bedarfsmeldungen")).values_list("n", flat=True)) == {3}
    assert Erhebung.objects.filter(status="offen").count() == len(KLEIN)
    for meldung in Bedarfsmeldung.objects.filter(status=MeldungStatus.ABGEGEBEN).select_related("erhebung")[
        :20
    ]:
        werte = grid.werte_laden(meldung)
        assert grid.pruefe(grid.raster_fuer(meldung.erhebung, werte), meldung.gesamt, werte) == []


def test_applications_respect_budgets_and_approvals(klein):
    from foerderung.models import BEWILLIGTE_STATUS, Budget, Foerderantrag

    assert klein()["foerderantraege"] == ANTRAEGE
    for antrag in Foerderantrag.objects.all():
        antrag.full_clean()
        assert sum((p.betrag for p in antrag.kostenpositionen.all()), Decimal("0")) == antrag.gesamtkosten
        abgerufen = antrag.mittelabrufe.aggregate(s=Sum("betrag"))["s"] or Decimal("0")
        assert abgerufen <= (antrag.bewilligt_betrag or Decimal("0"))
        assert antrag.statuswechsel.count() == antrag.version == antrag.history.count()
    for budget in Budget.objects.all():
        bewilligt = Foerderantrag.objects.filter(
            buendnis=budget.buendnis_id,
            baustein=budget.baustein_id,
            haushaltsjahr=budget.jahr,
            status__in=BEWILLIGTE_STATUS,
        ).aggregate(s=Sum("bewilligt_betrag"))["s"] or Decimal("0")
        assert bewilligt <= budget.betrag


def test_running_again_adds_nothing(klein):
    assert klein() == klein()
