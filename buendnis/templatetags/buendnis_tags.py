from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from buendnis import inhalt, registry

register = template.Library()


def zeitpunkt(value: datetime.date | datetime.datetime) -> str:
    """A date or time as people here read it: an aware time in Europe/Berlin (`TIME_ZONE`), not in UTC.

    Django's templates convert `{{ value }}` themselves; values formatted in Python must do it here."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.localize(value)


@register.filter
def html_zeit(value) -> str:
    """The `datetime` attribute of `<time>`: ISO 8601 in local time to the second (HTML allows no microseconds,
    which `|date:"c"` writes), e.g. 2027-01-14T10:00:00+01:00; a date as 2027-01-14."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.inclusion_tag("includes/export_links.html", takes_context=True)
def export_links(context, app_label: str, model_name: str):
    """Export buttons (XLSX, CSV, JSON) for a staff list: `{% export_links "buendnis" "aufgabe" %}`.

    Shown only when the model is registered for export, an app provides the export view and the user may export
    it; the current filter query string is not applied (exports cover the user's whole scope).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    eintrag = registry.export(f"{app_label}.{model_name}".lower())
    ansicht = registry.exportansicht()
    if user is None or eintrag is None or ansicht is None or not eintrag.darf(user):
        return {"eintrag": None}
    url = reverse(ansicht, args=[eintrag.app_label, eintrag.model_name])
    return {
        "eintrag": eintrag,
        # CSV with semicolons for German Excel, and with commas for other programs.
        "formate": [
            ("XLSX", f"{url}?format=xlsx"),
            ("CSV", f"{url}?format=csv"),
            (gettext("CSV (Komma)"), f"{url}?format=csv&trennzeichen=komma"),
            ("JSON", f"{url}?format=json"),
        ],
    }


def ist_geld(field) -> bool:
    """Whether a model field holds money. A field may say so itself (`field.geld = True` or `False`, set where it
    is declared); otherwise money is the house's money shape, `DecimalField(max_digits=14, decimal_places=2)`."""
    geld = getattr(field, "geld", None)
    if geld is not None:
        return bool(geld)
    return isinstance(field, models.DecimalField) and field.max_digits == 14 and field.decimal_places == 2


def _zahl(field, value) -> str:
    """A number as people here read it: money as 4.400.000,00 €, other decimals (hours, rates) as 12,5."""
    if ist_geld(field):
        return inhalt.euro(value)
    return inhalt.zahl(value)


def _modellfeld(obj, name: str):
    meta = getattr(obj, "_meta", None)
    if meta is None:
        return None
    try:
        return meta.get_field(name)
    except FieldDoesNotExist:
        return None


@dataclass(frozen=True)
class Zelle:
    """A cell of a generic list: the text and whether it is a figure (right-aligned)."""

    text: object
    zahl: bool = False

    def __str__(self) -> str:
        return str(self.text)


def zelle(obj, path: str) -> Zelle:
    """Resolve a dotted attribute path for generic tables; calls zero-argument methods (get_x_display).

    Values come out as people here read them: dates and times in German (local time), ja/nein, amounts of money
    with thousands separators and €, other decimals with a decimal comma."""
    value = obj
    field = None
    for part in path.split("."):
        if value is None:
            return Zelle("")
        field = _modellfeld(value, part)
        value = getattr(value, part, None)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    if hasattr(value, "all"):
        return Zelle(", ".join(str(v) for v in value.all()))
    if isinstance(value, bool):
        return Zelle(gettext("ja") if value else gettext("nein"))
    if isinstance(value, datetime.datetime | datetime.date):
        return Zelle(zeitpunkt(value))
    if isinstance(value, Decimal | float):
        return Zelle(_zahl(field, value), zahl=True)
    if isinstance(value, int):
        # Counts, but also years and numbers (2026, Nr. 3): no thousands separator.
        return Zelle(value, zahl=True)
    return Zelle("" if value is None else value)


@register.filter
def feld(obj, path: str):
    """The text of a generic list's cell (see `zelle`)."""
    return zelle(obj, path).text


@register.simple_tag
def listenzelle(obj, path: str) -> Zelle:
    """`{% listenzelle obj path as z %}`: the cell's text (`z.text`) and whether it is a figure (`z.zahl`)."""
    return zelle(obj, path)


@register.simple_tag(takes_context=True)
def url_mit_seite(context, seite: int) -> str:
    """The current query string with another page number (keeps filters while paging)."""
    query = context["request"].GET.copy()
    query["page"] = seite
    return "?" + query.urlencode()


def _anzeige(field, value) -> str:
    """A history value as a reader knows it: names of related objects, choice labels, ja/nein, dates."""
    if value is None or value == "":
        return ""
    if getattr(field, "many_to_many", False):
        from simple_history.utils import get_m2m_reverse_field_name

        ziel = get_m2m_reverse_field_name(field)
        return ", ".join(str(row.get(ziel, "")) for row in value) if isinstance(value, list) else str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nein")
    if isinstance(value, datetime.datetime | datetime.date):
        return zeitpunkt(value)
    if isinstance(value, Decimal | float):
        return _zahl(field, value)
    return str(value)


@register.inclusion_tag("includes/history.html")
def aenderungsverlauf(obj, limit: int = 20):
    """Who changed what and when (django-simple-history), newest first, with the changed fields.

    Related objects (foreign keys and tracked many-to-many fields) show by name, choices by their label."""
    from buendnis.versioning import lesbarer_wert

    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    eintraege = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            delta = record.diff_against(older, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = record.instance._meta.get_field(change.field)
                changes.append(
                    {
                        "feld": str(getattr(field, "verbose_name", change.field)),
                        "alt": _anzeige(field, lesbarer_wert(change.old)),
                        "neu": _anzeige(field, lesbarer_wert(change.new)),
                    }
                )
        eintraege.append({"record": record, "changes": changes})
    return {"eintraege": eintraege}


@register.filter
def verbose_name_of(obj) -> str:
    return str(obj._meta.verbose_name)
