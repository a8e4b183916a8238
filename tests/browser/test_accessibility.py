"""Accessibility: every page a role reaches from the main navigation passes axe-core (WCAG 2.1 A/AA).

The crawler follows the links of the main navigation (dropdown items included) and, on each page it reaches, the
first link to a detail page (a path ending in a number). Violations are collected per page and reported together,
so one run shows everything that is left to fix.
"""

import hashlib
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.helpers import CRAWL_ROLES, crawl, field, first_detail_path


def describe(violations: list) -> list[tuple]:
    return [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3], len(v["nodes"]))
        for v in violations
    ]


# Result of axe-core per rendered main content. Roles often see the very same page (same list, same detail);
# axe's verdict on the same DOM is the same, so it runs once per distinct content. The navigation differs per
# role; it is checked on every role's first page, where axe always runs.
_AXE_BY_CONTENT: dict[str, list] = {}


def _content_key(page) -> str:
    html = page.evaluate(
        "() => (document.querySelector('main') || document.body).innerHTML"
        ".replace(/value=\"[A-Za-z0-9]{32,}\"/g, '')"
    )
    return hashlib.sha256((page.url.split("?")[0] + html).encode()).hexdigest()


def check_page(page, url: str, found: dict, cached: bool = True) -> None:
    response = page.goto(url)
    page.wait_for_load_state("load")
    status = response.status if response else None
    if status is not None and status >= 400:
        found[url] = [("http-status", status)]
        return
    key = _content_key(page)
    if not cached or key not in _AXE_BY_CONTENT:
        _AXE_BY_CONTENT[key] = describe(axe_violations(page))
    if _AXE_BY_CONTENT[key]:
        found[url] = _AXE_BY_CONTENT[key]


def format_report(found: dict) -> str:
    lines = []
    for url, items in found.items():
        lines.append(url)
        lines.extend(f"    {item}" for item in items)
    return "\n".join(lines)


@pytest.mark.parametrize("username", CRAWL_ROLES)
def test_every_page_in_navigation_of_role_has_no_axe_violations(login, live_server, username):
    page = login(username)
    found: dict = {}
    seen = crawl(page, live_server.url, lambda url, erste: check_page(page, url, found, cached=not erste))
    gefunden = {urlsplit(url).path: items for url, items in found.items()}
    assert gefunden == {}, (
        f"{username}: axe-core violations on {len(found)} of {len(seen)} pages\n" + format_report(gefunden)
    )


def test_public_catalogue_and_its_detail_page_have_no_axe_violations(page, live_server, demo):
    found: dict = {}
    check_page(page, f"{live_server.url}/katalog/", found)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    detail = first_detail_path(page, live_server.url, set())
    assert detail, "the public catalogue lists no offer"
    check_page(page, live_server.url + detail, found)
    assert found == {}, format_report(found)


def test_login_page_has_no_axe_violations(page, live_server, demo):
    found: dict = {}
    check_page(page, f"{live_server.url}/anmelden/", found)
    assert found == {}, format_report(found)


# Keyboard use -------------------------------------------------------------------------------------------------


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main_content(login):
    page = login("koordination")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually-hidden-focusable shows it while focused
    page.keyboard.press("Enter")
    expect(page.locator("main#inhalt")).to_be_focused()
    # The next Tab stop lies inside the main content, not back in the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


# Dropdown toggles in app templates that are links with role=button (Space does nothing on a link).
@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_every_navbar_dropdown_opens_with_keyboard(login, key):
    """Enter and Space open each dropdown of the main navigation; arrows move in, Escape closes it again."""
    page = login("koordination")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    toggles = nav.locator("[data-bs-toggle=dropdown]")
    names = [t.inner_text().strip() for t in toggles.all()]
    assert len(names) >= 4, names
    closed_after_key = []
    for name in names:
        toggle = nav.get_by_role("button", name=name, exact=True)
        toggle.focus()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        page.keyboard.press(key)
        try:
            expect(toggle).to_have_attribute("aria-expanded", "true", timeout=2_000)
        except AssertionError:
            closed_after_key.append(name)
            continue
        menu = toggle.locator("xpath=following-sibling::ul[contains(@class, 'dropdown-menu')]")
        expect(menu).to_be_visible()
        page.keyboard.press("ArrowDown")
        expect(menu.get_by_role("link").first).to_be_focused()
        page.keyboard.press("Escape")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(toggle).to_be_focused()
    assert closed_after_key == [], f"{key} does not open these dropdowns: {closed_after_key}"


def test_focused_link_has_visible_focus_indicator(login):
    page = login("koordination")
    main = page.locator("main")
    link = main.locator("a[href]").first
    # Reach it by keyboard so :focus-visible applies, as for a real keyboard user.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    style = link.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
    )
    assert style["style"] != "none" and style["width"] > 0, style
    # The navigation (white on blue) gets its own visible indicator too.
    nav_link = page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Übersicht")
    nav_link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(nav_link).to_be_focused()
    outline = nav_link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", outline


def test_collapsed_navigation_on_small_screens_opens_with_keyboard(page, login):
    """On a phone-sized screen the navigation collapses behind a labelled toggle that works with the keyboard."""
    page.set_viewport_size({"width": 390, "height": 844})
    login("kommune-neuss")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    toggler = nav.get_by_role("button", name="Menü umschalten")
    uebersicht = nav.get_by_role("link", name="Übersicht", exact=True)
    expect(uebersicht).to_be_hidden()
    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(uebersicht).to_be_visible()
    page.keyboard.press("Tab")
    expect(uebersicht).to_be_focused()


def test_refused_form_announces_the_error_and_keeps_it_accessible(login, live_server):
    """A form sent back by the server (shared generic form) says so in an alert and marks the field invalid."""
    page = login("koordination")
    page.goto(f"{live_server.url}/aufgaben/neu/")
    titel = field(page, "Titel")
    titel.fill("   ")  # passes the browser's `required`, fails Django's check on the server
    field(page, "Beschreibung").fill("Einladung zur Kerngruppe vorbereiten")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Ihre Eingaben sind erhalten geblieben")
    expect(titel).to_have_attribute("aria-invalid", "true")
    expect(field(page, "Beschreibung")).to_have_value("Einladung zur Kerngruppe vorbereiten")
    assert axe_violations(page) == []
