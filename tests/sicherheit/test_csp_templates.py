"""The Content-Security-Policy forbids inline scripts and styles: no template may contain them, and no
rendered page either (crispy forms, widgets and template tags included)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.sicherheit.helpers import routes, url_for

ROOT = Path(settings.BASE_DIR)


def _template_dirs() -> list[Path]:
    """Every directory the template engine loads project templates from: DIRS and each app inside the
    repository (third-party apps in the virtualenv are not ours to check)."""
    from django.apps import apps

    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            dirs.append(path / "templates")
    return dirs


TEMPLATE_DIRS = _template_dirs()

# An inline <script> (no src, not a JSON data island), a <style> element, a style attribute, an inline event
# handler or a javascript: URL.
INLINE = [
    (
        "inline <script>",
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>", re.I),
    ),
    ("<style> element", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"\sstyle\s*=", re.I)),
    ("event handler attribute", re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)),
    ("javascript: URL", re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)),
]


# Self-contained documents that are downloaded or archived, never rendered as a page of the application.
# Their embedded stylesheet is on purpose (the file must print without the application's static files).
STANDALONE_DOCUMENTS = {
    "templates/berichte/bericht_dokument.html",
}


def offences(text: str) -> list[str]:
    found = []
    for label, pattern in INLINE:
        for match in pattern.finditer(text):
            found.append(f"{label}: {match.group(0)[:80]!r}")
    return found


def template_files():
    for directory in TEMPLATE_DIRS:
        if directory.is_dir():
            yield from sorted(directory.rglob("*.html"))


def test_no_template_contains_inline_script_or_style():
    report = []
    checked = set()
    for path in template_files():
        name = str(path.relative_to(ROOT))
        checked.add(name)
        found = offences(path.read_text(encoding="utf-8"))
        if name in STANDALONE_DOCUMENTS:
            # Its stylesheet is embedded on purpose; scripts, handlers and javascript: URLs are not.
            found = [o for o in found if not o.startswith(("<style> element", "style attribute"))]
        report.extend(f"{name}: {offence}" for offence in found)
    assert report == [], "\n".join(report)
    # The walk reached the app templates, the account pages and the sign-in pages.
    for expected in (
        "templates/base.html",
        "templates/konto/zwei_faktor_bestaetigen.html",
        "templates/registration/login.html",
        "templates/angebote/angebot_form.html",
        *STANDALONE_DOCUMENTS,
    ):
        assert expected in checked, expected
    assert len(checked) > 80


def test_template_dirs_include_every_project_app_with_templates():
    project_apps = {"buendnis", "angebote", "bedarf", "foerderung", "berichte"}
    covered = {p.parent.name for p in TEMPLATE_DIRS if p.name == "templates" and p.parent != ROOT}
    assert project_apps <= covered
    assert ROOT / "templates" in TEMPLATE_DIRS


def test_detector_finds_what_it_looks_for():
    assert offences("<script>alert(1)</script>")
    assert offences('<div style="color:red">')
    assert offences("<img src=x onerror=alert(1)>")
    assert offences('<a href="javascript:alert(1)">')
    assert not offences('<script src="/static/js/app.js"></script>')
    assert not offences('<script id="daten" type="application/json">{"a": 1}</script>')


APP_NAMESPACES = ["buendnis", "angebote", "bedarf", "foerderung", "berichte"]


@pytest.mark.parametrize("role", ["koordination", "kommune", "land"])
def test_rendered_pages_contain_no_inline_script_or_style(scenario, bestand, role):
    client = scenario.client(role)
    report = []
    pages = 0
    for namespace in APP_NAMESPACES:
        for route in routes(namespace):
            if namespace != "buendnis" and route.params:
                continue  # rows of the other apps are checked by their own tests
            url = url_for(route, bestand["a"])
            if url is None:
                continue
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            pages += 1
            for offence in offences(response.content.decode()):
                report.append(f"{url} ({route}): {offence}")
    assert pages > 20
    assert report == [], "\n".join(report)
