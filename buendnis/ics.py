"""iCalendar (RFC 5545) for meetings and task deadlines, written with the `icalendar` library.

An invitation is METHOD:REQUEST, an update the same with a higher SEQUENCE, a cancellation METHOD:CANCEL with
STATUS:CANCELLED; the UID stays the meeting's, so calendar programs replace the event instead of adding one.
"""

from __future__ import annotations

import datetime

import icalendar
from django.utils import timezone

PRODID = "-//Buendnis-Koordination//DE"


def kalender(events: list[icalendar.Event], methode: str | None = None, name: str = "") -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if methode:
        cal.add("method", methode)
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def sitzung_event(
    sitzung, *, beschreibung: str = "", url: str = "", abgesagt: bool = False, organisator: str = ""
) -> icalendar.Event:
    """The meeting as an event: fixed UID, the meeting's SEQUENCE, begin and end in UTC."""
    event = icalendar.Event()
    event.add("uid", sitzung.ics_uid)
    event.add("sequence", sitzung.ics_sequenz)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", sitzung.beginn)
    event.add("dtend", sitzung.ende_oder_standard)
    event.add("summary", f"{sitzung.titel} ({sitzung.gremium.name})")
    if sitzung.ort:
        event.add("location", sitzung.ort)
    if beschreibung:
        event.add("description", beschreibung)
    if url:
        event.add("url", url)
    if organisator:
        event.add("organizer", f"mailto:{organisator}")
    event.add("status", "CANCELLED" if abgesagt else "CONFIRMED")
    return event


def frist_event(
    uid: str, titel: str, datum: datetime.date, *, beschreibung: str = "", url: str = ""
) -> icalendar.Event:
    """A deadline as an all-day event (Outlook shows all-day events; many programs ignore VTODO)."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datum)
    event.add("dtend", datum + datetime.timedelta(days=1))
    event.add("summary", titel)
    event.add("transp", "TRANSPARENT")
    if beschreibung:
        event.add("description", beschreibung)
    if url:
        event.add("url", url)
    return event
