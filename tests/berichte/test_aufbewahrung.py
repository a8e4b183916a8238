"""Kept reports do not change afterwards; old export jobs are cleaned up."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from berichte import services
from berichte.models import Exportauftrag, ExportStatus
from buendnis.models import Gremium
from tests.berichte.conftest import BIS, VON


def test_kept_report_stays_as_generated(scenario, daten):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    html = bericht.datei_html.read()
    Gremium.objects.filter(pk=daten.forum.pk).update(name="Umbenanntes Forum")
    bericht.refresh_from_db()
    assert bericht.datei_html.open("rb").read() == html
    assert b"Umbenanntes Forum" not in html
    page = scenario.client("koordination").get(bericht.get_absolute_url()).content
    assert "Deutschförderung".encode() in page and b"Umbenanntes Forum" not in page


def test_stored_html_carries_the_print_stylesheet(scenario, daten):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    html = bericht.datei_html.read().decode()
    assert "@page" in html and "counter(page)" in html
    assert "break-before: page" in html
    assert "<script" not in html


def test_cleanup_removes_old_jobs_and_ends_hanging_ones(scenario):
    user = scenario.users["koordination"]
    alt = Exportauftrag.objects.create(
        erstellt_von=user, art="buendnis.aufgabe", format="csv", status=ExportStatus.FERTIG
    )
    alt.datei.save("alt.csv", ContentFile(b"x"))
    haengt = Exportauftrag.objects.create(
        erstellt_von=user, art="buendnis.aufgabe", format="csv", status=ExportStatus.LAEUFT
    )
    frisch = Exportauftrag.objects.create(
        erstellt_von=user, art="buendnis.aufgabe", format="csv", status=ExportStatus.LAEUFT
    )
    vor_zehn_tagen = timezone.now() - datetime.timedelta(days=10)
    Exportauftrag.objects.filter(pk=alt.pk).update(created_at=vor_zehn_tagen)
    Exportauftrag.objects.filter(pk=haengt.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=3))
    call_command("exporte_aufraeumen")
    assert not Exportauftrag.objects.filter(pk=alt.pk).exists()
    haengt.refresh_from_db()
    frisch.refresh_from_db()
    assert haengt.status == ExportStatus.FEHLER and "unterbrochen" in haengt.fehler
    assert frisch.status == ExportStatus.LAEUFT
