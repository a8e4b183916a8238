"""`manage.py backup [--file F]`: a consistent copy of the whole database.

PostgreSQL: `pg_dump` in custom format (restore with `pg_restore`, see `restore`). SQLite: the SQLite online
backup API, safe while the application runs. Default file: var/backups/buendnis-<timestamp>.<dump|sqlite3>.
Uploaded documents (MEDIA_ROOT) are files and are backed up with the file system, not here.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


def pg_binary(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise CommandError(
            f"Das Programm „{name}“ wurde nicht gefunden. Bitte die PostgreSQL-Client-Werkzeuge installieren "
            f"(Debian/Ubuntu: apt-get install postgresql-client)."
        )
    return path


def pg_args_and_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from settings.DATABASES; the password only via env."""
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def file_kind(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return "unbekannt"


class Command(BaseCommand):
    help = "Sichert die Datenbank in eine Datei (PostgreSQL: pg_dump-Format „custom“; SQLite: Dateikopie)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", help="Zieldatei (Standard: var/backups/buendnis-<Zeitstempel>.<Endung>)."
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Datenbank-Alias (Standard: default)."
        )

    def handle(self, *args, file=None, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        vendor = connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise CommandError(f"Sicherung für die Datenbank „{vendor}“ wird nicht unterstützt.")
        target = Path(file) if file else self.default_path(vendor)
        if target.exists():
            raise CommandError(f"Die Datei {target} gibt es schon; bitte einen anderen Namen wählen.")
        target.parent.mkdir(parents=True, exist_ok=True)
        if vendor == "postgresql":
            self.dump_postgresql(connection, target)
        else:
            self.dump_sqlite(connection, target)
        # The dump holds password hashes and personal data: readable by the owner only.
        target.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(f"Sicherung geschrieben: {target} ({target.stat().st_size} Bytes)")
        )
        return None

    def default_path(self, vendor: str) -> Path:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        suffix = "dump" if vendor == "postgresql" else "sqlite3"
        directory = Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "var" / "backups"))
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        return directory / f"buendnis-{stamp}.{suffix}"

    def dump_postgresql(self, connection, target: Path) -> None:
        args, env = pg_args_and_env(connection.settings_dict)
        command = [
            pg_binary("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
        ]
        result = subprocess.run(command + args, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise CommandError(f"pg_dump ist fehlgeschlagen: {result.stderr.strip()}")

    def dump_sqlite(self, connection, target: Path) -> None:
        if connection.in_atomic_block:
            # SQLite would wait forever for our own write lock.
            raise CommandError("Sicherung innerhalb einer offenen Transaktion ist nicht möglich.")
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # Through Django's own connection, so an in-memory database (tests) can be saved too.
            connection.connection.backup(destination)
        except sqlite3.Error as exc:
            destination.close()
            target.unlink(missing_ok=True)
            raise CommandError(f"Die SQLite-Sicherung ist fehlgeschlagen: {exc}") from exc
        destination.close()
