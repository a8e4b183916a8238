"""Where the apps register what they contribute to exports, reports and the dashboard.

Dependencies point one way: buendnis ← angebote ← bedarf / foerderung ← berichte. Each app lays out its own
contributions in `<app>/berichte.py` and registers them from its `AppConfig.ready()`, as it registers its admin
classes with `admin.site`; `berichte`, above every app, only reads what was registered (`berichte.registry`) and
renders it. So this module, the write side, sits in the lowest app and imports no other app: plain data types and
register functions. Nobody asks whether an app is installed; an app that is not installed registers nothing.

- `ExportEintrag`: an exportable model (generic export view, background exports, the Datenpaket).
- `Abschnittsart`: a section of the Sachstandsbericht, built from a `Kontext`.
- `Dashboardteil`: what an app shows on the report panel of the dashboard (charts, columns of the figure tables).
- a Datenpaket sheet (`register_zusatzblatt`): a sheet besides the one per export entry.
- steering (`Indikatorquelle`, `Kernaufgabenmessung`, `Landkennzahl`): figures an indicator of a target can be
  computed from, the measured state of the nine tasks of the core group, and the columns of the Land's view.

Registering the same key again replaces the entry (a second `ready()` call changes nothing).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from import_export import resources

from buendnis.io import SafeExportMixin

if TYPE_CHECKING:  # type hints only: the registry holds plain data and imports without the app registry
    from buendnis.models import Buendnis, Kommune, User

# Exports ----------------------------------------------------------------------------------------------------------


@dataclass
class ExportEintrag:
    """An exportable model: its columns, its rows for a user and, for needs figures, their protection.

    The columns are an import-export Resource of the owning app, or a list of field paths from which a
    formula-safe Resource is built; the rows are `Model.objects.visible_to(user)`, shaped by `for_export()` when the
    queryset has it.
    """

    model: type[models.Model]
    felder: list[str] | None = None
    resource_class: type | None = None
    label: str | Promise = ""
    # (row values, headers, instance, user) -> row values; applied to every exported row.
    schutz: Callable | None = None
    schutz_hinweis: str | Promise = ""
    extra_select: list[str] = field(default_factory=list)
    extra_prefetch: list[str] = field(default_factory=list)
    # (queryset, user) -> queryset: narrows the rows further (e.g. raw needs figures of the own Kommune only).
    scope: Callable | None = None
    # user -> bool: an extra condition besides the model's view permission.
    darf_zusatz: Callable | None = None
    # The owning app's Resource takes `user=` (it scopes or protects rows itself).
    resource_mit_user: bool = False
    # The model-level read permission, when it is not `<app>.view_<model>`.
    perm: str = ""

    @property
    def key(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def titel(self) -> str:
        return str(self.label or self.model._meta.verbose_name_plural)

    @property
    def bereich(self) -> str:
        """The owning app's German name ("Angebote", "Bedarfsanalyse"), never its code name."""
        return str(self.model._meta.app_config.verbose_name)

    def resource(self, user=None):
        cls = self.resource_class
        if cls is None:
            cls = resource_aus_feldern(
                self.model, self.felder or [f.name for f in self.model._meta.concrete_fields]
            )
        elif not issubclass(cls, SafeExportMixin):
            cls = type(f"Safe{cls.__name__}", (SafeExportMixin, cls), {})
        return cls(user=user) if self.resource_mit_user else cls()

    def queryset(self, user):
        """The rows `user` may export, shaped for a constant number of queries."""
        qs = self.model.objects.visible_to(user)
        if self.scope is not None:
            qs = self.scope(qs, user)
        if hasattr(qs, "for_export"):
            return qs.for_export()
        select, prefetch = beziehungen(self.model, self.felder or [])
        select += self.extra_select
        prefetch += self.extra_prefetch
        if select:
            qs = qs.select_related(*select)
        if prefetch:
            qs = qs.prefetch_related(*prefetch)
        return qs.order_by("pk")

    def darf(self, user) -> bool:
        meta = self.model._meta
        if self.darf_zusatz is not None and not self.darf_zusatz(user):
            return False
        perm = self.perm or f"{meta.app_label}.view_{meta.model_name}"
        return user.has_perm("berichte.export_daten") and user.has_perm(perm)


