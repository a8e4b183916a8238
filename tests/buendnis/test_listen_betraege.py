"""Figures in the generic lists and the change history as people here read them: money with thousands separators,
decimal comma and €, other decimals German without €, right-aligned."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone

from angebote.models import Angebot
from buendnis.templatetags.buendnis_tags import _anzeige, feld, html_zeit, ist_geld, zelle
from foerderung.models import Budget
from tests.foerderung.factories import VerteilungFactory


def test_money_field_is_shown_as_euro():
    budget = Budget(betrag=Decimal("4400000.00"))
    assert feld(budget, "betrag") == "4.400.000,00 €"
    assert zelle(budget, "betrag").zahl is True


def test_other_decimals_are_german_without_euro():
    angebot = Angebot(stunden_pro_woche=Decimal("12.5"), kosten=Decimal("1250.00"))
    assert feld(angebot, "stunden_pro_woche") == "12,5"
    assert feld(angebot, "kosten") == "1.250,00 €"


def test_money_is_the_money_shape_unless_the_field_says_otherwise():
    assert ist_geld(Budget._meta.get_field("betrag"))
    assert not ist_geld(Angebot._meta.get_field("stunden_pro_woche"))
    wert = models.DecimalField(max_digits=14, decimal_places=2)
    wert.geld = False
    assert not ist_geld(wert)
    prozent = models.DecimalField(max_digits=5, decimal_places=2)
    prozent.geld = True
    assert ist_geld(prozent)


def test_years_and_counts_are_not_grouped():
    budget = Budget(jahr=2026)
    assert feld(budget, "jahr") == 2026
    assert zelle(budget, "jahr").zahl is True
    assert zelle(budget, "bemerkung").zahl is False


def test_history_shows_amounts_in_german():
    feld_betrag = Budget._meta.get_field("betrag")
    assert _anzeige(feld_betrag, Decimal("1234.5")) == "1.234,50 €"
    assert _anzeige(Angebot._meta.get_field("stunden_pro_woche"), Decimal("7.5")) == "7,5"


def test_generic_list_shows_amounts_formatted_and_right_aligned(scenario):
    VerteilungFactory(gesamtbetrag=Decimal("4400000.00"))
    inhalt = scenario.client("land").get(reverse("foerderung:verteilung-list")).content.decode()
    assert '<td class="zahl">4.400.000,00 €</td>' in inhalt
    assert "4400000,00" not in inhalt and "4400000.00" not in inhalt


def test_html_time_attribute_has_no_microseconds():
    zeit = timezone.make_aware(datetime.datetime(2027, 1, 14, 10, 0, 0, 123456))
    assert html_zeit(zeit) == "2027-01-14T10:00:00+01:00"
    assert html_zeit(datetime.date(2027, 1, 14)) == "2027-01-14"
