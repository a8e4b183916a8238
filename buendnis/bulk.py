"""Bulk writing for large row counts: PostgreSQL COPY with ids reserved from the table's sequence, and the
creation history rows beside them; `bulk_create` elsewhere (SQLite). Used by the offer import and the NRW data
generator."""

from __future__ import annotations

import datetime
import io

from django.db import connection, models
from django.utils import timezone


def _pg_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class Tabelle:
    """Fast writer for the bulk of rows (plain dicts keyed by attname), with their creation history.

    On PostgreSQL rows go in with COPY and ids are taken from the table's sequence beforehand, so related rows
    can point to them without a round trip; elsewhere (SQLite in tests) through `bulk_create`. Columns a row
    leaves out get the field's default (or "" / NULL / now for blank, nullable and auto_now fields), so a
    field another app adds later does not break the build.
    """

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.pk = model._meta.pk.attname
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        self.history_model = getattr(model, attr).model if attr else None
        self.hist = Tabelle(self.history_model) if self.history_model is not None else None
        jetzt = timezone.now()
        self.defaults = {}
        for field in self.fields:
            if field.attname == self.pk:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = jetzt
            elif field.has_default():
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None
            elif isinstance(field, models.CharField | models.TextField):
                self.defaults[field.attname] = ""
        self.postgres = connection.vendor == "postgresql"
        self._next = None

    def ids(self, n: int) -> list[int]:
        """Reserves `n` primary keys."""
        if n <= 0:
            return []
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.model._meta.db_table, self.model._meta.pk.column, n],
                )
                return [row[0] for row in cursor.fetchall()]
            if self._next is None:
                cursor.execute(
                    f"SELECT COALESCE(MAX({self.model._meta.pk.column}), 0) FROM {self.model._meta.db_table}"
                )
                self._next = cursor.fetchone()[0] + 1
        first, self._next = self._next, self._next + n
        return list(range(first, first + n))

    def schreiben(
        self, rows: list[dict], *, historie: str | None = "", user_id=None, datum=None
    ) -> list[dict]:
        """Writes `rows` (ids are added where missing) and returns them; with `historie` not "" also one
        creation history row each, dated by the row's column `historie` or `datum`. Returns the history rows
        when history was written, else the rows."""
        if not rows:
            return []
        ohne_id = [row for row in rows if row.get(self.pk) is None]
        for row, pk in zip(ohne_id, self.ids(len(ohne_id)), strict=True):
            row[self.pk] = pk
        werte = [
            [row[f.attname] if f.attname in row else self.defaults[f.attname] for f in self.fields]
            for row in rows
        ]
        self._schreibe_werte(werte)
        if historie == "" or self.hist is None:
            return rows
        jetzt = datum or timezone.now()
        getrackt = {f.attname for f in self.history_model.tracked_fields}
        hist_rows = [
            {
                **{
                    name: wert
                    for name, wert in zip((f.attname for f in self.fields), w, strict=True)
                    if name in getrackt
                },
                "history_date": row.get(historie, jetzt) if historie else jetzt,
                "history_type": "+",
                "history_change_reason": None,
                "history_user_id": user_id,
            }
            for row, w in zip(rows, werte, strict=True)
        ]
        return self.hist.schreiben(hist_rows)

    def _schreibe_werte(self, werte: list[list]) -> None:
        if self.postgres:
            buffer = io.StringIO()
            for zeile in werte:
                buffer.write("\t".join(_pg_text(v) for v in zeile))
                buffer.write("\n")
            buffer.seek(0)
            spalten = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({spalten}) FROM STDIN",
                    buffer,
                )
            return
        namen = [f.attname for f in self.fields]
        self.model.objects.bulk_create(
            [self.model(**dict(zip(namen, zeile, strict=True))) for zeile in werte], batch_size=500
        )
