"""Keyboard paths (RGAA 12, WCAG 2.1.1, 2.4.1, 2.4.7): everything works without a mouse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ACTIVE = """() => {
    const el = document.activeElement;
    if (!el) return null;
    if (el.id) return '#' + el.id;
    return el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
}"""


# The focused element's outline, and its contrast with the background around it (the outline is
# drawn outside the element, so the background is the first opaque one among the ancestors).
FOCUS_RING = """() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let bg = [255, 255, 255];
    for (let p = el.parentElement; p; p = p.parentElement) {
        const c = rgb(getComputedStyle(p).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c.slice(0, 3); break; }
    }
    const ring = rgb(s.outlineColor);
    const [a, b] = [lum(ring.slice(0, 3)), lum(bg)];
    return {
        style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
        background: bg, contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    };
}"""


def active(page: Page) -> str | None:
    return page.evaluate(ACTIVE)


def tab_to(page: Page, selector: str, limit: int = 30) -> list[str | None]:
    """Press Tab until the element matching `selector` has the focus; returns the focus path."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(active(page))
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return path
    raise AssertionError(f"{selector} never got the focus; focus went through {path}")


@pytest.mark.parametrize("where", ["login", "home"])
def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(
    page: Page, site_url, world, where
):
    if where == "home":
        login(page, site_url, world["agent"].email)
        page.goto(f"{site_url}/")  # a fresh load: the focus starts from the top of the document
    else:
        page.goto(f"{site_url}/auth/login/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    # Hidden until focused, then on screen and readable.
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0, box
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert in_main, active(page)


def test_login_with_the_keyboard_only(page: Page, site_url, world):
    page.goto(f"{site_url}/auth/login/")
    path = tab_to(page, "#id_email")
    # Skip link first, then the header, then the form: the order of the page.
    assert path[0] == "a.skip-link", path
    page.keyboard.type(world["agent"].email)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.locator("main form button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site_url}/")
    expect(page.locator("main h1")).to_contain_text("Célia")


def test_wrong_login_puts_the_focus_on_the_error_summary(page: Page, site_url, world):
    page.goto(f"{site_url}/auth/login/")
    tab_to(page, "#id_email")
    page.keyboard.type(world["agent"].email)
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")  # submits the form from the password field
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    # The e-mail is kept, the password is not.
    expect(page.locator("#id_email")).to_have_value(world["agent"].email)
    expect(page.locator("#id_password")).to_have_value("")


def test_directory_search_updates_live_while_typing(page: Page, site_url, world):
    login(page, site_url, world["agent"].email)
    page.goto(f"{site_url}/directory/")
    results = page.locator("#results")
    expect(results).to_contain_text("Fanny Lebon")  # everybody, before any search
    page.evaluate(
        "window.__sameDocument = true; window.__countNode = document.getElementById('result-count')"
    )
    tab_to(page, "#q")
    page.keyboard.type("celia", delay=40)  # no Enter: HTMX searches as the agent types
    expect(results.get_by_role("link", name="Célia Navarro")).to_be_visible()
    expect(results).not_to_contain_text("Fanny Lebon")
    expect(page).to_have_url(re.compile(r"/directory/\?q=celia$"))
    # The results were swapped in place: same document, focus still in the field.
    assert page.evaluate("window.__sameDocument === true")
    expect(page.locator("#q")).to_be_focused()
    expect(page.locator("#q")).to_have_value("celia")
    # Swapped inside, not nested: one list, and one status message that was updated, not replaced,
    # so screen readers announce the new count.
    expect(page.locator("#results")).to_have_count(1)
    expect(page.locator("main .agent-list")).to_have_count(1)
    count = page.locator("#result-count")
    expect(count).to_have_count(1)
    expect(count).to_have_attribute("role", "status")
    expect(count).to_have_text(re.compile(r"^\s*1 agent\s*$"))
    assert page.evaluate("window.__countNode === document.getElementById('result-count')")
    # The pushed URL is a real page: reloading it shows the same results.
    page.reload()
    expect(page.locator("#q")).to_have_value("celia")
    expect(page.locator("#results").get_by_role("link", name="Célia Navarro")).to_be_visible()


@pytest.mark.parametrize(
    "selector",
    [
        "a.skip-link",
        "a.brand",
        ".language-switch button",
        ".main-nav a[href='/directory/']",
        "main a",
    ],
)
def test_focus_ring_is_visible(page: Page, site_url, world, selector):
    login(page, site_url, world["agent"].email)
    page.goto(f"{site_url}/")
    tab_to(page, selector)
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none", ring
    assert ring["width"] >= 2, ring
    # WCAG 1.4.11: the ring stands out from what is around it by at least 3:1.
    assert ring["contrast"] >= 3, ring
