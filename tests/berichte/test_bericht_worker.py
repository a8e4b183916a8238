"""A Sachstandsbericht is put together by the task worker: the request only orders it, failures show and can be
started again."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from berichte import services, tasks
from berichte.models import Bericht, ExportStatus
from tests.berichte.conftest import BIS, VON
from tests.berichte.test_sachstandsbericht import post_daten
from tests.worker import DATABASE_TASKS, db_worker_batch

CREATE_URL = reverse("berichte:bericht-create")


def _kaputt(*args, **kwargs):
    raise RuntimeError("boom")


def test_report_is_made_by_the_worker_after_the_request(referenzdaten, scenario, daten, settings):
    settings.TASKS = DATABASE_TASKS
    client = scenario.client("koordination")
    response = client.post(CREATE_URL, post_daten())
    bericht = Bericht.objects.get()
    assert response["Location"] == bericht.get_absolute_url()
    # The request recorded the order and queued it; no content, no files yet.
    assert (bericht.status, bericht.inhalt, bool(bericht.datei_pdf)) == (ExportStatus.WARTEND, {}, False)
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == ("berichte.tasks.bericht_ausfuehren", TaskResultStatus.READY)
    seite = client.get(bericht.get_absolute_url()).content.decode()
    assert "wird im Hintergrund erzeugt" in seite and "berichte_bericht.js" in seite
    assert "Zur Sitzung des Ausschusses." not in seite
    status = client.get(reverse("berichte:bericht-status", args=[bericht.pk])).json()
    assert (status["status"], status["fertig"], status["fehler"]) == ("wartend", False, "")
    # The web process goes away; the worker finishes the report.
    del client

    db_worker_batch()

    bericht.refresh_from_db()
    assert bericht.status == ExportStatus.FERTIG and bericht.fertig_am is not None
    assert bericht.abschnitte == ["buendnis", "sitzungen", "aufgaben"]
    assert bericht.inhalt["einleitung"] == "Zur Sitzung des Ausschusses."
    assert bericht.datei_pdf.read().startswith(b"%PDF")
    assert bericht.datei_docx.read().startswith(b"PK")
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    client = scenario.client("koordination")
    seite = client.get(bericht.get_absolute_url()).content.decode()
    assert "Zur Sitzung des Ausschusses." in seite and "berichte_bericht.js" not in seite
    assert client.get(reverse("berichte:bericht-download", args=[bericht.pk, "pdf"])).status_code == 200
    assert client.get(reverse("berichte:bericht-status", args=[bericht.pk])).json()["fertig"] is True


def test_failing_report_is_visible_and_can_be_started_again(
    referenzdaten, scenario, daten, settings, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(tasks, "render_pdf", _kaputt)
    client = scenario.client("koordination")
    client.post(CREATE_URL, post_daten())
    db_worker_batch()
    bericht = Bericht.objects.get()
    assert bericht.status == ExportStatus.FEHLER
    assert bericht.fehler == (
        "Der Bericht konnte nicht erzeugt werden (RuntimeError). Bitte versuchen Sie es erneut."
    )
    # Nothing half-written: no content, no file of the failed run.
    assert (bericht.inhalt, bool(bericht.datei_html), bool(bericht.datei_docx)) == ({}, False, False)
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    seite = client.get(bericht.get_absolute_url()).content.decode()
    assert bericht.fehler in seite and "Erneut erzeugen" in seite
    assert (
        client.get(reverse("berichte:bericht-status", args=[bericht.pk])).json()["fehler"] == bericht.fehler
    )

    monkeypatch.undo()
    response = client.post(reverse("berichte:bericht-wiederholen", args=[bericht.pk]), follow=True)
    assert "Der Bericht wird erneut erzeugt." in response.content.decode()
    bericht.refresh_from_db()
    assert (bericht.status, bericht.fehler) == (ExportStatus.WARTEND, "")
    db_worker_batch()
    bericht.refresh_from_db()
    assert bericht.status == ExportStatus.FERTIG
    assert bericht.datei_pdf.read().startswith(b"%PDF")
    assert bericht.inhalt["einleitung"] == "Zur Sitzung des Ausschusses."


@pytest.fixture
def fehlgeschlagen(scenario, daten, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(tasks, "render_pdf", _kaputt)
        bericht = services.bericht_erzeugen(
            buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
        )
    assert bericht.status == ExportStatus.FEHLER
    return bericht


WIEDERHOLEN = {
    "anonym": 302,
    "koordination": 302,
    "auswertung": 302,
    "admin": 302,
    "kommune": 403,
    "land": 403,
    "mitglied": 403,
}


def test_start_again_role_matrix(scenario, fehlgeschlagen, role):
    response = scenario.client(role).post(reverse("berichte:bericht-wiederholen", args=[fehlgeschlagen.pk]))
    assert response.status_code == WIEDERHOLEN[role]
    fehlgeschlagen.refresh_from_db()
    erneut = role in ("koordination", "auswertung", "admin")
    # The test settings run tasks at once: started again, the report is finished.
    assert fehlgeschlagen.status == (ExportStatus.FERTIG if erneut else ExportStatus.FEHLER)


def test_start_again_is_post_only_and_stays_in_its_alliance(scenario, fehlgeschlagen):
    url = reverse("berichte:bericht-wiederholen", args=[fehlgeschlagen.pk])
    assert scenario.client("koordination").get(url).status_code == 405
    assert scenario.client("koordination_b").post(url).status_code == 404
    assert (
        scenario.client("koordination_b")
        .get(reverse("berichte:bericht-status", args=[fehlgeschlagen.pk]))
        .status_code
        == 404
    )
    fehlgeschlagen.refresh_from_db()
    assert fehlgeschlagen.status == ExportStatus.FEHLER


def test_a_finished_report_is_not_made_again(scenario, daten):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    erzeugt = bericht.fertig_am
    response = scenario.client("koordination").post(
        reverse("berichte:bericht-wiederholen", args=[bericht.pk]), follow=True
    )
    assert "Nur ein fehlgeschlagener Bericht kann erneut erzeugt werden." in response.content.decode()
    bericht.refresh_from_db()
    assert (bericht.status, bericht.fertig_am) == (ExportStatus.FERTIG, erzeugt)
    # A second delivery of the task leaves a finished report alone.
    tasks.bericht_ausfuehren.call(bericht.pk)
    bericht.refresh_from_db()
    assert bericht.fertig_am == erzeugt


def test_cleanup_ends_a_report_whose_worker_died(scenario, daten, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    haengt = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    frisch = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    Bericht.objects.filter(pk=haengt.pk).update(
        status=ExportStatus.LAEUFT, updated_at=timezone.now() - datetime.timedelta(hours=3)
    )
    call_command("exporte_aufraeumen")
    haengt.refresh_from_db()
    frisch.refresh_from_db()
    assert haengt.status == ExportStatus.FEHLER and "unterbrochen" in haengt.fehler
    assert frisch.status == ExportStatus.WARTEND
