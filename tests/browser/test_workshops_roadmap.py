"""The roadmap in a browser: its pages pass axe-core in French and in English and do not scroll
sideways at 360 px; a milestone moves between horizons with the keyboard alone (and by drag and
drop with a mouse); the facilitator turns a milestone into an initiative and finds the link on
both pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from riposte.workshops.milestones import MilestoneData, milestone_edit
from riposte.workshops.models import Horizon, Milestone, WorkshopStatus
from riposte.workshops.services import participant_join
from tests.browser.conftest import check_axe, french_page, login, switch_to_english
from tests.workshops.builders import guest_url, invite, make_workshop
from tests.workshops.roadmap_builders import make_milestone, make_note

pytestmark = pytest.mark.browser


@pytest.fixture
def roadmap(world) -> dict[str, Any]:
    """The seed workshop's axis 1 (held in 2020: its dated milestones are late), owned in part
    by the agent; a note of the stages not on the roadmap yet; a guest."""
    facilitator, agent = world["facilitator"], world["agent"]
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    make_note(workshop, by=agent, text="Hacker les CTAP")
    made = {}
    for key, title, horizon in (
        ("coop", "Identifier les coopérations inédites", Horizon.MONTH),
        ("map", "Cartographier les acteurs coopérant et débriefer avec eux", Horizon.MONTH),
        ("law", "Voter la loi 4D", Horizon.SIX_MONTHS),
        ("guide", "Développer un guide pratique à partir du débrief", Horizon.SIX_MONTHS),
        ("spaces", "Mettre des espaces de travail à des échelles territorialisées", Horizon.YEAR),
        ("houses", "Ouvrir des maisons collaboratives sur le territoire", Horizon.IDEAL),
    ):
        made[key] = make_milestone(workshop, by=facilitator, title=title, horizon=horizon)
    law = made["law"]
    milestone_edit(milestone=law, by=facilitator, version=law.version,
                   data=MilestoneData(title=law.title, owner=agent, due_on=law.due_on))  # fmt: skip
    _guest, key = invite(workshop)
    return {**world, **made, "workshop": workshop, "guest_key": key}


Paths = dict[str, Callable[[dict[str, Any]], str]]
PAGES: dict[str, Paths] = {
    "facilitator": {
        "roadmap": lambda r: f"/workshops/{r['workshop'].pk}/roadmap/",
        "milestone": lambda r: f"/workshops/milestones/{r['law'].pk}/",
        "all": lambda r: "/workshops/roadmap/",
        "cooperation-form": lambda r: f"/cooperations/new/?from=milestone%3A{r['map'].pk}",
    },
    "agent": {
        "roadmap": lambda r: f"/workshops/{r['workshop'].pk}/roadmap/",
        "milestone-owned": lambda r: f"/workshops/milestones/{r['law'].pk}/",
        "mine": lambda r: "/workshops/roadmap/?mine=on",
        "filtered": lambda r: f"/workshops/roadmap/?workshop={r['workshop'].pk}&late=on&status=all",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_roadmap_pages_are_accessible(page: Page, site_url, roadmap, role, language):
    login(page, site_url, roadmap[role].email)
    if language == "en":
        switch_to_english(page)
    failures = []
    for name, path in PAGES[role].items():
        response = page.goto(site_url + path(roadmap))
        assert response is not None and response.status == 200, (name, response and response.status)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("main h1")).to_have_count(1)
        try:
            check_axe(page, f"{name} as {role} ({language})")
        except pytest.fail.Exception as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


def test_a_guest_reads_the_roadmap_accessibly(page: Page, site_url, roadmap):
    page.goto(site_url + guest_url(roadmap["guest_key"]))
    page.goto(f"{site_url}/workshops/{roadmap['workshop'].pk}/roadmap/")
    expect(page.locator("main h1")).to_have_text("Feuille de route")
    expect(page.get_by_text("Voter la loi 4D")).to_be_visible()
    check_axe(page, "roadmap as a guest")


@pytest.mark.parametrize("which", ["roadmap", "all"])
def test_no_horizontal_scroll_at_360px(page: Page, site_url, roadmap, which):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, site_url, roadmap["facilitator"].email)
    page.goto(site_url + PAGES["facilitator"][which](roadmap))
    expect(page.locator("main h1")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{which} is {width} px wide at a 360 px viewport"


def test_the_late_milestones_say_so_in_words(page: Page, site_url, roadmap):
    login(page, site_url, roadmap["agent"].email)
    page.goto(f"{site_url}/workshops/roadmap/?mine=on")
    card = page.locator(f"#milestone-{roadmap['law'].pk}")
    expect(card.locator(".late-badge")).to_have_text("⚠ En retard")


def test_a_milestone_moves_between_horizons_with_the_keyboard_alone(page: Page, site_url, roadmap):
    law: Milestone = roadmap["law"]
    login(page, site_url, roadmap["facilitator"].email)
    page.goto(f"{site_url}/workshops/{roadmap['workshop'].pk}/roadmap/")
    select = page.locator(f"#move-{law.pk}")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == f"move-{law.pk}":
            break
    else:
        pytest.fail("the milestone's horizon cannot be reached with Tab")
    page.keyboard.press("ArrowDown")  # 6 mois → 1 an
    expect(select).to_have_value(Horizon.YEAR)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_contain_text("Déplacer")
    page.keyboard.press("Enter")

    column = page.locator(f"#axis-{law.axis_id} .roadmap-column[data-horizon='1y']")
    expect(column.locator(f"#milestone-{law.pk}")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("« Voter la loi 4D » est maintenant")
    # Back from the move, the keyboard goes on from the milestone.
    expect(page.locator(f"#milestone-{law.pk}")).to_be_focused()
    law.refresh_from_db()
    assert (law.horizon, law.position) == (Horizon.YEAR, 1)
    # Then up, with the arrow button, still with the keyboard.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    for _ in range(4):
        if "monter" in (page.evaluate("document.activeElement.textContent") or ""):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"#milestone-{law.pk}")).to_be_focused()
    law.refresh_from_db()
    assert (law.horizon, law.position) == (Horizon.YEAR, 0)


def test_a_milestone_is_dragged_to_another_horizon(page: Page, site_url, roadmap):
    houses: Milestone = roadmap["houses"]
    login(page, site_url, roadmap["facilitator"].email)
    page.goto(f"{site_url}/workshops/{roadmap['workshop'].pk}/roadmap/")
    target = page.locator(f"#axis-{houses.axis_id} .roadmap-column[data-horizon='2y']")
    # By the mouse: pressed on the milestone's edge (its middle holds the move form), released
    # near the top of the other horizon.
    source = page.locator(f"#milestone-{houses.pk}")
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    assert start is not None and end is not None
    page.mouse.move(start["x"] + 4, start["y"] + 4)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 40, steps=10)
    page.mouse.move(end["x"] + end["width"] / 2 + 2, end["y"] + 42)
    page.mouse.up()
    expect(target.locator(f"#milestone-{houses.pk}")).to_be_visible()
    houses.refresh_from_db()
    assert houses.horizon == Horizon.TWO_YEARS
    assert houses.due_on is not None  # the horizon gives it a date the ideal had not


def test_the_facilitator_turns_a_milestone_into_an_initiative(browser: Browser, site_url, roadmap):
    houses: Milestone = roadmap["houses"]
    page = french_page(browser)
    login(page, site_url, roadmap["facilitator"].email)
    page.goto(f"{site_url}/workshops/{roadmap['workshop'].pk}/roadmap/")
    page.get_by_role("link", name=houses.title).click()
    expect(page.locator("main h1")).to_have_text(houses.title)
    page.get_by_role("button", name="En faire une initiative").click()

    # The draft initiative, with where it comes from.
    expect(page.locator("main h1")).to_have_text(houses.title)
    origin = page.locator(".milestone-origin a")
    expect(origin).to_have_text(
        f"Issu de l'atelier « {roadmap['workshop'].title} », jalon « {houses.title} »"
    )
    check_axe(page, "the initiative made of a milestone")
    initiative_url = page.url
    # And back: the milestone says what it became.
    origin.click()
    became = page.locator(".milestone-became a")
    expect(became).to_have_text(houses.title)
    assert initiative_url.endswith(became.get_attribute("href") or "-")
    page.goto(f"{site_url}/workshops/{roadmap['workshop'].pk}/roadmap/")
    expect(page.locator(f"#milestone-{houses.pk} .milestone-became")).to_contain_text(
        "Devenu l'initiative"
    )
    page.context.close()