def resource_aus_feldern(model, felder: list[str]):
    """A formula-safe ModelResource of the given field paths, headed by the fields' German names."""
    meta = type("Meta", (), {"model": model, "fields": felder, "export_order": felder})

    def get_export_headers(self, selected_fields=None):
        pfade = resources.ModelResource.get_export_headers(self, selected_fields)
        return spaltennamen(model, pfade)

    return type(
        f"{model.__name__}ExportResource",
        (SafeExportMixin, resources.ModelResource),
        {"Meta": meta, "get_export_headers": get_export_headers},
    )


def beziehungen(model, felder: list[str]) -> tuple[list[str], list[str]]:
    """select_related paths for the followed foreign keys, prefetch_related for many-to-many columns."""
    select: set[str] = set()
    prefetch: set[str] = set()
    for pfad in felder:
        teile = pfad.split("__")
        aktuell = model
        weg = []
        for teil in teile[:-1] if len(teile) > 1 else teile:
            try:
                f = aktuell._meta.get_field(teil)
            except Exception:  # noqa: BLE001 - a computed column, nothing to join
                break
            if f.many_to_many or f.one_to_many:
                prefetch.add("__".join([*weg, teil]))
                break
            if f.is_relation and (f.many_to_one or f.one_to_one):
                weg.append(teil)
                aktuell = f.related_model
                continue
            break
        if len(teile) > 1 and weg:
            select.add("__".join(weg))
    return sorted(select), sorted(prefetch)


# The field that names a row of a related model: its column is headed by the relation ("Bündnis"), not by a chain
# such as "Bündnis: Name" or "Förderbaustein: Förderbaustein".
NAMENSFELDER = frozenset({"name", "titel", "bezeichnung", "nummer", "kennung"})


def _spalte(model, pfad: str):
    """(the field that names the column, the relations followed before it) of a field path; (None, [...]) for a
    computed column that is no field."""
    aktuell = model
    relationen = []
    feld = None
    for teil in pfad.split("__"):
        if feld is not None:
            if not (feld.is_relation and feld.related_model is not None):
                return None, relationen
            relationen.append(feld)
            aktuell = feld.related_model
        try:
            feld = aktuell._meta.get_field(teil)
        except Exception:  # noqa: BLE001 - a computed column of a resource
            return None, relationen
    if relationen and feld.name in NAMENSFELDER:
        return relationen[-1], relationen[:-1]
    return feld, relationen


def spaltenname(model, pfad: str) -> str:
    """A column's header from its field path: the field's German name, a related row by the relation's name
    (`budget__buendnis__name` → "Bündnis", `baustein__nummer` → "Förderbaustein", `budget__jahr` →
    "Haushaltsjahr"); "ID" for the row's own key, the path itself for a computed column."""
    if pfad == "id":
        return "ID"
    feld, _relationen = _spalte(model, pfad)
    return pfad if feld is None else str(getattr(feld, "verbose_name", pfad))


def spaltennamen(model, pfade: list[str]) -> list[str]:
    """The headers of several columns; two that would read alike name the relation they come through
    ("Titel" and "Titel (Erhebung)")."""
    namen = [spaltenname(model, p) for p in pfade]
    doppelt = {n for n in namen if namen.count(n) > 1}
    for i, pfad in enumerate(pfade):
        _feld, relationen = _spalte(model, pfad)
        if namen[i] in doppelt and relationen:
            namen[i] = f"{namen[i]} ({relationen[0].verbose_name})"
    return namen


