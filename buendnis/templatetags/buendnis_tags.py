from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
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
def listenzeilen(object_list, columns) -> SafeString:
    """`{% listenzeilen object_list columns %}`: the table rows of a generic list, built in one pass in Python.

    Through template tags each cell cost more than its share of the SQL (issue 18); this is the same markup as
    the former loop (the first cell links to the row), every text escaped by `conditional_escape`."""
    zeilen = []
    for obj in object_list:
        zellen = []
        for nr, (_label, path) in enumerate(columns):
            z = zelle(obj, path)
            text = conditional_escape(z.text)
            if nr == 0:
                text = format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text)
            zellen.append(f'<td class="zahl">{text}</td>' if z.zahl else f"<td>{text}</td>")
        zeilen.append(f"<tr>{''.join(zellen)}</tr>")
    if not zeilen:
        return format_html(
            '<tr><td colspan="{}">{}</td></tr>', len(columns), gettext("Keine Einträge gefunden.")
        )
    return mark_safe("\n".join(zeilen))  # noqa: S308 - every text escaped above


@register.simple_tag(takes_context=True)
def filterfelder(context, filterset) -> str:
    """`{% filterfelder filter %}`: the fields of a list's filter form, each through crispy as before.

    Rendering a dozen fields through crispy's and Django's widget templates cost more than the list's SQL (issue
    18), and the result depends only on the filter values, the user's scope, the language and the data the
    choices come from: so it is kept in the dashboard's cache (`registry.dashboard_gecacht`, whose key holds the
    data stamps, the scope and the language). The page number is left out of the key, it is no filter field.
    Writes that bypass model signals reach the form after the cache's time limit, as on the dashboard."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    def rendern() -> str:
        return str(
            format_html_join(
                "\n", '<div class="col-md-3">{}</div>', ((as_crispy_field(f),) for f in filterset.form)
            )
        )

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return mark_safe(rendern())  # noqa: S308 - crispy's output, escaped as it renders
    werte = sorted((k, v) for k, vs in request.GET.lists() if k != "page" for v in vs)
    art = type(filterset)
    gebunden = filterset.form.is_bound  # a bound form shows no initial values, even with the page only
    schluessel = hashlib.sha256(
        repr((art.__module__, art.__qualname__, gebunden, werte)).encode()
    ).hexdigest()
    return mark_safe(registry.dashboard_gecacht("filterformular", user, rendern, schluessel))  # noqa: S308


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


def _m2m_aenderungen(paare: list[tuple], namen: list[str]) -> dict[int, list]:
    """The changes of the tracked many-to-many fields between each history record and the one before, as
    simple-history's `diff_against(foreign_keys_are_objs=True)` gives them (rows of the history's through table,
    related rows as objects), but with one query per field for all records, plus one per related model where
    something changed, instead of two to four queries per field and record."""
    ergebnis: dict[int, list] = {}
    for name in namen if paare else ():
        for pk, change in _m2m_feld_aenderungen(paare, name):
            ergebnis.setdefault(pk, []).append(change)
    return ergebnis


def _m2m_feld_aenderungen(paare: list[tuple], name: str) -> list[tuple]:
    """(history id, change) for one many-to-many field; see `_m2m_aenderungen`."""
    from simple_history.models import DeletedObject, ModelChange
    from simple_history.utils import get_m2m_reverse_field_name

    beispiel = paare[0][0]
    through = getattr(beispiel, name).model
    opts = through._meta
    felder = [f for f in opts.fields if f.editable and f.name not in ("id", "m2m_history_id", "history")]
    reverse = get_m2m_reverse_field_name(beispiel.instance_type._meta.get_field(name))
    # simple-history's through table points at the history record by "history"; its own order, per record.
    zeilen: dict[int, list] = {r.pk: [] for paar in paare for r in paar}
    for zeile in through._base_manager.filter(history__in=list(zeilen)).order_by(reverse):
        zeilen[zeile.history_id].append(zeile)
    werte = {
        pk: [{f.name: getattr(z, f.attname) for f in felder} for z in liste] for pk, liste in zeilen.items()
    }
    geaendert = [(neu, alt) for neu, alt in paare if werte[neu.pk] != werte[alt.pk]]
    if not geaendert:
        return []
    # The related rows, one query per model; a row that is gone shows as deleted, as in simple-history. Only the
    # side the history names (`_anzeige`): the other side is the recorded object itself, kept as its id.
    fks = [f for f in felder if isinstance(f, models.ForeignKey) and f.name == reverse]
    ids: dict[type, set] = {}
    for neu, alt in geaendert:
        for z in (*zeilen[neu.pk], *zeilen[alt.pk]):
            for f in fks:
                ids.setdefault(f.related_model, set()).add(getattr(z, f.attname))
    objekte = {m: m._base_manager.in_bulk([i for i in pks if i is not None]) for m, pks in ids.items()}
    mit_objekten: dict[int, list] = {}
    for pk in {r.pk for paar in geaendert for r in paar}:
        mit_objekten[pk] = []
        for z in zeilen[pk]:
            zeile = {}
            for f in felder:
                if f in fks:
                    wert = objekte[f.related_model].get(getattr(z, f.attname))
                    zeile[f.name] = (
                        wert if wert is not None else DeletedObject(f.related_model, getattr(z, f.attname))
                    )
                else:
                    zeile[f.name] = getattr(z, f.attname)
            mit_objekten[pk].append(zeile)
    return [(neu.pk, ModelChange(name, mit_objekten[alt.pk], mit_objekten[neu.pk])) for neu, alt in geaendert]


@register.simple_tag(takes_context=True)
def aenderungsverlauf(context, obj, limit: int = 20):
    """Who changed what and when (django-simple-history), newest first, with the changed fields.

    Rendered once per object and data stamp of the reader's scope: every change of the object, of a row it names
    or of its Bündnis renews the stamp, so the next request shows it (a person's new display name shows within
    the cache's minute). Four to six queries and the diff of twenty records saved on every visit (issue 18)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")

    def berechnen():
        return render_to_string("includes/history.html", verlauf_daten(obj, limit))

    if user is None or not user.is_authenticated:
        return berechnen()
    return registry.dashboard_gecacht(
        "verlauf", user, berechnen, obj._meta.label_lower, str(obj.pk), str(limit)
    )


def verlauf_daten(obj, limit: int = 20) -> dict:
    """The history's entries; related objects (foreign keys and tracked many-to-many fields) show by name, choices
    by their label."""
    from buendnis.versioning import lesbarer_wert

    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    paare = [
        (record, records[i + 1])
        for i, record in enumerate(records[:limit])
        if i + 1 < len(records) and record.history_type == "~"
    ]
    m2m_namen = [f.name for f in getattr(records[0], "_history_m2m_fields", ())] if paare else []
    m2m_aenderungen = _m2m_aenderungen(paare, m2m_namen)
    eintraege = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            delta = record.diff_against(older, excluded_fields=m2m_namen, foreign_keys_are_objs=True)
            geaendert = sorted([*delta.changes, *m2m_aenderungen.get(record.pk, [])], key=lambda c: c.field)
            for change in geaendert:
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
