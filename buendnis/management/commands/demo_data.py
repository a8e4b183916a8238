"""Loads the demo data of every app (idempotent). Each app contributes `<app>.demo.seed(context, stdout)`."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from buendnis import demo

# Order follows the dependencies: buendnis <- angebote <- bedarf, buendnis <- foerderung.
APP_SEEDERS = ["angebote.demo", "bedarf.demo", "foerderung.demo", "berichte.demo"]


class Command(BaseCommand):
    help = "Lädt die Demodaten (Rhein-Kreis Neuss und Stadt Düsseldorf); mehrfach ausführbar."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Auch bei DEBUG=False ausführen.")
        parser.add_argument("--scale", choices=["nrw"], help="Zusätzlich NRW-weite Massendaten erzeugen.")

    def handle(self, *args, force=False, scale=None, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demodaten nur mit DEBUG=True oder mit --force laden (nie in Produktion).")
        with transaction.atomic():
            context = demo.seed(stdout=self.stdout)
            for module_name in APP_SEEDERS:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                result = module.seed(context, stdout=self.stdout)
                if isinstance(result, dict):
                    context.update(result)
        if scale == "nrw":
            module = import_module("buendnis.scale")
            module.build_nrw(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demodaten geladen. Anmeldungen (Passwort: DEMO_PASSWORD):"))
        for username, beschreibung in demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:<26} {beschreibung}")
