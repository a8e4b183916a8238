"""URL discovery and database snapshots for the hostile-input tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

XSS_PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
# What must never reach the page unescaped.
XSS_MARKERS = ["<script>alert(1)", "<img src=x onerror=alert(1)>", "onerror=alert(1)>"]

PROJECT_APPS = ("buendnis", "angebote", "bedarf", "foerderung", "berichte")


@dataclass
class Route:
    namespace: str
    name: str
    route: str
    callback: object
    params: list[str]

    @property
    def full_name(self) -> str:
        return f"{self.namespace}:{self.name}" if self.namespace else self.name

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    def __str__(self):
        return self.full_name


def _pattern_text(pattern) -> str:
    return str(pattern.pattern)


def routes(namespace: str) -> list[Route]:
    """Every named URL pattern of a namespace (mounted in config/urls.py), nested includes flattened."""
    return [r for r in all_routes() if r.namespace == namespace]


def all_routes(exclude_prefixes=("admin/", "i18n/")) -> list[Route]:
    """Every named URL pattern of the project outside the admin; `namespace` is "" for un-namespaced ones."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str):
        for entry in patterns:
            text = prefix + _pattern_text(entry)
            if text.startswith(exclude_prefixes):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, text, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                params = re.findall(r"<(?:\w+:)?(\w+)>", text)
                found.append(Route(namespace, entry.name, text, entry.callback, params))

    walk(get_resolver().url_patterns, "", "")
    return found


DUMMY_BY_CONVERTER = {
    "int": 999999,
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def dummy_url(route: Route) -> str:
    """The route with placeholder values (enough for checks that run before the view, like CSRF)."""
    from django.urls import reverse

    converters = dict((name, conv or "str") for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route.route))
    kwargs = {param: DUMMY_BY_CONVERTER.get(converters.get(param, "str"), "x") for param in route.params}
    return reverse(route.full_name, kwargs=kwargs)


def concrete_models(app_labels=PROJECT_APPS):
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in app_labels and model._meta.managed and not model._meta.proxy:
            yield model


def snapshot(app_labels=PROJECT_APPS) -> dict:
    """All rows of the project's tables; equal snapshots mean nothing was written.

    `last_login` is left out: signing a test client in sets it, which is no write by the page under test."""
    result = {}
    for model in concrete_models(app_labels):
        fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        result[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return result


def route_models(route: Route) -> dict[str, type]:
    """Which model each URL parameter names: `pk` the view's model, `parent_pk` its parent model.

    Function views carry no model; their parameter is looked up in FUNCTION_VIEW_MODELS (full name -> model).
    """
    from tests.sicherheit.routes_ohne_modell import FUNCTION_VIEW_MODELS

    result = {}
    view_class = route.view_class
    for param in route.params:
        model = None
        if view_class is not None:
            if param == "pk":
                model = getattr(view_class, "model", None)
            elif param == "parent_pk":
                model = getattr(view_class, "parent_model", None)
        if model is None:
            model = FUNCTION_VIEW_MODELS.get(route.full_name, {}).get(param)
        result[param] = model
    return result


def url_for(route: Route, objects: dict) -> str | None:
    """The route's URL with the rows of `objects` (model -> row); None when a parameter has no row."""
    from django.urls import reverse

    from tests.sicherheit.routes_ohne_modell import fixed_value

    kwargs = {}
    for param, model in route_models(route).items():
        fixed = fixed_value(route.full_name, param)
        if fixed is not None:
            kwargs[param] = fixed
            continue
        row = objects.get(model) if model is not None else None
        if row is None:
            return None
        kwargs[param] = row.pk
    return reverse(route.full_name, kwargs=kwargs)
