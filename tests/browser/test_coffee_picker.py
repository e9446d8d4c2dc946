"""The coffee machine's "never pair me with" picker in a real browser, in French, with axe.

A member finds a colleague by a few letters of her name, typed without accents, and excludes her
with the keyboard only: the count is announced in a status message, the matches are buttons, the
choice asks for a confirmation that takes the focus, and "Annuler" gives the focus back to the
colleague chosen. Without JavaScript the same page is a plain search form with a button each.

Texts are checked in French where they are the point (the status message); otherwise through
ids, names and values.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from riposte.coffee.models import Exclusion
from riposte.coffee.services import membership_join
from riposte.directory.models import Agent
from tests.browser.conftest import check_axe, login
from tests.coffee.round_builders import site
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def picker(world) -> dict[str, Any]:
    membership_join(agent=world["agent"])
    bobigny = site("Hôtel du Département")
    colleagues = {
        "beatrice": Agent.objects.create_user(
            "bea@example.org", PASSWORD, first_name="Béatrice", last_name="Durand",
            service=world["service"], site=bobigny,
        ),
        "benoit": Agent.objects.create_user(
            "benoit@example.org", PASSWORD, first_name="Benoît", last_name="Durandal",
            service=world["service"],
        ),
    }  # fmt: skip
    return {**world, **colleagues}


def test_a_member_excludes_a_colleague_with_the_keyboard_only(page: Page, site_url, picker):
    login(page, site_url, picker["agent"].email)
    page.goto(f"{site_url}/coffee/preferences/")
    check_axe(page, "preferences, the picker empty")
    search = page.locator("#exclusion-q")
    status = page.locator("#exclusion-count[role=status]")
    results = page.locator("#exclusion-results")

    # One letter searches nothing; two find both, accents and capitals aside.
    search.focus()
    page.keyboard.type("d")
    expect(status).to_have_text("Tapez au moins 2 lettres.")
    page.keyboard.type("URAND")
    expect(status).to_have_text("2 collègues correspondent.")
    expect(results.locator("li")).to_have_count(2)
    page.keyboard.type(" beatr")
    expect(status).to_have_text("1 collègue correspond.")
    expect(results.locator("li")).to_have_count(1)
    expect(results.locator("li")).to_contain_text("Béatrice Durand")
    expect(results.locator("li")).to_contain_text("Aide sociale à l'enfance · Hôtel du Département")
    expect(results).not_to_contain_text("@")
    check_axe(page, "preferences, one match")

    # Tab: the search button, then the match's button.
    pick = results.locator(f"button[name=agent][value='{picker['beatrice'].pk}']")
    page.keyboard.press("Tab")
    expect(page.locator("form[role=search] button[type=submit]")).to_be_focused()
    page.keyboard.press("Tab")
    expect(pick).to_be_focused()
    expect(pick).to_have_accessible_name("Exclure Béatrice Durand")

    # Enter chooses: the confirmation takes the focus. Cancel gives it back to the choice.
    page.keyboard.press("Enter")
    confirm = results.locator("form.exclusion-confirm button[type=submit]")
    expect(confirm).to_be_focused()
    expect(confirm).to_have_accessible_name("Ne jamais me mettre avec Béatrice Durand")
    check_axe(page, "preferences, confirming")
    page.keyboard.press("Tab")
    expect(results.locator("form.exclusion-confirm a")).to_be_focused()
    page.keyboard.press("Enter")
    expect(pick).to_be_focused()
    assert not Exclusion.objects.exists()

    # Choose again and confirm, with Enter both times.
    page.keyboard.press("Enter")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site_url}/coffee/preferences/")
    expect(page.locator(".message-success")).to_contain_text("Béatrice Durand")
    expect(page.locator("section[aria-labelledby=exclusions-title] .plain-list")).to_contain_text(
        "Béatrice Durand"
    )
    assert Exclusion.objects.get().excluded == picker["beatrice"]
    check_axe(page, "preferences, after the exclusion")

    # She is no longer offered.
    page.locator("#exclusion-q").fill("durand")
    expect(status).to_have_text("1 collègue correspond.")
    expect(results).not_to_contain_text("Béatrice")


def test_the_picker_works_without_javascript(browser, site_url, picker):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        login(page, site_url, picker["agent"].email)
        page.goto(f"{site_url}/coffee/preferences/")
        page.locator("#exclusion-q").fill("benoit")
        page.locator("form[role=search] button[type=submit]").click()
        expect(page).to_have_url(
            f"{site_url}/coffee/preferences/exclusions/search/?q=benoit#exclusion-search-title"
        )
        expect(page.locator("#exclusion-count")).to_have_text("1 collègue correspond.")
        page.locator(f"#exclusion-results button[value='{picker['benoit'].pk}']").click()
        expect(page).to_have_url(f"{site_url}/coffee/preferences/")
        expect(page.locator(".message-success")).to_contain_text("Benoît Durandal")
        assert Exclusion.objects.get().excluded == picker["benoit"]
    finally:
        context.close()
