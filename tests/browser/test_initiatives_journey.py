"""The initiatives module as its users live it, in a real browser, with axe on every page.

An agent brings an initiative forward and is shown that a colleague had the same idea; they join
forces, support another initiative and ask the support team for design help. A facilitator picks
the request from the queue and moves the initiative to "accompagnée"; the agent is told.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from riposte.directory.models import Agent, Commune, Role
from riposte.initiatives.models import HelpRequest, Initiative, Stage
from riposte.initiatives.services import InitiativeData, initiative_create, initiative_move
from tests.browser.conftest import check_axe, login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(world) -> dict:
    colleague = Agent.objects.create_user(
        "bruno@example.org", PASSWORD, role=Role.AGENT, service=world["service"],
        first_name="Bruno", last_name="Keita",
    )  # fmt: skip
    seniors = initiative_create(
        author=colleague,
        data=InitiativeData(
            title="Appeler chaque semaine les personnes âgées isolées",
            problem="Depuis le confinement, des personnes âgées qui vivent seules n'ont plus de "
            "visite et le CCAS découvre les situations graves trop tard.",
            idea="Des agents volontaires appellent chaque semaine les seniors inscrits au CCAS.",
            whole_department=True,
        ),
        submit=True,
    )
    initiative_move(
        initiative=seniors, by=world["facilitator"], to_stage=Stage.QUALIFIED,
        reason="Besoin confirmé avec le CCAS.",
    )  # fmt: skip
    bikes = initiative_create(
        author=colleague,
        data=InitiativeData(
            title="Des vélos de service pour les visites à domicile",
            problem="Les travailleurs sociaux perdent une heure par jour dans les bouchons.",
            idea="Une flotte de vélos à assistance électrique partagée entre trois antennes.",
            whole_department=True,
        ),
        submit=True,
    )
    return {**world, "colleague": colleague, "seniors": seniors, "bikes": bikes}


def test_bring_forward_join_forces_support_ask_help_and_get_accompanied(
    page: Page, site_url, journey
):
    agent, seniors, bikes = journey["agent"], journey["seniors"], journey["bikes"]
    login(page, site_url, agent.email)

    # The menu leads to the initiatives; the list and the form pass axe.
    page.locator(".main-nav a", has_text="Initiatives").click()
    expect(page.locator("main h1")).to_have_text("Initiatives")
    check_axe(page, "list")
    page.locator("main a.button-primary").click()
    check_axe(page, "new initiative form")

    # While the agent types, the colleague's initiative is suggested: other words, same idea.
    page.locator("#id_title").fill("Téléphoner à nos aînés qui vivent seuls")
    page.locator("#id_problem").fill(
        "Avec le confinement, nos anciens ne voient plus personne et on ne sait pas s'ils "
        "tiennent le coup : il faudrait les contacter régulièrement."
    )
    suggestion = page.locator("#similar a", has_text=seniors.title)
    expect(suggestion).to_be_visible()
    check_axe(page, "form with a suggestion")

    page.locator("#id_idea").fill("Une permanence téléphonique tenue par des agents volontaires.")
    page.locator("#id_whole_department").check()
    # Ask the support team for design help with it, from the form.
    page.locator("input[name=help_profiles][value=design]").check()
    page.locator("button[name=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    mine = Initiative.objects.filter(author=agent).exclude(pk=journey["initiative"].pk).get()
    assert not mine.is_draft
    check_axe(page, "the new initiative's page")

    # Its page suggests the same colleague's initiative: the agent joins forces with it. Their
    # help request and their follow move over (they become co-authors only if Bruno adds them).
    join = page.locator(".similar form", has=page.locator(f"input[value='{seniors.pk}']"))
    join.locator("button").click()
    expect(page).to_have_url(f"{site_url}/initiatives/{seniors.pk}/")
    expect(page.locator("main")).to_contain_text("Design")
    mine.refresh_from_db()
    assert mine.merged_into_id == seniors.pk
    request = HelpRequest.objects.get(initiative=seniors, profile="design")
    check_axe(page, "the joined initiative")

    # The old page stays, and says where the initiative went.
    page.goto(f"{site_url}/initiatives/{mine.pk}/")
    expect(page.locator(".message-info a")).to_have_attribute("href", f"/initiatives/{seniors.pk}/")

    # Support another initiative (HTMX: the count changes in place).
    page.goto(f"{site_url}/initiatives/{bikes.pk}/")
    support = page.locator("#support button")
    expect(support).to_have_attribute("aria-pressed", "false")
    support.click()
    expect(page.locator("#support button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#support [role=status]")).to_contain_text("1")
    assert bikes.supports.filter(agent=agent).exists()

    page.locator("form[action='/auth/logout/'] button").click()

    # The facilitator finds the request in the queue, takes it, and moves the initiative on.
    login(page, site_url, journey["facilitator"].email)
    page.goto(f"{site_url}/initiatives/triage/")
    row = page.locator("table.queue tbody tr", has_text=seniors.title)
    expect(row).to_contain_text("Design")
    check_axe(page, "triage queue")
    row.locator(f"form[action='/initiatives/help/{request.pk}/assign/'] button").click()
    expect(page.locator(".message-success")).to_be_visible()
    request.refresh_from_db()
    assert (request.status, request.assignee_id) == ("assigned", journey["facilitator"].pk)

    page.goto(f"{site_url}/initiatives/{seniors.pk}/")
    page.locator("#id_to_stage").select_option(Stage.SUPPORTED.value)
    page.locator("form[action$='/move/'] textarea").fill("Une designer accompagne l'équipe.")
    page.locator("form[action$='/move/'] button").click()
    expect(page.locator(".stage")).to_have_text("Accompagnée")  # a French browser
    expect(page.locator(".timeline")).to_contain_text("Une designer accompagne l'équipe.")
    check_axe(page, "after the move")
    page.locator("form[action='/auth/logout/'] button").click()

    # The agent, who follows the initiative they joined, hears of it.
    login(page, site_url, agent.email)
    expect(page.locator(".user-nav .badge")).to_be_visible()
    page.goto(f"{site_url}/notifications/")
    expect(page.locator("main")).to_contain_text(seniors.title)
    expect(page.locator("main")).to_contain_text("Une designer accompagne l'équipe.")
    check_axe(page, "notifications")


def test_the_map_shows_a_marker_per_commune_reachable_by_keyboard(page: Page, site_url, world):
    # Live-server tests empty the tables between tests, the communes of the data migration too.
    bobigny, _created = Commune.objects.get_or_create(
        insee_code="93008", defaults={"name": "Bobigny", "latitude": 48.9077, "longitude": 2.4397}
    )
    initiative_create(
        author=world["agent"],
        data=InitiativeData(
            title="Une fresque participative sur le mur de la PMI",
            problem="Le mur est tagué et les familles ne s'y sentent pas bien.",
            idea="Peindre le mur avec les enfants et un artiste du quartier.",
            communes=[bobigny],
        ),
        submit=True,
    )
    login(page, site_url, world["agent"].email)
    # Without animations (as the agent's system may ask): axe sees the popup as it ends up, not
    # half faded in.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{site_url}/initiatives/map/")
    marker = page.locator(".leaflet-marker-icon.map-count")
    expect(marker).to_have_count(1)
    expect(marker).to_have_text("1")
    expect(marker).to_have_attribute("title", "Bobigny : 1 initiative(s)")
    marker.focus()
    page.keyboard.press("Enter")
    expect(
        page.locator(".leaflet-popup-content a", has_text="Une fresque participative")
    ).to_be_visible()
    expect(page.locator("main table")).to_contain_text("Bobigny")
    check_axe(page, "map with a popup open")
