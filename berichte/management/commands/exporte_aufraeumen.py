"""Removes old background export files and marks jobs and reports whose worker died mid-way as failed."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from berichte.models import Bericht, Exportauftrag, ExportStatus


class Command(BaseCommand):
    help = "Löscht Exportdateien älter als --tage Tage und beendet hängende Exportaufträge und Berichte."

    def add_arguments(self, parser):
        parser.add_argument(
            "--tage", type=int, default=7, help="Aufbewahrungsdauer der Exportdateien in Tagen."
        )
        parser.add_argument(
            "--stunden", type=int, default=2, help="Ab wann ein laufender Auftrag als hängend gilt."
        )

    def handle(self, *args, tage=7, stunden=2, **options):
        jetzt = timezone.now()
        haengend = 0
        # Export jobs and reports (kept: one that hangs fails visibly and can be started again from its page).
        for model, fehler in (
            (Exportauftrag, _("Der Export wurde unterbrochen. Bitte starten Sie ihn erneut.")),
            (Bericht, _("Die Erzeugung des Berichts wurde unterbrochen. Bitte starten Sie sie erneut.")),
        ):
            haengend += model.objects.filter(
                status__in=[ExportStatus.WARTEND, ExportStatus.LAEUFT],
                updated_at__lt=jetzt - datetime.timedelta(hours=stunden),
            ).update(status=ExportStatus.FEHLER, fehler=fehler, updated_at=jetzt)
        alt = Exportauftrag.objects.filter(created_at__lt=jetzt - datetime.timedelta(days=tage))
        geloescht = 0
        for auftrag in alt.iterator(chunk_size=500):
            if auftrag.datei:
                auftrag.datei.delete(save=False)
            auftrag.delete()
            geloescht += 1
        self.stdout.write(f"{geloescht} alte Exportaufträge gelöscht, {haengend} hängende beendet.")
