"""A trigram index on the Akteur's name for the catalogue search on PostgreSQL (issue 18).

The search looks up the Träger whose name holds each word before it filters the offers (`angebote.filters.suche`):
without an index PostgreSQL read all 27,000 Akteure of the country for every word (10 ms each on all-Germany data),
with it a rare word costs 0.1 ms. `icontains` reads `UPPER(name::text) LIKE UPPER('%wort%')`, so the index is on
exactly that expression. pg_trgm is a trusted extension (PostgreSQL 13+); where it cannot be created nothing is done
and the search works as before. SQLite: nothing to do."""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

NAME = "akteur_name_trgm"


def anlegen(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no right to create the extension: search without the index
        logger.warning("pg_trgm fehlt: die Trägersuche läuft ohne Trigramm-Index.", exc_info=True)
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "buendnis_akteur" USING gin (UPPER("name"::text) gin_trgm_ops)'
    )


def entfernen(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("buendnis", "0010_regierungsbezirke_deutschland")]

    operations = [migrations.RunPython(anlegen, entfernen)]
