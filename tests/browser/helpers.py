"""Small helpers shared by the journeys."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit


def field(page, label: str):
    """A form field by its label; crispy forms append an asterisk to required fields ("Titel*")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


CRAWL_ROLES = ["koordination", "kommune-neuss", "mitglied", "auswertung", "land", "admin"]

# A detail page: the path ends in an object id ("/angebote/12/", "/bedarf/erhebungen/3/").
DETAIL_PATH = re.compile(r"/\d+/$")
# Never follow links that change state or leave the application's own pages.
SKIP_PATH = re.compile(r"^/(abmelden|i18n|static|media)/|/(export|datei|download|vorlage)(/|\.|$)")


def _same_site_paths(page, selector: str, base: str) -> list[str]:
    # getAttribute, not .href: a link inside an SVG (the Land's map) has an SVGAnimatedString there.
    hrefs = page.locator(selector).evaluate_all(
        "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or not parts.path:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths


def nav_paths(page, base: str) -> list[str]:
    """All links of the main navigation, including the items of closed dropdowns."""
    paths = _same_site_paths(page, "nav[aria-label=Hauptnavigation] a[href]:not([href='#'])", base)
    return [p for p in paths if not SKIP_PATH.search(p)]


def first_detail_path(page, base: str, seen: set[str]) -> str | None:
    for path in _same_site_paths(page, "main a[href]", base):
        if DETAIL_PATH.search(path) and not SKIP_PATH.search(path) and path not in seen:
            return path
    return None


def crawl(page, base: str, besuchen: Callable[[str, bool], None]) -> set[str]:
    """Visits each link of the main navigation and, after each, the first detail page linked from it (not yet
    visited): `besuchen(url, erste)` loads and checks one page, `erste` for the very first one. Returns the paths
    visited. The crawl of the accessibility and the layout checks."""
    start = nav_paths(page, base)
    assert start, "the main navigation offers no links"
    seen: set[str] = set()
    for path in start:
        if path in seen:
            continue
        besuchen(base + path, not seen)
        seen.add(path)
        detail = first_detail_path(page, base, seen)
        if detail:
            seen.add(detail)
            besuchen(base + detail, False)
    return seen
