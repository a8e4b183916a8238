"""`manage.py restore --file F [--force]`: loads a backup made by `backup`. Asks no questions (for scripts).

Refuses without --file, and refuses a database that already holds data (any user account or Bündnis) unless
--force is given; with --force the data in the database is replaced by the backup.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from .backup import file_kind, pg_args_and_env, pg_binary

# Tables whose rows mean "this database is in use" (a freshly migrated database holds only reference data).
DATA_TABLES = ("buendnis_user", "buendnis_buendnis")


class Command(BaseCommand):
    help = "Stellt die Datenbank aus einer Sicherung wieder her (nur in eine leere Datenbank, außer mit --force)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="Sicherungsdatei (aus „manage.py backup“). Pflicht.")
        parser.add_argument(
            "--force", action="store_true", help="Auch in eine Datenbank mit Daten einspielen (ersetzt sie)."
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Datenbank-Alias (Standard: default)."
        )

    def handle(self, *args, file=None, force=False, database=DEFAULT_DB_ALIAS, **options):
        if not file:
            raise CommandError("Bitte die Sicherungsdatei mit --file angeben.")
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"Die Sicherungsdatei {source} gibt es nicht.")
        connection = connections[database]
        vendor = connection.vendor
        kind = file_kind(source)
        if kind != vendor:
            raise CommandError(
                f"Die Datei {source} ist keine Sicherung einer {vendor}-Datenbank (erkannt: {kind})."
            )
        if not force and self.has_data(connection):
            raise CommandError(
                "Die Zieldatenbank enthält bereits Daten (Benutzer oder Bündnisse). Wiederherstellung "
                "abgebrochen; mit --force werden die vorhandenen Daten ersetzt."
            )
        if vendor == "postgresql":
            self.restore_postgresql(connection, source)
        else:
            self.restore_sqlite(connection, source)
        self.stdout.write(self.style.SUCCESS(f"Wiederhergestellt aus {source}."))

    @staticmethod
    def has_data(connection) -> bool:
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            for table in DATA_TABLES:
                if table in tables:
                    cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                    if cursor.fetchone():
                        return True
        return False

    def restore_postgresql(self, connection, source: Path) -> None:
        args, env = pg_args_and_env(connection.settings_dict)
        # Our own open connection would only hold locks; pg_restore works on its own connection.
        connection.close()
        command = [
            pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ]
        result = subprocess.run(
            command + args + [str(source)], env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore ist fehlgeschlagen (nichts geändert): {result.stderr.strip()}")

    def restore_sqlite(self, connection, source: Path) -> None:
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise CommandError("Wiederherstellung innerhalb einer offenen Transaktion ist nicht möglich.")
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            # The backup API replaces every page of the target database in one step.
            origin.backup(connection.connection)
        except sqlite3.Error as exc:
            raise CommandError(f"Die SQLite-Wiederherstellung ist fehlgeschlagen: {exc}") from exc
        finally:
            origin.close()
