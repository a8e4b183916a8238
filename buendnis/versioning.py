"""Optimistic locking of versioned rows (offers, Bedarfsmeldungen, Förderanträge) and "what changed since".

A versioned row carries `version`, raised by one on every save. A form remembers the version it was loaded
with; the service locks the row, compares, and refuses a save based on an older version with a German message
naming what changed in between (from the row's simple_history records). Nothing is silently overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from simple_history.models import DeletedObject

M = TypeVar("M", bound=models.Model)

# Bookkeeping that changes on every save and says nothing about the content.
NICHT_VERGLICHEN = frozenset({"version", "created_at", "updated_at"})


class StaleVersion(ValidationError):
    """Someone saved the row after the user loaded it; carries the version now stored."""

    def __init__(self, message, *, aktuelle_version: int):
        super().__init__(message, code="stale")
        self.aktuelle_version = aktuelle_version


def lock(obj: M, queryset: models.QuerySet | None = None) -> M:
    """The stored row again, locked until the transaction ends (two saves queue instead of both passing)."""
    if queryset is None:
        queryset = type(obj)._default_manager.all()
    return queryset.select_for_update().get(pk=obj.pk)


def bump(obj) -> None:
    """Raises the version of a row about to be saved."""
    obj.version = (obj.version or 0) + 1


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class Changes:
    """What happened to a row since version N: the history record that version ended with, the newest record,
    and the fields that differ between the two (with their verbose names)."""

    base: Any | None
    latest: Any | None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def by(self):
        """The person who saved last (None: unknown or the system)."""
        return self.latest.history_user if self.latest is not None else None


def changes_since(obj: models.Model, version: int, *, exclude: Iterable[str] = ()) -> Changes:
    """The changes to `obj` since `version`, read from its history (no field changes when that version left no
    record)."""
    history = obj.history.order_by("-history_date", "-history_id")
    base = history.filter(version=version).first()
    latest = history.select_related("history_user").first()
    if base is None or latest is None:
        return Changes(base=base, latest=latest)
    ignoriert = NICHT_VERGLICHEN | {obj._meta.pk.name} | set(exclude)
    fields = [
        FieldChange(
            field=change.field,
            label=str(obj._meta.get_field(change.field).verbose_name),
            old=change.old,
            new=change.new,
        )
        for change in latest.diff_against(base).changes
        if change.field not in ignoriert
    ]
    return Changes(base=base, latest=latest, fields=fields)


def check_version(current, version: int, *, refusal: Callable[[Changes], str]) -> None:
    """Refuses (StaleVersion) a save based on `version` when `current` (the locked row) has moved on;
    `refusal` words the German message from what changed since."""
    if version == current.version:
        return
    raise StaleVersion(refusal(changes_since(current, version)), aktuelle_version=current.version)


def lesbarer_wert(value: Any) -> Any:
    """A value of a history diff as a reader names it (`diff_against(foreign_keys_are_objs=True)`).

    simple-history puts a `DeletedObject` ("Deleted Benutzer (pk=None)", English) where a related row is gone,
    and also where there was none: an empty reference stays empty, a deleted account is "gelöschtes Konto", a
    person shows by name, not by user name."""
    if isinstance(value, list):  # many-to-many: rows of the through table
        return [
            {k: lesbarer_wert(v) for k, v in row.items()} if isinstance(row, dict) else row for row in value
        ]
    if isinstance(value, DeletedObject):
        if value.pk is None:
            return None
        if issubclass(value.model, get_user_model()):
            return gettext("gelöschtes Konto")
        return gettext("gelöscht (%(art)s)") % {"art": value.model._meta.verbose_name}
    if isinstance(value, get_user_model()):
        return value.anzeigename()
    return value
