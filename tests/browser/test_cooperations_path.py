"""The cooperations module's whole path in one go, as issue 4 describes it, with axe on every page.

A new agent records a cooperation between their service and an association during the spring
2020 lockdown, finds it on the graph (focused on the association) and on the map of actors, and
contributes to its debrief. A facilitator publishes the debrief, compiles a guide edition,
publishes it and downloads its PDF.

The details of each step (the picker, the keyboard on the graph, reordering the guide...) have
their own tests: test_cooperations_journey.py, test_cooperations_graph.py and
test_cooperations_guide.py. Selectors use ids, names and form actions: the words are French.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from riposte.cooperations.models import Cooperation, Debrief, DebriefStatus, GuideEdition
from riposte.cooperations.services import actor_for_service
from riposte.directory.models import Agent, Role
from riposte.initiatives.models import Theme
from tests.browser.conftest import check_axe, french_page, login
from tests.conftest import PASSWORD
from tests.cooperations.builders import make_actor, make_commune, make_event

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(world) -> dict:
    # Live-server tests empty the tables between tests, the data migrations' rows too.
    theme, _ = Theme.objects.get_or_create(
        slug="aide-alimentaire", defaults={"name": "Aide alimentaire", "name_en": "Food aid"}
    )
    pantin = make_commune("Pantin", "93055")
    newcomer = Agent.objects.create_user(
        "nadia@example.org", PASSWORD, role=Role.AGENT, service=world["service"],
        first_name="Nadia", last_name="Ferhat",
    )  # fmt: skip
    return {
        **world,
        "theme": theme,
        "newcomer": newcomer,
        "lockdown": make_event(),
        "service_actor": actor_for_service(service=world["service"]),
        "association": make_actor(
            "Épicerie solidaire Le Panier partagé", by=world["facilitator"], commune=pantin
        ),
    }


def test_record_map_debrief_publish_and_download_the_guide(webgl_browser: Browser, site_url, scene):
    newcomer, facilitator = scene["newcomer"], scene["facilitator"]
    association, service_actor = scene["association"], scene["service_actor"]

    # The new agent records the cooperation.
    agent_page = french_page(webgl_browser)
    login(agent_page, site_url, newcomer.email)
    agent_page.goto(f"{site_url}/cooperations/new/")
    check_axe(agent_page, "cooperation form")
    agent_page.locator("#id_title").fill("Colis alimentaires pour les familles privées de cantine")
    agent_page.locator("#id_description").fill(
        "Chaque semaine, l'épicerie prépare les colis et le service les livre aux familles."
    )
    for actor, words in ((association, "panier"), (service_actor, "enfance")):
        agent_page.locator("#id_actors-filter").fill(words)
        agent_page.locator(f"#id_actors-opt-{actor.pk}").check()
    expect(agent_page.locator("#id_actors-chosen li")).to_have_count(2)
    agent_page.locator("#id_started_on").fill("2020-03-23")
    agent_page.locator("#id_event").select_option(str(scene["lockdown"].pk))
    agent_page.locator(f"input[name=themes][value='{scene['theme'].pk}']").check()
    agent_page.locator("button[name=save]").click()
    expect(agent_page.locator(".message-success")).to_be_visible()
    cooperation = Cooperation.objects.get(title__startswith="Colis alimentaires")
    expect(agent_page.locator(".coop-badge-new")).to_be_visible()
    check_axe(agent_page, "the cooperation's page")

    # It is on the graph: focused on the association, its partner is the service.
    agent_page.goto(f"{site_url}/cooperations/graph/?focus={association.pk}")
    expect(agent_page.locator("#graph-canvas")).to_have_attribute("data-ready", "true")
    expect(agent_page.locator("#focus-title")).to_have_text(association.name)
    expect(agent_page.locator("#focus-panel table")).to_contain_text(service_actor.name)
    check_axe(agent_page, "the graph, focused on the association")
    # And on the map of actors, with its commune.
    agent_page.goto(f"{site_url}/cooperations/map/")
    expect(agent_page.locator("main table")).to_contain_text(association.name)
    expect(agent_page.locator("main table")).to_contain_text("Pantin")
    check_axe(agent_page, "the map of actors")

    # The facilitator opens the debrief and invites the agent.
    debrief_url = f"{site_url}/cooperations/{cooperation.pk}/debrief/"
    page = french_page(webgl_browser)
    login(page, site_url, facilitator.email)
    page.goto(debrief_url)
    page.locator(f"form[action='/cooperations/{cooperation.pk}/debrief/open/'] button").click()
    page.locator("#id_emails").fill(newcomer.email)
    page.locator(f"form[action='/cooperations/{cooperation.pk}/debrief/invite/'] button").click()
    expect(page.locator("aside")).to_contain_text("Nadia Ferhat")
    check_axe(page, "the debrief, opened")

    # The agent contributes.
    agent_page.goto(f"{site_url}/cooperations/{cooperation.pk}/debrief/contribute/")
    check_axe(agent_page, "the contribution form")
    agent_page.locator("#id_advice").fill("Gardez les numéros directs des bénévoles.")
    agent_page.locator("#id_what_worked").fill("Une tournée fixe chaque mardi.")
    agent_page.locator("main form button[type=submit]").click()
    expect(agent_page).to_have_url(debrief_url)
    expect(agent_page.locator("main")).to_contain_text("Gardez les numéros directs des bénévoles.")

    # The facilitator consolidates, has it reviewed, publishes.
    page.goto(f"{site_url}/cooperations/{cooperation.pk}/debrief/edit/")
    page.locator("#id_advice").fill("Gardez les numéros directs des bénévoles.")
    page.locator(f"input[name=themes][value='{scene['theme'].pk}']").check()
    page.locator("main form.debrief-form button[type=submit]").click()
    expect(page).to_have_url(debrief_url)
    for action in ("review", "publish"):
        page.locator(f"form:has(input[name=action][value={action}]) button").click()
        expect(page).to_have_url(debrief_url)
    assert Debrief.objects.get(cooperation=cooperation).status == DebriefStatus.PUBLISHED
    check_axe(page, "the published debrief")

    # The guide: compile an edition, publish it, download its PDF.
    page.goto(f"{site_url}/cooperations/guide/")
    page.locator("form[action='/cooperations/guide/compile/'] button").click()
    expect(page).to_have_url(f"{site_url}/cooperations/guide/draft/")
    check_axe(page, "the draft edition")
    page.locator("form[action='/cooperations/guide/draft/publish/'] button").click()
    expect(page).to_have_url(f"{site_url}/cooperations/guide/1/")
    assert GuideEdition.objects.get().number == 1
    expect(page.locator("main")).to_contain_text("Gardez les numéros directs des bénévoles.")
    check_axe(page, "edition 1")
    with page.expect_download() as download:
        page.locator("a[href='/cooperations/guide/1.pdf']").first.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
