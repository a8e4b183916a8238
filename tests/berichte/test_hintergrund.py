"""Background exports are tasks on the queue: only a POST starts one, the worker finishes it."""

from __future__ import annotations

import threading

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from berichte.models import Exportauftrag, ExportStatus
from tests.berichte.helpers import body
from tests.worker import DATABASE_TASKS, db_worker_batch

EXPORT_URL = reverse("berichte:export", args=["buendnis", "aufgabe"])


@pytest.mark.parametrize("query", ["?format=xlsx&hintergrund=1", "?format=csv&hintergrund=1&buendnis={a}"])
def test_get_cannot_start_a_background_export(scenario, daten, query):
    response = scenario.client("koordination").get(EXPORT_URL + query.format(a=scenario.a.pk))
    assert response.status_code == 200
    assert b"Export starten" in response.content
    assert not Exportauftrag.objects.exists()


def test_get_of_a_large_export_offers_the_job_instead_of_starting_it(scenario, daten, settings):
    settings.BERICHTE_EXPORT_SYNC_MAX = 0
    response = scenario.client("koordination").get(EXPORT_URL + f"?format=csv&buendnis={scenario.a.pk}")
    assert response.status_code == 200
    inhalt = response.content.decode()
    assert f'action="{EXPORT_URL}"' in inhalt and 'method="post"' in inhalt
    assert f'name="buendnis" value="{scenario.a.pk}"' in inhalt and 'name="format" value="csv"' in inhalt
    assert not Exportauftrag.objects.exists()


POST_EXPORT = {
    "anonym": 302,
    "koordination": 302,
    "auswertung": 302,
    "kommune": 302,
    "land": 302,
    "admin": 302,
    "mitglied": 403,
}


def test_post_starts_a_background_export_role_matrix(scenario, daten, role):
    response = scenario.client(role).post(EXPORT_URL, {"format": "csv"})
    assert response.status_code == POST_EXPORT[role]
    if role == "anonym":
        assert "/anmelden/" in response["Location"]
    if role in ("anonym", "mitglied"):
        assert not Exportauftrag.objects.exists()
        return
    auftrag = Exportauftrag.objects.get()
    assert response["Location"] == auftrag.get_absolute_url()
    assert (auftrag.erstellt_von, auftrag.format, auftrag.status) == (
        scenario.users[role],
        "csv",
        ExportStatus.FERTIG,  # the test settings run tasks at once
    )


def test_post_for_another_buendnis_is_404_and_starts_nothing(scenario, daten):
    response = scenario.client("koordination").post(EXPORT_URL, {"format": "csv", "buendnis": scenario.b.pk})
    assert response.status_code == 404
    assert not Exportauftrag.objects.exists()


def test_post_without_csrf_token_starts_nothing(scenario, daten):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["koordination"])
    assert client.post(EXPORT_URL, {"format": "xlsx"}).status_code == 403
    assert not Exportauftrag.objects.exists()


def test_background_button_on_the_export_page_posts_with_the_token(scenario, daten):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["koordination"])
    page = client.get(reverse("berichte:export-uebersicht"))
    inhalt = page.content.decode()
    assert f'<form method="post" action="{EXPORT_URL}"' in inhalt
    assert "hintergrund=1" not in inhalt
    response = client.post(
        EXPORT_URL, {"format": "xlsx", "csrfmiddlewaretoken": str(page.context["csrf_token"])}
    )
    assert response.status_code == 302
    assert Exportauftrag.objects.get().status == ExportStatus.FERTIG


def test_export_survives_the_web_process_being_stopped(referenzdaten, scenario, daten, settings):
    """The request only queues the job; the worker, a process of its own, produces the file afterwards."""
    settings.TASKS = DATABASE_TASKS
    client = scenario.client("koordination")
    threads = threading.active_count()
    response = client.post(EXPORT_URL, {"format": "csv"})
    auftrag = Exportauftrag.objects.get()
    assert response["Location"] == auftrag.get_absolute_url()
    # Nothing runs in the web process: no thread, the job waits in the queue.
    assert threading.active_count() == threads
    assert auftrag.status == ExportStatus.WARTEND
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == (
        "berichte.tasks.exportauftrag_ausfuehren",
        TaskResultStatus.READY,
    )
    assert client.get(reverse("berichte:exportauftrag-status", args=[auftrag.pk])).json()["fertig"] is False
    # The web process goes away; what it queued is in the database.
    del client

    db_worker_batch()

    auftrag.refresh_from_db()
    assert (auftrag.status, auftrag.fortschritt, auftrag.zeilen) == (ExportStatus.FERTIG, 100, 3)
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    client = scenario.client("koordination")
    datei = client.get(reverse("berichte:exportauftrag-download", args=[auftrag.pk]))
    assert datei.status_code == 200
    assert "Forenleitungen benennen" in body(datei).decode("utf-8-sig")


def test_failing_export_is_visible_on_the_job_and_in_the_task_result(
    referenzdaten, scenario, daten, settings, monkeypatch
):
    from berichte import exporte

    def kaputt(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(exporte, "csv_stream", kaputt)
    settings.TASKS = DATABASE_TASKS
    scenario.client("koordination").post(EXPORT_URL, {"format": "csv"})
    db_worker_batch()
    auftrag = Exportauftrag.objects.get()
    assert auftrag.status == ExportStatus.FEHLER
    assert "fehlgeschlagen" in auftrag.fehler
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "builtins.RuntimeError"
