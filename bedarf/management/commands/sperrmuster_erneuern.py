"""Renews the audited suppression patterns of survey rounds (after a change of BEDARF_MIN_COUNT, of the published
tables or of the lookups): on the task queue, or here with --sofort."""

from django.core.management.base import BaseCommand

from bedarf import sperrmuster
from bedarf.models import Erhebung
from bedarf.tasks import sperrmuster_erneuern


class Command(BaseCommand):
    help = "Erneuert die geprüfte Geheimhaltung (Sperrmuster) der Erhebungen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--erhebung", type=int, action="append", help="nur diese Erhebung (mehrfach möglich)"
        )
        parser.add_argument("--sofort", action="store_true", help="hier rechnen statt im Hintergrunddienst")

    def handle(self, *args, erhebung=None, sofort=False, **options):
        runden = Erhebung.objects.order_by("pk")
        if erhebung:
            runden = runden.filter(pk__in=erhebung)
        for runde in runden:
            if sofort:
                muster = sperrmuster.erneuern(runde.pk)
                self.stdout.write(
                    f"{runde}: {muster.anzahl_gesperrt} von {muster.zellen} Feldern gesperrt, {muster.sekunden:.1f} s"
                )
            else:
                sperrmuster_erneuern.enqueue(runde.pk)
                self.stdout.write(f"{runde}: an den Hintergrunddienst übergeben")
