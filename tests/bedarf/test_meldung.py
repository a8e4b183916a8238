"""Entering a Kommune's figures: validation, optimistic locking, permissions, closed rounds."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedarf import services
from bedarf.models import Bedarfsmeldung, Dimension, ErhebungStatus, Meldewert, MeldungStatus
from buendnis.versioning import StaleVersion
from tests.bedarf.conftest import deliver, figures


def test_delivered_meldung_stores_only_aggregate_counts(scenario, erhebung):
    m = deliver(
        erhebung,
        scenario.a1,
        scenario.users["kommune"],
        {"duldung": 5, "gestattung": 2},
        {("deutsch", "duldung"): 4},
    )
    assert m.status == MeldungStatus.ABGEGEBEN and m.version == 1 and m.gesamt == 7
    assert Meldewert.objects.get(meldung=m, dimension=Dimension.BEDARF).anzahl == 4
    # zeros are not stored
    assert not Meldewert.objects.filter(meldung=m, anzahl=0).exists()


@pytest.mark.parametrize(
    "aendern, meldung_text",
    [
        (
            lambda w: w.update({("schulabschluss", "", "unbekannt", "", ""): 6}),
            "Schulabschluss ergibt zusammen 6",
        ),
        (
            lambda w: w.update({("zielgruppe", "duldung", "", "21-24", "m"): 4}),
            "Zielgruppe nach Aufenthaltsstatus",
        ),
        (
            lambda w: w.update({("bedarf", "gestattung", "deutsch", "", ""): 3}),
            "nur 2 Personen mit diesem Status",
        ),
        (lambda w: w.update({("besondere", "", "frauen_kinder", "", ""): 1}), "Frauen mit Kindern (1)"),
        (lambda w: w.update({("deutsch", "", "a1", "", ""): -1}), "ganze Zahlen ab 0"),
    ],
)
def test_inconsistent_figures_are_refused_with_german_message_and_nothing_written(
    scenario, erhebung, aendern, meldung_text
):
    werte = figures({"duldung": 5, "gestattung": 2})
    aendern(werte)
    with pytest.raises(ValidationError) as exc:
        services.bedarfsmeldung_speichern(
            erhebung=erhebung,
            kommune=scenario.a1,
            gesamt=7,
            werte=werte,
            version=0,
            abgeben=True,
            by=scenario.users["kommune"],
        )
    assert any(meldung_text in m for m in exc.value.messages)
    assert not Bedarfsmeldung.objects.exists() and not Meldewert.objects.exists()


def test_need_per_category_may_not_exceed_total(scenario, erhebung):
    werte = figures({"duldung": 5}, {("deutsch", "duldung"): 6})
    with pytest.raises(ValidationError) as exc:
        services.bedarfsmeldung_speichern(
            erhebung=erhebung,
            kommune=scenario.a1,
            gesamt=5,
            werte=werte,
            version=0,
            abgeben=True,
            by=scenario.users["kommune"],
        )
    assert any("mehr als die Zielgruppe insgesamt" in m for m in exc.value.messages)


def test_draft_may_be_incomplete_but_not_negative(scenario, erhebung):
    werte = {("schulabschluss", "", "keiner", "", ""): 3}
    m = services.bedarfsmeldung_speichern(
        erhebung=erhebung,
        kommune=scenario.a1,
        gesamt=None,
        werte=werte,
        version=0,
        by=scenario.users["kommune"],
    )
    assert m.status == MeldungStatus.ENTWURF


def test_stale_save_is_refused_with_what_changed(scenario, erhebung):
    user = scenario.users["kommune"]
    deliver(erhebung, scenario.a1, user, {"duldung": 5})
    # Somebody else saves version 2 with a change ...
    services.bedarfsmeldung_speichern(
        erhebung=erhebung, kommune=scenario.a1, gesamt=6, werte=figures({"duldung": 6}), version=1, by=user
    )
    # ... and a save based on version 1 is refused, naming the change.
    with pytest.raises(StaleVersion) as exc:
        services.bedarfsmeldung_speichern(
            erhebung=erhebung,
            kommune=scenario.a1,
            gesamt=5,
            werte=figures({"duldung": 5}),
            version=1,
            by=user,
        )
    text = " ".join(exc.value.messages)
    assert "inzwischen" in text and "Zielgruppe insgesamt: 5 → 6" in text
    assert "Schulabschluss: unbekannt: 5 → 6" in text
    assert exc.value.aktuelle_version == 2
    assert Bedarfsmeldung.objects.get().gesamt == 6


def test_kommune_cannot_enter_figures_of_other_kommune(scenario, erhebung):
    with pytest.raises(PermissionDenied):
        deliver(erhebung, scenario.a2, scenario.users["kommune"], {"duldung": 5})
    assert not Bedarfsmeldung.objects.exists()


@pytest.mark.parametrize("role", ["koordination", "mitglied", "auswertung", "land", "admin"])
def test_only_kommune_users_enter_figures(scenario, erhebung, role):
    with pytest.raises(PermissionDenied):
        deliver(erhebung, scenario.a1, scenario.users[role], {"duldung": 5})
    assert not Bedarfsmeldung.objects.exists()


def test_closed_round_is_read_only(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 5})
    services.erhebung_abschliessen(erhebung=erhebung, by=scenario.users["koordination"])
    erhebung.refresh_from_db()
    assert erhebung.status == ErhebungStatus.ABGESCHLOSSEN and erhebung.abgeschlossen_am
    with pytest.raises(ValidationError, match="abgeschlossen"):
        deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 6})
    assert Bedarfsmeldung.objects.get().gesamt == 5
    with pytest.raises(ValidationError, match="bereits abgeschlossen"):
        services.erhebung_abschliessen(erhebung=erhebung, by=scenario.users["koordination"])


@pytest.mark.parametrize("role", ["kommune", "mitglied", "auswertung", "koordination_b"])
def test_only_koordination_of_the_buendnis_closes_a_round(scenario, erhebung, role):
    with pytest.raises(PermissionDenied):
        services.erhebung_abschliessen(erhebung=erhebung, by=scenario.users[role])
    erhebung.refresh_from_db()
    assert erhebung.status == ErhebungStatus.OFFEN


def test_reminder_goes_to_kommunen_that_have_not_delivered(scenario, erhebung, mailoutbox):
    scenario.users["kommune"].email = "a1@example.org"
    scenario.users["kommune"].save()
    scenario.users["kommune_a2"].email = "a2@example.org"
    scenario.users["kommune_a2"].save()
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 5})
    n = services.erhebung_erinnern(erhebung=erhebung, by=scenario.users["koordination"])
    assert n == 1 and [m.to for m in mailoutbox] == [["a2@example.org"]]
    assert "Erhebung 2019" in mailoutbox[0].subject


def test_only_one_open_round_per_buendnis(scenario, erhebung):
    from tests.bedarf.factories import ErhebungFactory

    with pytest.raises(ValidationError, match="offene Erhebung"):
        ErhebungFactory.build(buendnis=scenario.a, titel="Zweite").full_clean()


def test_absurdly_large_counts_are_refused_before_they_reach_the_database(scenario, erhebung):
    werte = figures({"duldung": 5})
    werte[("schulabschluss", "", "keiner", "", "")] = 10**20
    with pytest.raises(ValidationError) as exc:
        services.bedarfsmeldung_speichern(
            erhebung=erhebung,
            kommune=scenario.a1,
            gesamt=5,
            werte=werte,
            version=0,
            by=scenario.users["kommune"],
        )
    assert any("Höchstens 999.999 Personen je Feld" in m for m in exc.value.messages)
    with pytest.raises(ValidationError, match="von 0 bis 999.999"):
        services.bedarfsmeldung_speichern(
            erhebung=erhebung,
            kommune=scenario.a1,
            gesamt=10**12,
            werte={},
            version=0,
            by=scenario.users["kommune"],
        )
    assert not Bedarfsmeldung.objects.exists() and not Meldewert.objects.exists()


@pytest.mark.parametrize("version", [1, 7, 10**30, -1])
def test_a_version_the_meldung_never_had_is_refused_not_a_crash(scenario, erhebung, version):
    with pytest.raises(StaleVersion) as exc:
        services.bedarfsmeldung_speichern(
            erhebung=erhebung,
            kommune=scenario.a1,
            gesamt=5,
            werte=figures({"duldung": 5}),
            version=version,
            by=scenario.users["kommune"],
        )
    assert "passt nicht zur Meldung" in " ".join(exc.value.messages) and exc.value.aktuelle_version == 0
    assert not Bedarfsmeldung.objects.exists()
