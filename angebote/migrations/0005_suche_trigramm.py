"""Trigram indexes for the catalogue search on PostgreSQL (substring search over 50,000 offers).

`icontains` reads `UPPER(col::text) LIKE UPPER('%wort%')`; GIN indexes with pg_trgm on exactly these expressions
let PostgreSQL find the matching offers without reading every row. pg_trgm is a trusted extension (PostgreSQL 13+):
the database owner may create it. Where it cannot be created the search still works, only without the indexes.
SQLite: nothing to do.
"""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)

INDEXE = {
    "angebot_titel_trgm": 'UPPER("titel"::text)',
    "angebot_beschreibung_trgm": 'UPPER("beschreibung"::text)',
}


def anlegen(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no right to create the extension: search without the indexes
        logger.warning("pg_trgm fehlt: die Katalogsuche läuft ohne Trigramm-Indizes.", exc_info=True)
        return
    for name, ausdruck in INDEXE.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "angebote_angebot" USING gin ({ausdruck} gin_trgm_ops)'
        )


def entfernen(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXE:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("angebote", "0004_status_bestaetigt_index")]

    operations = [migrations.RunPython(anlegen, entfernen)]
