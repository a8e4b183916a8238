"""Script payloads in every free-text field of every app (angebote, bedarf, foerderung, berichte, buendnis),
on top of the demo data, come back escaped on every page of every app that shows them.

Generic on purpose: rows come from `manage.py demo_data`, pages from the URL configuration, the row for a URL
from the view's model; new models, fields and pages are covered without editing this file."""

from __future__ import annotations

import io
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.validators import RegexValidator
from django.db import models
from django.test import Client

from buendnis.models import User
from tests.sicherheit.helpers import XSS_MARKERS, XSS_PAYLOADS, all_routes, concrete_models, route_models

ESCAPED = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;"]
# Identifiers, not prose: changing them would break lookups rather than test escaping.
IDENTIFIER_HINTS = ("schluessel", "slug", "code", "kuerzel", "token", "hash", "uuid", "pfad", "password")


def free_text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
            continue
        if isinstance(field, (models.SlugField, models.EmailField, models.URLField)):
            continue
        if any(hint in field.name.lower() for hint in IDENTIFIER_HINTS):
            continue
        if any(isinstance(v, RegexValidator) for v in field.validators):
            continue
        yield field


def poison_everything() -> int:
    counter = itertools.count()
    written = 0
    for model in concrete_models():
        if model._meta.label_lower.split(".")[1].startswith("historical"):
            continue
        fields = list(free_text_fields(model))
        if not fields:
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {}
            for field in fields:
                n = next(counter)
                value = f"{XSS_PAYLOADS[n % 2]} {n}"
                if field.max_length and len(value) > field.max_length:
                    continue
                values[field.attname] = value
            if values:
                model._default_manager.filter(pk=pk).update(**values)
                written += 1
    return written


def row_for(model, user):
    manager = model._default_manager
    queryset = manager.visible_to(user) if hasattr(manager.all(), "visible_to") else manager.all()
    return queryset.order_by("pk").first()


def url_with_rows(route, user):
    from django.urls import reverse

    from tests.sicherheit.routes_ohne_modell import fixed_value

    kwargs = {}
    for param, model in route_models(route).items():
        fixed = fixed_value(route.full_name, param)
        if fixed is not None:
            kwargs[param] = fixed
            continue
        if model is None:
            return None
        row = row_for(model, user)
        if row is None:
            return None
        kwargs[param] = row.pk
    return reverse(route.full_name, kwargs=kwargs)


@pytest.mark.django_db
def test_payloads_in_every_text_field_of_every_app_render_escaped_on_every_page():
    call_command("demo_data", force=True, stdout=io.StringIO())
    assert poison_everything() > 100
    report, seen_escaped, pages = [], set(), 0
    for username in ("koordination", "kommune-neuss", "mitglied", "auswertung", "land", None):
        client = Client()
        user = AnonymousUser()
        if username:
            user = User.objects.get(username=username)
            client.force_login(user)
        for route in all_routes():
            url = url_with_rows(route, user)
            if url is None:
                continue
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            pages += 1
            # Downloaded HTML (a stored report) is checked too: opened from disk it would run scripts.
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode()
            for marker in XSS_MARKERS:
                if marker in body:
                    report.append(f"{url} ({route}) as {username}: unescaped {marker!r}")
            if any(e in body for e in ESCAPED):
                seen_escaped.add(route.namespace)
    assert report == [], "\n".join(report)
    assert pages > 50
    # The payloads really reached the pages of every app.
    assert {"buendnis", "angebote", "bedarf", "foerderung", "berichte"} <= seen_escaped
