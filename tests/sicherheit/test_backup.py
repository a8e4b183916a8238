"""`manage.py backup` / `restore` (make backup / make restore): a dump restored into an empty database holds
every row again. SQLite always; PostgreSQL when the tests run on it (a scratch database of our own)."""

from __future__ import annotations

import datetime
import decimal
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def manage(*args, database_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url})
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _normal(value):
    """One representation for both sides (Django's cursor converts types, a raw connection does not)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return str(value)
    if isinstance(value, (bool, int, float, decimal.Decimal)):
        return str(decimal.Decimal(str(int(value) if isinstance(value, bool) else value)).normalize())
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def rows_of(cursor, tables) -> dict[str, list]:
    result = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT * FROM "{table}"')
        result[table] = sorted((tuple(_normal(v) for v in row) for row in cursor.fetchall()), key=repr)
    return result


def source_rows() -> dict[str, list]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return rows_of(cursor, tables)


def assert_every_row_restored(restored: dict[str, list]):
    original = source_rows()
    assert set(restored) >= set(original)
    for table, rows in original.items():
        assert restored[table] == rows, f"table {table} differs after restore"
    # The scenario really was in the dump.
    assert len(original["buendnis_user"]) >= 9
    assert len(original["buendnis_aufgabe"]) >= 2
    assert original["buendnis_historicalaufgabe"]


# SQLite ------------------------------------------------------------------------------------------------------

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="runs on SQLite")


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten")
def test_sqlite_backup_restored_into_empty_database_holds_every_row(scenario, bestand, tmp_path):
    datei = tmp_path / "sicherung.sqlite3"
    call_command("backup", file=str(datei), verbosity=0)
    assert datei.stat().st_mode & 0o777 == 0o600
    ziel = tmp_path / "leer.sqlite3"
    result = manage("restore", "--file", datei, database_url=f"sqlite:///{ziel}")
    assert result.returncode == 0, result.stderr
    assert "Wiederhergestellt" in result.stdout
    with sqlite3.connect(ziel) as target:
        tables = [r[0] for r in target.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert_every_row_restored(
            rows_of(target.cursor(), [t for t in tables if not t.startswith("sqlite_")])
        )


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten")
def test_restore_refuses_database_with_data_unless_forced(scenario, tmp_path):
    datei = tmp_path / "sicherung.sqlite3"
    call_command("backup", file=str(datei), verbosity=0)
    ziel = tmp_path / "ziel.sqlite3"
    assert manage("restore", "--file", datei, database_url=f"sqlite:///{ziel}").returncode == 0
    with sqlite3.connect(ziel) as target:
        target.execute("UPDATE buendnis_buendnis SET name = 'geändert ' || name")
    refused = manage("restore", "--file", datei, database_url=f"sqlite:///{ziel}")
    assert refused.returncode != 0
    assert "enthält bereits Daten" in refused.stderr
    with sqlite3.connect(ziel) as target:
        assert target.execute(
            "SELECT count(*) FROM buendnis_buendnis WHERE name LIKE 'geändert%'"
        ).fetchone()[0]
    forced = manage("restore", "--file", datei, "--force", database_url=f"sqlite:///{ziel}")
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(ziel) as target:
        assert not target.execute(
            "SELECT count(*) FROM buendnis_buendnis WHERE name LIKE 'geändert%'"
        ).fetchone()[0]


# Refusals (any database) -------------------------------------------------------------------------------------


def test_restore_refuses_without_file(db):
    with pytest.raises(CommandError, match="Bitte die Sicherungsdatei mit --file angeben"):
        call_command("restore")


def test_restore_refuses_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("restore", file=str(tmp_path / "fehlt.dump"))


def test_restore_refuses_file_that_is_no_backup(db, tmp_path):
    datei = tmp_path / "irgendwas.dump"
    datei.write_bytes(b"DROP TABLE buendnis_user;")
    with pytest.raises(CommandError, match="keine Sicherung"):
        call_command("restore", file=str(datei))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten")
def test_restore_refuses_into_database_with_data(scenario, tmp_path):
    datei = tmp_path / "sicherung"
    call_command("backup", file=str(datei), verbosity=0)
    with pytest.raises(CommandError, match="enthält bereits Daten"):
        call_command("restore", file=str(datei))


def test_backup_does_not_overwrite_a_file(db, tmp_path):
    datei = tmp_path / "vorhanden.dump"
    datei.write_bytes(b"alt")
    with pytest.raises(CommandError, match="gibt es schon"):
        call_command("backup", file=str(datei))
    assert datei.read_bytes() == b"alt"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten")
def test_backup_without_file_writes_timestamped_file_into_backup_dir(tmp_path, settings):
    settings.BACKUP_DIR = str(tmp_path / "backups")
    call_command("backup", verbosity=0)
    (datei,) = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"buendnis-\d{8}-\d{6}\.(dump|sqlite3)", datei.name)


# PostgreSQL --------------------------------------------------------------------------------------------------


@pytest.fixture
def leere_pg_datenbank():
    """A scratch database next to the test database, created and dropped here."""
    import psycopg2

    db = connection.settings_dict
    name = f"{db['NAME']}_restore"[:63]
    params = {"host": db.get("HOST") or None, "port": db.get("PORT") or None, "user": db.get("USER") or None}
    params["password"] = db.get("PASSWORD") or None
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    url = f"postgres://{auth}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{name}"
    yield url, lambda: psycopg2.connect(dbname=name, **params)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="runs when DATABASE_URL points to PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten")
def test_postgresql_dump_restored_into_empty_database_holds_every_row(
    scenario, bestand, tmp_path, leere_pg_datenbank
):
    url, connect = leere_pg_datenbank
    datei = tmp_path / "sicherung.dump"
    call_command("backup", file=str(datei), verbosity=0)
    assert datei.read_bytes().startswith(b"PGDMP")
    result = manage("restore", "--file", datei, database_url=url)
    assert result.returncode == 0, result.stderr
    target = connect()
    try:
        with target.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = [r[0] for r in cursor.fetchall()]
            assert_every_row_restored(rows_of(cursor, tables))
    finally:
        target.close()
    # A second restore into the now filled database is refused.
    again = manage("restore", "--file", datei, database_url=url)
    assert again.returncode != 0
    assert "enthält bereits Daten" in again.stderr
