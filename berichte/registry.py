"""The registry of exportable models: one entry per model, used by the generic export view and the Datenpaket.

An entry names the model, the columns (an import-export Resource of the owning app, or a list of field paths
from which a formula-safe Resource is built), the rows (`Model.objects.visible_to(user)`, shaped by
`for_export()` when the queryset has it) and, for needs figures, the small-number protection that applies when
figures leave the owning Kommune.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext
from import_export import resources

from buendnis.io import SafeExportMixin


@dataclass
class ExportEintrag:
    model: type[models.Model]
    felder: list[str] | None = None
    resource_class: type | None = None
    label: str = ""
    # (row values, headers, instance, user) -> row values; applied to every exported row.
    schutz: Callable | None = None
    schutz_hinweis: str = ""
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
        return ["ID" if p == "id" else spaltenbedeutung(model, p, mit_hilfe=False) for p in pfade]

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


class Registry:
    def __init__(self):
        self._eintraege: dict[str, ExportEintrag] = {}
        self._geladen = False

    def register(self, eintrag: ExportEintrag) -> None:
        self._eintraege[eintrag.key] = eintrag

    def _laden(self):
        if not self._geladen:
            self._geladen = True
            from berichte import exportliste

            exportliste.registrieren(self)

    def get(self, app_label: str, model_name: str) -> ExportEintrag | None:
        self._laden()
        return self._eintraege.get(f"{app_label}.{model_name}".lower())

    def alle(self) -> list[ExportEintrag]:
        self._laden()
        return list(self._eintraege.values())

    def fuer(self, user) -> list[ExportEintrag]:
        return [e for e in self.alle() if e.darf(user)]


registry = Registry()


def spaltenbedeutung(model, pfad: str, mit_hilfe: bool = True) -> str:
    """The verbose name (and help text) of a column's field path, e.g. `kommune__name` → "Kommune: Name"."""
    teile = pfad.split("__")
    aktuell = model
    namen = []
    hilfe = ""
    for teil in teile:
        try:
            f = aktuell._meta.get_field(teil)
        except Exception:  # noqa: BLE001 - a computed column of a resource
            namen.append(teil)
            break
        namen.append(str(getattr(f, "verbose_name", teil)))
        hilfe = str(getattr(f, "help_text", "") or "")
        if f.is_relation and f.related_model is not None:
            aktuell = f.related_model
    text = ": ".join(namen)
    if teile[-1] == "id" and len(teile) == 1:
        text = gettext("Kennung (ID) des Datensatzes")
    return f"{text} ({hilfe})" if hilfe and mit_hilfe else text
