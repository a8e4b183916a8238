"""Times in lists are Europe/Berlin, as on the detail pages (issue 17: the list showed UTC, an hour early)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from buendnis.templatetags.buendnis_tags import feld
from tests.factories import GremiumFactory, SitzungFactory

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("beginn", "angezeigt"),
    [
        # Winter (UTC+1) and summer (UTC+2): the hour the meeting was entered for.
        (datetime.datetime(2027, 1, 14, 10, 0, tzinfo=BERLIN), "14. Januar 2027 10:00"),
        (datetime.datetime(2019, 6, 27, 14, 0, tzinfo=BERLIN), "27. Juni 2019 14:00"),
    ],
)
def test_meeting_list_shows_the_local_time(scenario, beginn, angezeigt):
    gremium = GremiumFactory(buendnis=scenario.a)
    SitzungFactory(gremium=gremium, titel="Kerngruppe", beginn=beginn.astimezone(datetime.UTC))
    seite = scenario.client("koordination").get(reverse("buendnis:sitzung-list")).content.decode()
    assert angezeigt in seite


def test_generic_cells_convert_aware_times_and_leave_dates_alone():
    class Zeile:
        zeit = datetime.datetime(2027, 1, 14, 9, 0, tzinfo=datetime.UTC)
        tag = datetime.date(2027, 1, 14)

    assert feld(Zeile(), "zeit") == "14. Januar 2027 10:00"
    assert feld(Zeile(), "tag") == "14. Januar 2027"
