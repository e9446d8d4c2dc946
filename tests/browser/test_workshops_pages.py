"""The workshop's own pages in a real browser, in French, with axe on every page: a facilitator
creates a workshop (the pitch previewed), shapes its structure with the keyboard, invites a
guest and copies the secret link; the guest opens it in a browser of their own and reaches that
workshop only. The pages do not scroll sideways at 360 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from riposte.directory.models import Role
from riposte.workshops.models import Workshop, WorkshopStatus
from tests.browser.conftest import check_axe, french_page, login, switch_to_english
from tests.workshops.builders import invite, make_agent, make_workshop

pytestmark = pytest.mark.browser


@pytest.fixture
def workshops(world) -> dict[str, Any]:
    facilitator = world["facilitator"]
    seed = make_workshop(
        by=facilitator, title="Pérenniser le hors-norme", status=WorkshopStatus.LIVE
    )
    other = make_workshop(by=facilitator, title="Cafés en visio")
    make_workshop(by=facilitator, title="Un atelier passé", status=WorkshopStatus.CLOSED)
    invite(seed, "Claire Martin (CCAS)")
    return {**world, "seed": seed, "other": other}


def _no_sideways_scroll(page: Page, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{label} is {width} px wide at a 360 px viewport"


def test_a_facilitator_creates_a_workshop_and_a_guest_comes_in(
    browser: Browser, site_url, workshops
):
    facilitator = french_page(browser)
    login(facilitator, site_url, workshops["facilitator"].email)

    # The menu leads to the module: live, coming up, past.
    facilitator.locator(".main-nav a", has_text="Ateliers").click()
    expect(facilitator).to_have_url(f"{site_url}/workshops/")
    expect(facilitator.locator("main h1")).to_have_text("Ateliers")
    expect(facilitator.locator("#live-title")).to_have_text("En direct")
    check_axe(facilitator, "list")

    facilitator.get_by_role("link", name="Créer un atelier").click()
    expect(facilitator.locator("main h1")).to_have_text("Créer un atelier")
    expect(facilitator.locator("#id_template")).to_be_checked()
    expect(facilitator.locator("#id_axes")).to_have_value(re.compile("^Urgences et coopérations\n"))
    check_axe(facilitator, "form")

    facilitator.locator("#id_title").fill("Atelier de printemps")
    facilitator.locator("#id_held_on").fill("2031-04-02")
    facilitator.locator("#id_pitch").fill("Venez **dépasser** les bornes.\n\n- un\n- deux")
    facilitator.get_by_role("button", name="Prévisualiser le pitch").click()
    preview = facilitator.locator("#pitch-preview")
    expect(preview.locator("strong")).to_have_text("dépasser")
    expect(preview.locator("li")).to_have_count(2)
    expect(facilitator.locator("#id_title")).to_have_value("Atelier de printemps")  # htmx: kept
    check_axe(facilitator, "form with the preview")
    facilitator.locator("#id_axes").fill("Accueil\nNumérique")
    facilitator.get_by_role("button", name="Créer l'atelier").click()

    workshop = Workshop.objects.get(title="Atelier de printemps")
    expect(facilitator).to_have_url(f"{site_url}/workshops/{workshop.pk}/")
    expect(facilitator.locator("main h1")).to_have_text("Atelier de printemps")
    expect(facilitator.locator(".workshop-axes > li h3")).to_have_text(["Accueil", "Numérique"])
    expect(facilitator.locator(".prose strong")).to_have_text("dépasser")
    check_axe(facilitator, "workshop page")

    # The structure, with the keyboard: "Numérique" moves up.
    facilitator.get_by_role("link", name="Axes et étapes").first.click()
    expect(facilitator.locator("main h1")).to_have_text("Axes et étapes")
    check_axe(facilitator, "structure")
    up = facilitator.get_by_role("button", name="Monter l'axe « Numérique »")
    up.focus()
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator(".structure-axis h2")).to_have_text(
        ["Axe 1 : Numérique", "Axe 2 : Accueil"]
    )
    facilitator.locator(".structure-axis").first.locator("input[name=title]").first.fill(
        "Le numérique"
    )
    facilitator.get_by_role("button", name="Renommer l'axe « Numérique »").press("Enter")
    expect(facilitator.locator(".structure-axis h2").first).to_have_text("Axe 1 : Le numérique")
    check_axe(facilitator, "structure after changes")

    # A guest, and the secret link shown once.
    facilitator.goto(f"{site_url}/workshops/{workshop.pk}/participants/")
    check_axe(facilitator, "participants")
    facilitator.get_by_label("Nom de l'invité·e").fill("Josiane Invitée")
    facilitator.get_by_role("button", name="Inviter et obtenir le lien").click()
    link = facilitator.locator("#guest-link-url").input_value()
    assert link.startswith(f"{site_url}/workshops/guest/")
    check_axe(facilitator, "participants with the link")
    facilitator.reload()  # a reload neither shows it again nor invites her twice
    expect(facilitator.locator("#guest-link-url")).to_have_count(0)
    expect(facilitator.locator(".participant-list")).to_contain_text("Josiane Invitée")
    assert workshop.participants.filter(guest_name="Josiane Invitée").count() == 1

    # The guest, in a browser of their own: the board of this workshop, nothing else.
    guest = french_page(browser)
    guest.goto(link)
    expect(guest).to_have_url(f"{site_url}/workshops/{workshop.pk}/board/")
    expect(guest.locator(".main-nav")).to_have_count(0)
    expect(guest.locator(".user-nav")).to_have_count(0)
    guest.goto(f"{site_url}/workshops/{workshop.pk}/")
    expect(guest.locator("main")).to_contain_text(
        "Vous participez en tant qu'invité·e : Josiane Invitée."
    )
    boards = guest.locator("main a[href*='/board/']")
    expect(boards).to_have_count(1)
    expect(boards).to_have_attribute("href", f"/workshops/{workshop.pk}/board/")
    expect(guest.locator("main a[href^='/directory/']")).to_have_count(0)
    expect(guest.locator(".main-nav")).to_have_count(0)
    check_axe(guest, "workshop page, as a guest")

    response = guest.goto(f"{site_url}/workshops/{workshops['seed'].pk}/")
    assert response is not None and response.status == 404
    expect(guest.locator("main h1")).to_have_text("Page introuvable")
    check_axe(guest, "another workshop, as a guest")
    response = guest.goto(f"{site_url}/workshops/")
    expect(guest).to_have_url(re.compile(r"/auth/login/"))

    response = guest.goto(f"{site_url}/workshops/guest/un-lien-perime/")
    assert response is not None and response.status == 404
    expect(guest.locator("main h1")).to_have_text("Ce lien n'ouvre aucun atelier")
    check_axe(guest, "unknown link")
    guest.context.close()
    facilitator.context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_workshop_pages_are_accessible(page: Page, site_url, workshops, language):
    login(page, site_url, workshops["facilitator"].email)
    if language == "en":
        switch_to_english(page)
    seed = workshops["seed"]
    failures = []
    for path in (
        "/workshops/",
        "/workshops/?q=perenniser&status=live",
        "/workshops/new/",
        f"/workshops/{seed.pk}/",
        f"/workshops/{seed.pk}/edit/",
        f"/workshops/{seed.pk}/structure/",
        f"/workshops/{seed.pk}/participants/",
    ):
        response = page.goto(site_url + path)
        assert response is not None and response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("main h1")).to_have_count(1)
        try:
            check_axe(page, f"{path} ({language})")
        except pytest.fail.Exception as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


def test_no_sideways_scroll_at_360px(page: Page, site_url, workshops):
    page.set_viewport_size({"width": 360, "height": 740})
    seed = workshops["seed"]
    make_agent("odile@example.org", role=Role.FACILITATOR, first_name="Odile", last_name="Coanime")
    login(page, site_url, workshops["facilitator"].email)
    for path in (
        "/workshops/",
        "/workshops/new/",
        f"/workshops/{seed.pk}/",
        f"/workshops/{seed.pk}/structure/",
        f"/workshops/{seed.pk}/participants/",
    ):
        page.goto(site_url + path)
        expect(page.locator("main h1")).to_be_visible()
        _no_sideways_scroll(page, path)
    # An agent on a phone joins the workshop from its page.
    page.context.clear_cookies()
    login(page, site_url, workshops["agent"].email)
    page.goto(f"{site_url}/workshops/{seed.pk}/")
    _no_sideways_scroll(page, "the workshop's page, as an agent")
    page.get_by_role("button", name="Rejoindre l'atelier").click()
    expect(page.locator(".messages")).to_contain_text("Vous participez à cet atelier.")
