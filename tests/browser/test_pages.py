"""Every page an agent can reach passes axe-core's WCAG 2.1 A/AA rules, in French and in English.

Serious and critical violations fail the test (see `check_axe`); at 360 px wide, nothing scrolls
sideways (WCAG 1.4.10 Reflow).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from riposte.core.modules import MODULES
from tests.browser.conftest import check_axe, login, switch_to_english

pytestmark = pytest.mark.browser

LANGUAGES = ["fr", "en"]
# The skip link's text, to check that the words on the page are in the language `lang` declares.
SKIP_LINK = {"fr": "Aller au contenu", "en": "Skip to content"}

# name -> path, for the agent actor of `world`
AGENT_PAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "home": lambda w: "/",
    **{f"module-{m.slug}": (lambda w, slug=m.slug: f"/m/{slug}/") for m in MODULES},
    "directory": lambda w: "/directory/",
    "directory-query": lambda w: "/directory/?q=navarro",
    "agent": lambda w: f"/directory/agents/{w['agent'].pk}/",
    "service": lambda w: f"/directory/services/{w['service'].code}/",
    "parent-service": lambda w: f"/directory/services/{w['service'].parent.code}/",
    "initiatives": lambda w: "/initiatives/",
    "initiatives-filtered": lambda w: "/initiatives/?q=canicule&stage=reperee&need=help",
    "initiative": lambda w: f"/initiatives/{w['initiative'].pk}/",
    "initiative-new": lambda w: "/initiatives/new/",
    "initiative-edit": lambda w: f"/initiatives/{w['initiative'].pk}/edit/",
    "initiatives-dashboard": lambda w: "/initiatives/dashboard/",
    "initiatives-map": lambda w: "/initiatives/map/",
    "profile": lambda w: "/me/",
    "notifications": lambda w: "/notifications/",
    "not-found": lambda w: "/no-such-page/",
    "form-address": lambda w: "/notifications/read/",
}
STATUS = {"not-found": 404, "form-address": 405}


def _as(page: Page, site_url: str, email: str, language: str) -> None:
    login(page, site_url, email)
    if language == "en":
        switch_to_english(page)


def _visit(page: Page, url: str, language: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None, url
    assert response.status == status, f"{url}: {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("a.skip-link")).to_have_text(SKIP_LINK[language])
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main h1")).to_be_visible()


def test_check_axe_fails_on_serious_violations(page: Page):
    """The helper itself: a page with an image without text and faint text must not pass."""
    page.set_content(
        '<!doctype html><html lang="fr"><head><title>Cassée</title></head>'
        "<body><main><h1>Cassée</h1>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#c8c8c8">Texte trop pâle</p></main></body></html>'
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        check_axe(page, "broken page")
    assert "image-alt" in str(failure.value)
    assert "color-contrast" in str(failure.value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_agent_pages_are_accessible(page: Page, site_url, world, language):
    """One login, every page of the agent's menus; all the violations are reported together."""
    _as(page, site_url, world["agent"].email, language)
    failures = []
    for name, path in AGENT_PAGES.items():
        _visit(page, site_url + path(world), language, status=STATUS.get(name, 200))
        if name == "directory-query":
            expect(page.locator("#results")).to_contain_text("Célia Navarro")
            expect(page.locator("#q")).to_have_value("navarro")
        elif name == "agent":
            expect(page.locator("main h1")).to_have_text("Célia Navarro")
        elif name == "profile":
            # Text with angle brackets is shown as text, not swallowed as an unknown tag.
            placeholder = {"fr": "Bearer <jeton>", "en": "Bearer <token>"}[language]
            expect(page.locator("#tokens")).to_contain_text(placeholder)
        elif name == "notifications":
            expect(page.locator("main .notifications li")).to_have_count(2)
        elif name.startswith("module-") or name == "initiatives":
            expect(page.locator(".main-nav a[aria-current=page]")).to_have_count(1)
        elif name == "initiatives-map":
            # Leaflet started (from the npm copy, no CDN); the world's initiative covers the whole
            # département, so it is counted beside the map, not on a commune.
            expect(page.locator("#initiatives-map.leaflet-container")).to_be_visible()
            expect(page.locator("main")).to_contain_text("1")
        elif name == "initiatives-filtered":
            expect(page.locator("#results")).to_contain_text(world["initiative"].title)
        elif name == "not-found":
            expect(page.locator("main a[href='/']")).to_be_visible()
        try:
            check_axe(page, f"{name} ({language}, {path(world)})")
        except pytest.fail.Exception as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_is_accessible(page: Page, site_url, world, language):
    _visit(page, f"{site_url}/auth/login/", "fr")
    if language == "en":
        switch_to_english(page)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("label[for=id_email]")).to_be_visible()
    expect(page.locator("label[for=id_password]")).to_be_visible()
    check_axe(page, f"login ({language})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_error_summary_is_accessible(page: Page, site_url, world, language):
    page.goto(f"{site_url}/auth/login/")
    if language == "en":
        switch_to_english(page)
    page.locator("#id_email").fill(world["agent"].email)
    page.locator("#id_password").fill("not-the-password")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert page.url.startswith(f"{site_url}/auth/login/")
    check_axe(page, f"login with an error ({language})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_profile_validation_error_is_accessible(page: Page, site_url, world, language):
    _as(page, site_url, world["agent"].email, language)
    page.goto(f"{site_url}/me/")
    page.locator("#id_skills").fill("Cartographie, " + "x" * 150)
    page.locator("main form.stack button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    error = page.locator(".field-error .error-text")
    expect(error).to_have_count(1)
    # The error is announced with its field: linked from the summary, described on the input.
    expect(page.locator("#error-summary a[href='#id_skills']")).to_have_count(1)
    described_by = page.locator("#id_skills").get_attribute("aria-describedby") or ""
    assert error.get_attribute("id") in described_by.split()
    expect(page.locator("#id_skills")).to_have_attribute("aria-invalid", "true")
    check_axe(page, f"profile with an error ({language})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_page_is_accessible_to_the_admin(page: Page, site_url, world, language):
    _as(page, site_url, world["admin"].email, language)
    _visit(page, f"{site_url}/directory/import/", language)
    check_axe(page, f"import ({language})")
    # A refused file: the error report (a table in an alert) must pass too.
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "agents.csv",
                "mimeType": "text/csv",
                "buffer": b"email,first_name,last_name,service_code\nnot-an-email,A,B,NOPE\n",
            }
        ]
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main table caption")).to_be_visible()
    expect(page.locator("main tbody tr").first).to_be_visible()
    check_axe(page, f"import with a refused file ({language})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_facilitator_pages_are_accessible(page: Page, site_url, world, language):
    """The support team's queue (with a request in it) and a page where the facilitator may move
    the initiative along."""
    _as(page, site_url, world["facilitator"].email, language)
    _visit(page, f"{site_url}/initiatives/triage/", language)
    expect(page.locator("table.queue tbody tr")).to_contain_text(world["initiative"].title)
    check_axe(page, f"triage ({language})")
    _visit(page, f"{site_url}/initiatives/{world['initiative'].pk}/", language)
    expect(page.locator("form[action$='/move/']")).to_be_visible()
    check_axe(page, f"initiative, as a facilitator ({language})")


@pytest.mark.parametrize(
    "path", ["/", "/directory/?q=a", "/me/", "/initiatives/", "/initiatives/new/"]
)
def test_no_horizontal_scroll_at_360px(page: Page, site_url, world, path):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, site_url, world["agent"].email)
    page.goto(site_url + path)
    expect(page.locator("main h1")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"{path} is {scroll_width} px wide at a 360 px viewport"
    # The header's controls stay within the screen too (nothing hidden off to the right).
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll(
                'header a, header button, main a, main button, main input')]
            .filter(el => el.getBoundingClientRect().right > 360.5)
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert overflowing == [], overflowing


def test_the_profile_with_its_tokens_fits_a_phone(page: Page, site_url, world):
    """The tokens' table scrolls within itself; the page around it does not."""
    from riposte.directory.services import api_token_create

    api_token_create(agent=world["agent"], name="Script de synchronisation du tableau de bord")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, site_url, world["agent"].email)
    page.goto(f"{site_url}/me/")
    expect(page.locator("#tokens table")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the profile is {scroll_width} px wide at a 360 px viewport"
    # Stacked, each value with its label: nothing to scroll to, the button within the screen.
    width, scrolled = page.evaluate(
        "(() => { const t = document.querySelector('#tokens table');"
        " return [t.clientWidth, t.scrollWidth]; })()"
    )
    assert scrolled <= width <= 360
    revoke = page.locator("#tokens table button").bounding_box()
    assert revoke is not None and revoke["x"] + revoke["width"] <= 360
    check_axe(page, "the profile with a token, at 360 px")


def test_initiative_filters_fold_on_a_phone_and_unfold_on_a_wide_screen(
    page: Page, site_url, world
):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, site_url, world["agent"].email)
    page.goto(f"{site_url}/initiatives/")
    expect(page.locator("#id_q")).to_be_hidden()
    expect(page.locator("#results")).to_contain_text(world["initiative"].title)
    page.locator("details.filters-panel > summary").click()  # Enter or Space does the same
    expect(page.locator("#id_q")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site_url}/initiatives/")
    expect(page.locator("#id_q")).to_be_visible()
