"""Keeps the missing quarterly values of the agreed targets' computed indicators for every quarter end that has
passed (the daily check only catches up the last quarter): after a long pause of the worker, or once for old
data. Idempotent: values kept once stay."""

from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_date

from berichte import services


class Command(BaseCommand):
    help = (
        "Hält die berechneten Werte der Indikatoren vereinbarter Zielsetzungen zu allen vergangenen Quartalsenden "
        "fest, die noch fehlen (mehrfach ausführbar)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bis", help="Nur Quartalsenden vor diesem Tag (JJJJ-MM-TT); ohne Angabe: vor heute.", default=""
        )

    def handle(self, *args, bis="", **options):
        heute = parse_date(bis) if bis else None
        ergebnis = services.quartalswerte_nachtragen(heute=heute)
        for stichtag, anzahl in ergebnis.items():
            if anzahl:
                self.stdout.write(f"  {stichtag:%d.%m.%Y}: {anzahl} Werte festgehalten")
        self.stdout.write(
            self.style.SUCCESS(
                f"Quartalswerte nachgetragen: {sum(ergebnis.values())} Werte an {len(ergebnis)} Quartalsenden."
            )
        )
