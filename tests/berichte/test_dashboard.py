"""The report panel on the dashboard."""

from __future__ import annotations

from django.urls import reverse

from berichte import services
from tests.berichte.conftest import BIS, VON


def test_panel_per_role(scenario, daten, role):
    services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    response = scenario.client(role).get(reverse("buendnis:dashboard"))
    if role == "anonym":
        assert response.status_code == 302
        return
    content = response.content.decode()
    assert response.status_code == 200
    if role == "mitglied":
        assert "Berichte und Exporte" not in content
    else:
        assert "Berichte und Exporte" in content
        assert "Sachstandsbericht Rhein-Kreis Test" in content
    assert ("Sachstandsbericht erzeugen" in content) == (role in ("koordination", "auswertung", "admin"))


def test_panel_hides_other_buendnis_reports(scenario, daten):
    services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    content = scenario.client("koordination_b").get(reverse("buendnis:dashboard")).content.decode()
    assert "Sachstandsbericht Rhein-Kreis Test" not in content
