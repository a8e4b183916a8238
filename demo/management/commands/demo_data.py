"""Loads the demo data of every app (idempotent): `demo.buendnis` first, then each app's seeder in order."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import angebote, bedarf, berichte, buendnis, foerderung, ziele
from demo.scale import MASSSTAEBE, build

# Order follows the dependencies: buendnis <- angebote <- bedarf, buendnis <- foerderung; berichte reads them all;
# the targets (ziele) are computed from all of them.
APP_SEEDERS = [angebote, bedarf, foerderung, berichte, ziele]


class Command(BaseCommand):
    help = "Lädt die Demodaten (Rhein-Kreis Neuss und Stadt Düsseldorf); mehrfach ausführbar."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Auch bei DEBUG=False ausführen.")
        parser.add_argument(
            "--scale",
            choices=list(MASSSTAEBE),
            help="Zusätzlich Massendaten erzeugen: nrw (ganz NRW) oder de (ganz Deutschland).",
        )

    def handle(self, *args, force=False, scale=None, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demodaten nur mit DEBUG=True oder mit --force laden (nie in Produktion).")
        with transaction.atomic():
            context = buendnis.seed(stdout=self.stdout)
            for seeder in APP_SEEDERS:
                result = seeder.seed(context, stdout=self.stdout)
                if isinstance(result, dict):
                    context.update(result)
        if scale:
            build(scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demodaten geladen. Anmeldungen (Passwort: DEMO_PASSWORD):"))
        for username, beschreibung in buendnis.DEMO_LOGINS:
            self.stdout.write(f"  {username:<26} {beschreibung}")
