"""Debriefs and the practical guide in a real browser, with axe on every page.

A facilitator opens the debrief of a cooperation and invites a new agent, who contributes; the
facilitator writes the consolidated text, has it reviewed and publishes it, compiles the guide,
orders its chapters with the keyboard only, publishes the edition and downloads its PDF.

Selectors use forms' actions, names and ids rather than words: the pages are in French in the
browser, and the words are the catalogue's business.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from riposte.cooperations.models import Debrief, DebriefStatus, GuideEdition, GuideEntry
from riposte.directory.models import Agent, Role
from tests.browser.conftest import check_axe, login
from tests.conftest import PASSWORD
from tests.cooperations.builders import make_event
from tests.cooperations.debrief_builders import cooperation, published, themes

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(world) -> dict:
    facilitator = world["facilitator"]
    newcomer = Agent.objects.create_user(
        "nina@example.org", PASSWORD, role=Role.AGENT, service=world["service"],
        first_name="Nina", last_name="Belkacem",
    )  # fmt: skip
    coop = cooperation(world["agent"], event=make_event(), title="Colis alimentaires à Bondy")
    # Another published debrief, on another theme: the guide has two chapters to order.
    published(
        facilitator,
        cooperation(facilitator, title="Vélos partagés", partner="Vélo Solidaire 93"),
        themes=themes("mobilite"),
    )
    return {**world, "newcomer": newcomer, "coop": coop}


def test_debrief_then_guide(page: Page, site_url, scene, browser) -> None:
    coop, facilitator, newcomer = scene["coop"], scene["facilitator"], scene["newcomer"]
    debrief_url = f"{site_url}/cooperations/{coop.pk}/debrief/"

    # The facilitator opens the debrief and invites the newcomer by e-mail.
    login(page, site_url, facilitator.email)
    page.goto(debrief_url)
    check_axe(page, "no debrief yet")
    page.locator(f"form[action='/cooperations/{coop.pk}/debrief/open/'] button").click()
    expect(page.locator("#id_emails")).to_be_visible()
    check_axe(page, "debrief, just opened")
    page.locator("#id_emails").fill(newcomer.email)
    page.locator(f"form[action='/cooperations/{coop.pk}/debrief/invite/'] button").click()
    expect(page.locator("aside")).to_contain_text("Nina Belkacem")

    # The newcomer contributes, in another browser context.
    other = browser.new_context(bypass_csp=True, locale="fr-FR")
    mine = other.new_page()
    login(mine, site_url, newcomer.email)
    mine.goto(f"{site_url}/cooperations/{coop.pk}/debrief/contribute/")
    check_axe(mine, "contribution form")
    mine.locator("#id_advice").fill("Échangez vos numéros directs avant la crise <b>!</b>")
    mine.locator("#id_what_worked").fill("Un tableur partagé, mis à jour chaque soir.")
    mine.locator("main form button[type=submit]").click()
    expect(mine).to_have_url(debrief_url)
    expect(mine.locator("main")).to_contain_text(
        "Échangez vos numéros directs avant la crise <b>!</b>"
    )
    other.close()

    # The facilitator writes the consolidated text from it (pre-filled), then publishes.
    page.goto(f"{site_url}/cooperations/{coop.pk}/debrief/edit/")
    expect(page.locator("#id_advice")).to_have_value(
        "— Nina Belkacem: Échangez vos numéros directs avant la crise <b>!</b>"
    )
    check_axe(page, "consolidated text form")
    page.locator("#id_advice").fill("Échangez vos numéros directs avant la crise.")
    page.locator(f"input[name=themes][value='{themes('aide-alimentaire')[0].pk}']").check()
    page.locator("main form.debrief-form button[type=submit]").click()
    expect(page).to_have_url(debrief_url)
    for action in ("review", "publish"):
        page.locator(f"form:has(input[name=action][value={action}]) button").click()
        expect(page).to_have_url(debrief_url)
    assert Debrief.objects.get(cooperation=coop).status == DebriefStatus.PUBLISHED
    check_axe(page, "published debrief")

    # The guide: compile, then order the chapters with the keyboard only.
    page.goto(f"{site_url}/cooperations/guide/")
    check_axe(page, "guide home, no edition yet")
    page.locator("form[action='/cooperations/guide/compile/'] button").click()
    expect(page).to_have_url(f"{site_url}/cooperations/guide/draft/")
    check_axe(page, "draft of the guide")
    first = page.locator("#chapters-theme > li").first
    first_id = first.get_attribute("id")
    down = page.locator(f"#{first_id}-down")
    down.focus()
    page.keyboard.press("Enter")
    # HTMX swapped the list: the chapter is second, the focus stayed on its button, and the
    # live region says where it went.
    expect(page.locator("#chapters-theme > li").nth(1)).to_have_attribute("id", first_id)
    expect(page.locator(f"#{first_id}-down")).to_be_focused()
    expect(page.locator("#guide-announce")).not_to_be_empty()
    check_axe(page, "draft after a move")
    # Leave an entry out, from the keyboard too.
    entry = GuideEntry.objects.filter(chapter__grouping="event").first()
    page.locator(f"#chapter-{entry.chapter_id} details summary").focus()
    page.keyboard.press("Enter")
    page.locator(f"#entry-{entry.pk}-out").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#entry-{entry.pk}")).to_have_class("left-out")

    # Publish the edition, read it, download its PDF.
    page.locator("form[action='/cooperations/guide/draft/publish/'] button").click()
    expect(page).to_have_url(f"{site_url}/cooperations/guide/1/")
    assert GuideEdition.objects.get().number == 1
    expect(page.locator("main")).to_contain_text("Échangez vos numéros directs avant la crise.")
    check_axe(page, "edition 1 by theme")
    page.goto(f"{site_url}/cooperations/guide/1/emergencies/")
    check_axe(page, "edition 1 by emergency")
    with page.expect_download() as download:
        page.locator("a[href='/cooperations/guide/1.pdf']").first.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename == "guide-riposte-edition-1.pdf"