def spaltenbedeutung(model, pfad: str, mit_hilfe: bool = True, kopf: str = "") -> str:
    """What a column holds, for the documentation sheet: its header and the field's help text, e.g.
    "Zielgruppe insgesamt (Alle 18- bis 27-jährigen ...)"; with `mit_hilfe=False` the header alone. A computed
    column, which no field describes, is described by its header `kopf`."""
    if pfad == "id":
        return gettext("Kennung (ID) des Datensatzes") if mit_hilfe else "ID"
    feld, _relationen = _spalte(model, pfad)
    if feld is None and kopf:
        return kopf
    text = spaltenname(model, pfad)
    hilfe = str(getattr(feld, "help_text", "") or "")
    return f"{text} ({hilfe})" if hilfe and mit_hilfe else text


# Report sections and dashboard parts ------------------------------------------------------------------------------


@dataclass
class Kontext:
    """What every section needs: the Bündnis, the reporting period and the user the figures are for."""

    buendnis: Buendnis
    von: datetime.date
    bis: datetime.date
    user: User | None = None
    stichtag: datetime.date = field(default_factory=timezone.localdate)


@dataclass(frozen=True)
class Abschnittsart:
    """A section of the Sachstandsbericht; the report orders its sections by `reihenfolge`.

    `builder` returns a section (`buendnis.inhalt.abschnitt`) in a fixed number of queries, or None to leave
    the section out of this report.
    """

    key: str
    label: str | Promise
    builder: Callable[[Kontext], dict | None]
    reihenfolge: int


@dataclass
class Spalten:
    """Columns an app adds to a figure table of the dashboard: headers, the cells of each row (by the row's id:
    Kommune or Bündnis; figures, right-aligned) and an optional note shown below the table."""

    kopf: list[str]
    werte: dict[int, list[str]]
    hinweis: str = ""


@dataclass(frozen=True)
class Dashboardteil:
    """What one app shows on the report panel of the dashboard, ordered by `reihenfolge` across apps.

    - `diagramme(kontext)`: charts of one Bündnis (coordination, evaluation, Kommunen);
    - `diagramme_alle(user)`: charts across every Bündnis the user sees (the state);
    - `je_kommune(user, buendnis, kommunen)`: columns of the table "Kennzahlen je Kommune" (evaluation);
    - `je_buendnis(user, buendnisse)`: columns of the table "Kennzahlen je Bündnis" (the state).

    Each runs a fixed number of queries, whatever the number of Kommunen and Bündnisse. Writes to `app_label`'s
    models outdate the cached figures.
    """

    key: str
    app_label: str
    reihenfolge: int
    diagramme: Callable[[Kontext], list[dict]] | None = None
    diagramme_alle: Callable[[User], list[dict]] | None = None
    je_kommune: Callable[[User, Buendnis, list[Kommune]], Spalten] | None = None
    je_buendnis: Callable[[User, list[Buendnis]], Spalten] | None = None


# (user, Bündnis) -> iterable of (title, headers, rows, documentation [(column, meaning)]); empty when the user
# may not see the sheet.
Zusatzblatt = Callable[["User", "Buendnis"], Iterable[tuple]]


# The store and the register functions -----------------------------------------------------------------------------

_exporte: dict[str, ExportEintrag] = {}
_abschnitte: dict[str, Abschnittsart] = {}
_dashboardteile: dict[str, Dashboardteil] = {}
_zusatzblaetter: dict[str, Zusatzblatt] = {}
# The URL name of the view that runs a registered export (`<name> app_label model_name`), set by the app that
# provides it; without one, lists show no export buttons.
_exportansicht: list[str] = []


def register_export(*eintraege: ExportEintrag) -> None:
    for eintrag in eintraege:
        _exporte[eintrag.key] = eintrag


def register_abschnitt(*arten: Abschnittsart) -> None:
    for art in arten:
        _abschnitte[art.key] = art


def register_dashboard(*teile: Dashboardteil) -> None:
    for teil in teile:
        _dashboardteile[teil.key] = teil


def register_zusatzblatt(key: str, blaetter: Zusatzblatt) -> None:
    _zusatzblaetter[key] = blaetter


