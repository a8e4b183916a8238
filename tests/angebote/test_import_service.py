"""The offer import's service (angebote.services.AngeboteImport): the same ownership and place rules as entering one
offer in the form (angebote.rules.may_enter_angebot), checked before anything is written, and nothing written
that was not checked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from angebote import services
from angebote.models import Angebot, Kategorie
from angebote.rules import kommune_owns
from tests.angebote.factories import AngebotFactory


def _zeile(dienst, scenario, traeger, *, kennung="IMP-1", kommunen=(), kreisweit=False):
    zeile = dienst.zeile(kennung)
    angebot = zeile.angebot
    angebot.titel = f"Kurs {kennung}"
    angebot.traeger = traeger
    angebot.kategorie = Kategorie.objects.get(code="deutsch")
    angebot.kreisweit = kreisweit
    zeile.kommunen = list(kommunen)
    return zeile


def _einzeln(scenario, traeger, user, *, kommunen=(), kreisweit=False):
    """The same offer through the form's service; None when saved, else the refused fields."""
    angebot = Angebot(
        titel="Einzeln",
        traeger=traeger,
        kategorie=Kategorie.objects.get(code="deutsch"),
        kreisweit=kreisweit,
    )
    try:
        services.angebot_create(angebot=angebot, kommunen=list(kommunen), by=user)
    except ValidationError as exc:
        return set(exc.message_dict)
    return None


@pytest.mark.parametrize(
    ("orte", "kreisweit", "eigener_traeger", "erlaubt"),
    [
        (["a1"], False, True, True),
        (["a2"], False, True, False),
        (["a1", "a2"], False, True, False),
        ([], True, True, True),
        ([], True, False, False),
        ([], False, True, False),
    ],
)
def test_import_and_form_apply_the_same_ownership_and_place_rules(
    scenario, traeger_a1, orte, kreisweit, eigener_traeger, erlaubt
):
    user = scenario.users["kommune"]
    traeger = traeger_a1 if eigener_traeger else scenario.akteur_a
    kommunen = [getattr(scenario, o) for o in orte]
    dienst = services.AngeboteImport(by=user, kennungen=["IMP-1"], sperren=False)
    zeile = _zeile(dienst, scenario, traeger, kommunen=kommunen, kreisweit=kreisweit)
    if erlaubt:
        dienst.pruefen(zeile)
    else:
        with pytest.raises(ValidationError) as exc:
            dienst.pruefen(zeile)
        assert "kommunen" in exc.value.message_dict
    einzeln = _einzeln(scenario, traeger, user, kommunen=kommunen, kreisweit=kreisweit)
    assert (einzeln is None) is erlaubt
    # The one rule behind both: a Kommune owns an offer that runs only there, or kreisweit with its Träger.
    if orte or kreisweit:
        assert kommune_owns(scenario.a1.pk, angebot=zeile.angebot, kommunen=kommunen) is erlaubt


def test_coordination_imports_offers_of_every_kommune_of_its_buendnis(scenario, traeger_a1):
    dienst = services.AngeboteImport(by=scenario.users["koordination"], kennungen=["IMP-1"], sperren=False)
    zeile = _zeile(dienst, scenario, scenario.akteur_a, kommunen=[scenario.a1, scenario.a2])
    dienst.pruefen(zeile)
    dienst.vormerken(zeile)
    dienst.schreiben()
    angebot = Angebot.objects.get(kennung="IMP-1")
    assert (angebot.status, angebot.version, angebot.erstellt_von) == (
        "entwurf",
        1,
        scenario.users["koordination"],
    )
    assert {k.name for k in angebot.kommunen.all()} == {"Aheim", "Adorf"}
    assert angebot.history.get().history_user == scenario.users["koordination"]


@pytest.mark.parametrize("rolle", ["mitglied", "auswertung", "land"])
def test_roles_without_the_import_right_cannot_open_an_import(scenario, rolle):
    with pytest.raises(PermissionDenied):
        services.AngeboteImport(by=scenario.users[rolle], kennungen=[], sperren=False)


def test_kommune_cannot_update_an_offer_of_another_kommune(scenario, traeger_a1):
    AngebotFactory(buendnis=scenario.a, kennung="AD-1", traeger=scenario.akteur_a, kommunen=[scenario.a2])
    dienst = services.AngeboteImport(by=scenario.users["kommune"], kennungen=["AD-1"], sperren=False)
    with pytest.raises(ValidationError) as exc:
        dienst.zeile("AD-1")
    assert "gehört zu einer anderen Kommune" in exc.value.message_dict["kennung"][0]


def test_kommune_cannot_change_its_published_offer_by_import(scenario, traeger_a1):
    AngebotFactory(
        buendnis=scenario.a, kennung="AH-1", traeger=traeger_a1, kommunen=[scenario.a1], veroeffentlicht=True
    )
    dienst = services.AngeboteImport(by=scenario.users["kommune"], kennungen=["AH-1"], sperren=False)
    zeile = dienst.zeile("AH-1")
    zeile.kommunen = [scenario.a1]
    zeile.angebot.plaetze = 99
    assert not dienst.unveraendert(zeile)
    with pytest.raises(ValidationError) as exc:
        dienst.pruefen(zeile)
    assert "kann von Ihnen nicht geändert werden" in exc.value.message_dict["kennung"][0]


def test_a_row_that_was_not_checked_is_never_written(scenario, traeger_a1):
    dienst = services.AngeboteImport(by=scenario.users["kommune"], kennungen=["IMP-1"], sperren=False)
    zeile = _zeile(dienst, scenario, traeger_a1, kommunen=[scenario.a2])
    with pytest.raises(ValueError, match="not checked"):
        dienst.vormerken(zeile)
    # A row checked while leaving out fields the file got wrong is not fully checked either.
    zweite = _zeile(dienst, scenario, traeger_a1, kennung="IMP-2", kommunen=[scenario.a1])
    dienst.pruefen(zweite, ohne={"plaetze"})
    with pytest.raises(ValueError, match="not checked"):
        dienst.vormerken(zweite)
    dienst.schreiben()
    assert not Angebot.objects.exists()
