"""Layout: every page a role reaches from the main navigation fits a laptop (1366 px) and a phone (390 px), and
shows its main action as the one primary button.

The crawl is the one of test_accessibility.py (`tests.browser.helpers.crawl`): each link of the main navigation and the first detail page reached
from it. Each page is loaded once at 1366 × 900 and checked, then the viewport shrinks to 390 × 844 (media queries
apply as on a phone) and it is checked again. Problems are collected per page and width and reported together.
"""

import pytest

from tests.browser.helpers import CRAWL_ROLES, crawl

WIDTHS = [(1366, 900), (390, 844)]

# Long names are where a header breaks: each crawled person gets one for the run (the demo data is restored
# before every test).
LANGER_VORNAME = "Maximiliane-Josefine"
LANGER_NACHNAME = "Schwarzenberg-Lüdenscheidt"

# The widest elements that stick out of the viewport, outside of anything that scrolls on its own (a
# .table-responsive is allowed to be wider than the screen: it scrolls, the page does not).
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= window.innerWidth) return null;
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden' || x === 'clip') return true;
    }
    return false;
  };
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.');
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return s + (text ? ` "${text}"` : '');
  };
  const find = skipScrolling => {
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 1 || (skipScrolling && scrolls(el))) continue;
      found.push([Math.round(r.right), Math.round(r.width), el]);
    }
    return found;
  };
  // An absolutely positioned element escapes a scrolling box that is not its containing block: then the
  // culprit sits inside the scrolling box after all.
  let offenders = find(true);
  if (!offenders.length) offenders = find(false);
  // The widest first; among equally wide ones the innermost, which is the one to fix.
  offenders.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    widest: offenders.slice(0, 3).map(([right, w, el]) => `${describe(el)} (right ${right}px, width ${w}px)`),
  };
}"""

# Visible primary buttons in the content, and whether the page has a main action: a button that sends a form by
# POST, or a button-styled link that creates something ("…/neu/"). Not counted: search and filter forms (GET), actions on one row
# of a table or list, and deleting (danger), which is never the main action.
_BUTTONS = """() => {
  const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const main = document.querySelector('main');
  if (!main) return {primary: [], actions: []};
  const label = el => (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
  const primary = [...main.querySelectorAll('.btn-primary')].filter(visible).map(label);
  const submits = [...main.querySelectorAll('button:not([type=button]):not([type=reset]), input[type=submit]')]
    .filter(visible)
    .filter(b => { const f = b.form; return f && (f.method || '').toLowerCase() === 'post'; })
    .filter(b => !b.closest('table, .list-group, .dropdown-menu') && !/\bbtn-(outline-)?danger\b/.test(b.className));
  const creates = [...main.querySelectorAll('a.btn[href]')].filter(visible)
    .filter(a => !a.closest('table, .list-group, .dropdown-menu'))
    .filter(a => /\\/neu\\/(\\?|$)/.test(new URL(a.href, document.baseURI).pathname + '?'));
  return {primary, actions: [...submits, ...creates].map(label)};
}"""


def check_layout(page, width: int) -> list[str]:
    problems = []
    overflow = page.evaluate(_OVERFLOW)
    if overflow:
        problems.append(
            f"{width}px: horizontal overflow, scrollWidth {overflow['scrollWidth']} > innerWidth "
            f"{overflow['innerWidth']}; widest: {overflow['widest']}"
        )
    buttons = page.evaluate(_BUTTONS)
    primary, actions = buttons["primary"], buttons["actions"]
    if len(primary) > 1:
        problems.append(f"{width}px: {len(primary)} primary buttons {primary}")
    elif actions and not primary:
        problems.append(f"{width}px: no primary button, but main actions {actions[:5]}")
    return problems


def visit(page, url: str, found: dict) -> None:
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    response = page.goto(url)
    page.wait_for_load_state("load")
    if response is not None and response.status >= 400:
        found[url] = [f"HTTP {response.status}"]
        return
    problems = check_layout(page, WIDTHS[0][0])
    for width, height in WIDTHS[1:]:
        page.set_viewport_size({"width": width, "height": height})
        # Two frames, so that media queries and resize observers have applied.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        at_width = check_layout(page, width)
        if at_width:
            # A chart redraws for the new size a little later (throttled resize observer): look once more.
            page.wait_for_timeout(400)
            at_width = check_layout(page, width)
        problems += at_width
    if problems:
        found[url] = problems


@pytest.mark.parametrize("username", CRAWL_ROLES)
def test_every_page_in_navigation_of_role_fits_both_widths_with_one_primary_action(
    login, live_server, username
):
    from buendnis.models import User

    User.objects.filter(username__in=CRAWL_ROLES).update(first_name=LANGER_VORNAME, last_name=LANGER_NACHNAME)
    page = login(username)
    base = live_server.url
    found: dict = {}
    seen = crawl(page, base, lambda url, _erste: visit(page, url, found))
    report = "\n".join(
        f"{url.removeprefix(base)}\n" + "\n".join(f"    {p}" for p in problems)
        for url, problems in found.items()
    )
    assert found == {}, f"{username}: layout problems on {len(found)} of {len(seen)} pages\n{report}"