def register_exportansicht(url_name: str) -> None:
    _exportansicht[:] = [url_name]


def exportansicht() -> str | None:
    return _exportansicht[0] if _exportansicht else None


def exporte() -> list[ExportEintrag]:
    """The export entries in the order of registration (INSTALLED_APPS, then each app's order)."""
    return list(_exporte.values())


def export(key: str) -> ExportEintrag | None:
    """The entry of the model `app_label.model_name` (lower case), if its app registered one."""
    return _exporte.get(key)


def abschnittsarten() -> list[Abschnittsart]:
    return sorted(_abschnitte.values(), key=lambda a: a.reihenfolge)


def dashboardteile() -> list[Dashboardteil]:
    return sorted(_dashboardteile.values(), key=lambda t: t.reihenfolge)


def zusatzblaetter() -> list[Zusatzblatt]:
    return list(_zusatzblaetter.values())


# The cache of the dashboard's figures, kept by the app that registers it (berichte: per data stamp of the user's
# Bündnis and scope). A panel of a lower app puts its aggregates there through `dashboard_gecacht`; without a
# registered cache they are computed every time.
_dashboard_cache: list[Callable] = []


def register_dashboard_cache(gecacht: Callable, cachebar: Callable[[User], bool]) -> None:
    """`gecacht(name, user, berechnen, *weitere)` gives the cached figures; `cachebar(user)` whether it keeps any
    for this person now (not inside an open transaction, not for a superuser of one Bündnis)."""
    _dashboard_cache[:] = [gecacht, cachebar]


def dashboard_cachebar(user: User) -> bool:
    """Whether `dashboard_gecacht` keeps what it computes for this person now; where it does not, a caller may
    prefer a form that is cheaper to compute once (one query with a subquery instead of two)."""
    return bool(_dashboard_cache) and _dashboard_cache[1](user)


def dashboard_gecacht(name: str, user: User, berechnen: Callable, *weitere: str):
    """`berechnen()` from the cache of the dashboard's figures; `weitere`: what else the figures depend on besides
    the data, the user's scope (role, Bündnis, Kommune) and the language."""
    if _dashboard_cache:
        return _dashboard_cache[0](name, user, berechnen, *weitere)
    return berechnen()


# "Meine Aufgaben" and the daily check --------------------------------------------------------------------------


@dataclass
class Arbeitsposten:
    """One kind of thing that waits for a person (tasks, offers to review, figures to deliver, ...).

    `zaehlen(user)` gives the number (one query, for the navigation); `eintraege(user, n)` the first n waiting
    rows as (text, url, detail) for the page "Meine Aufgaben". Both see only what the user may see."""

    key: str
    titel: str | Promise
    zaehlen: Callable[[User], int]
    eintraege: Callable[[User, int], list[tuple[str, str, str]]]
    alle_url: str = ""  # the list with everything of this kind, if there is one
    reihenfolge: int = 100


# A daily check that notifies about what falls due (called with today's date by the daily run).
TaeglichePruefung = Callable[[datetime.date], int]

_arbeitsposten: dict[str, Arbeitsposten] = {}
_taegliche_pruefungen: dict[str, TaeglichePruefung] = {}


def register_arbeitsposten(*posten: Arbeitsposten) -> None:
    for p in posten:
        _arbeitsposten[p.key] = p


def arbeitsposten() -> list[Arbeitsposten]:
    return sorted(_arbeitsposten.values(), key=lambda p: p.reihenfolge)


def register_taegliche_pruefung(key: str, pruefung: TaeglichePruefung) -> None:
    _taegliche_pruefungen[key] = pruefung


def taegliche_pruefungen() -> list[TaeglichePruefung]:
    return list(_taegliche_pruefungen.values())


# Steering: indicators, the nine tasks of the core group, the Land's view ------------------------------------------


