"""`manage.py benachrichtigungen_pruefen [--datum JJJJ-MM-TT] [--einplanen]`: the daily run of notifications.

Without options it runs the daily run once, now: deadlines of tasks, the checks the apps registered (drawdowns,
proofs of use), the daily digest. `--einplanen` runs nothing; it makes sure one daily run (06:30 local time) waits
in the task queue, which then plans each next one itself. `make run` and `make serve` call it before the worker
starts; calling it again adds no second run.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from buendnis.benachrichtigungen import taeglicher_lauf
from buendnis.tasks import naechsten_lauf_einplanen, taeglicher_lauf_task


class Command(BaseCommand):
    help = "Prüft Fristen und verschickt die tägliche Zusammenfassung der Benachrichtigungen (oder plant es ein)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--einplanen",
            action="store_true",
            help="Nichts jetzt prüfen, nur sicherstellen, dass der tägliche Lauf in der Warteschlange steht.",
        )
        parser.add_argument("--datum", help="Stichtag der Prüfung (JJJJ-MM-TT), sonst heute.")

    def handle(self, *args, einplanen: bool, datum: str | None, **options):
        if einplanen:
            termin = naechsten_lauf_einplanen()
            if termin is not None:
                self.stdout.write(f"Täglicher Lauf eingeplant für {termin:%d.%m.%Y %H:%M}.")
            elif taeglicher_lauf_task.get_backend().supports_defer:
                self.stdout.write("Der tägliche Lauf steht bereits in der Warteschlange.")
            else:
                self.stdout.write(
                    "Diese Warteschlange kann keine Aufgabe für später vormerken; "
                    "bitte „manage.py benachrichtigungen_pruefen“ täglich aufrufen (z. B. per cron)."
                )
            return
        heute = None
        if datum:
            try:
                heute = datetime.date.fromisoformat(datum)
            except ValueError as exc:
                raise CommandError("Bitte das Datum als JJJJ-MM-TT angeben.") from exc
        ergebnis = taeglicher_lauf(heute)
        self.stdout.write(
            "Täglicher Lauf vom {heute}: {a} Aufgabenhinweise, {p} Fristhinweise, {z} Zusammenfassungen, "
            "{f} Fehler.".format(
                heute=ergebnis["heute"],
                a=ergebnis.get("aufgaben", 0) or 0,
                p=ergebnis.get("pruefungen", 0),
                z=ergebnis.get("zusammenfassungen", 0) or 0,
                f=ergebnis["fehler"],
            )
        )
        if ergebnis["fehler"]:
            raise CommandError(
                "Mindestens ein Schritt des täglichen Laufs ist fehlgeschlagen (siehe Protokoll)."
            )