@dataclass(frozen=True)
class Indikatorquelle:
    """A figure an indicator of a target (`berichte.Indikator.quelle`) can be computed from, out of an app's data.

    `werte(buendnis_ids, stichtag, parameter)` gives the value per Bündnis as it stood on `stichtag` (None where it
    cannot be computed, e.g. a share of nothing), in a fixed number of queries whatever the number of Bündnisse.
    `parameter` narrows the figure (a Kategorie, a Förderbaustein; "" for all); `parameter_auswahl()` lists the
    allowed values as (value, label). `personen`: the value counts people, so the small-number rule applies."""

    key: str
    label: str | Promise
    einheit: str | Promise
    werte: Callable[[list[int], datetime.date, str], dict[int, Decimal | None]]
    personen: bool = False
    parameter_auswahl: Callable[[], list[tuple[str, str]]] | None = None
    erklaerung: str | Promise = ""
    reihenfolge: int = 100


class Stand(models.TextChoices):
    """The measured state of one of the nine tasks of the core group."""

    ERFUELLT = "erfuellt", gettext_lazy("erfüllt")
    BEGONNEN = "begonnen", gettext_lazy("begonnen")
    OFFEN = "offen", gettext_lazy("noch offen")


STAND_RANG = {Stand.OFFEN: 0, Stand.BEGONNEN: 1, Stand.ERFUELLT: 2}


@dataclass
class Kernaufgabenstand:
    """What the data says about one task of the core group in one Bündnis: the state, the evidence in words
    ("7 von 9 Kommunen haben die Erhebung 2026 abgegeben") and where to see it."""

    stand: str
    text: str
    url: str = ""


# (buendnis_ids, stichtag) -> {buendnis_id: {kernaufgabe value: Kernaufgabenstand}}; a fixed number of queries.
Kernaufgabenmessung = Callable[[list[int], datetime.date], dict[int, dict[str, Kernaufgabenstand]]]


@dataclass
class Landwert:
    """One cell of the Land's table: the formatted text, the value it sorts by (and colours the map by), and an
    optional share (0..1, e.g. "7 of 9 Kommunen") that traffic lights and the map use."""

    text: str
    sortwert: Decimal | int | float | str | datetime.date | None = None
    anteil: Decimal | None = None
    url: str = ""


@dataclass(frozen=True)
class Landkennzahl:
    """A column of the Land's view of all Bündnisse, contributed by the app that owns the data.

    `werte(buendnis_ids)` gives one `Landwert` per Bündnis in a fixed number of queries. `baustein`: the
    Förderbaustein the column belongs to ("" for none; the view shows one Baustein's money columns at a time).
    `karte`: the map may be coloured by it. `erklaerung`: how the figure is computed, shown beside the table."""

    key: str
    label: str | Promise
    app_label: str
    werte: Callable[[list[int]], dict[int, Landwert]]
    reihenfolge: int = 100
    baustein: str = ""
    karte: bool = True
    erklaerung: str | Promise = ""


_indikatorquellen: dict[str, Indikatorquelle] = {}
_kernaufgabenmessungen: dict[str, Kernaufgabenmessung] = {}
_landkennzahlen: dict[str, Landkennzahl] = {}


def register_indikatorquelle(*quellen: Indikatorquelle) -> None:
    for q in quellen:
        _indikatorquellen[q.key] = q


def indikatorquellen() -> list[Indikatorquelle]:
    return sorted(_indikatorquellen.values(), key=lambda q: (q.reihenfolge, q.key))


def indikatorquelle(key: str) -> Indikatorquelle | None:
    return _indikatorquellen.get(key)


def register_kernaufgabenmessung(key: str, messung: Kernaufgabenmessung) -> None:
    _kernaufgabenmessungen[key] = messung


def kernaufgabenmessungen() -> list[Kernaufgabenmessung]:
    return list(_kernaufgabenmessungen.values())


def register_landkennzahl(*kennzahlen: Landkennzahl) -> None:
    for k in kennzahlen:
        _landkennzahlen[k.key] = k


def landkennzahlen() -> list[Landkennzahl]:
    return sorted(_landkennzahlen.values(), key=lambda k: (k.reihenfolge, k.key))
