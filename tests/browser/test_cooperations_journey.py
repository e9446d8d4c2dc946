"""The cooperations module as its users live it, in a real browser, with axe on every page.

A new agent proposes an association (Riposte first shows the known one of that name), records a
cooperation between their service and that association during the spring 2020 lockdown, choosing
the actors with the keyboard in the searchable picker, and sees on its page that it is a first
time. A facilitator validates the association from the queue.

(The graph, the debrief and the guide extend this journey in their own tests.)

Texts are checked through classes and form values, not words: the pages are in French, and the
French of this module comes with the catalogue.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from riposte.cooperations.models import Actor, ActorStatus, Cooperation
from riposte.cooperations.services import actor_for_service
from riposte.directory.models import Agent, Role
from riposte.initiatives.models import Theme
from tests.browser.conftest import check_axe, login
from tests.conftest import PASSWORD
from tests.cooperations.builders import make_actor, make_commune, make_event

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(world) -> dict:
    # Live-server tests empty the tables between tests, the data migrations' rows too.
    Theme.objects.get_or_create(
        slug="aide-alimentaire", defaults={"name": "Aide alimentaire", "name_en": "Food aid"}
    )
    pantin = make_commune("Pantin", "93055")
    newcomer = Agent.objects.create_user(
        "nadia@example.org", PASSWORD, role=Role.AGENT, service=world["service"],
        first_name="Nadia", last_name="Ferhat",
    )  # fmt: skip
    return {
        **world,
        "newcomer": newcomer,
        "pantin": pantin,
        "lockdown": make_event(),
        "service_actor": actor_for_service(service=world["service"]),
        "known": make_actor("Secours populaire de Pantin", by=world["facilitator"], commune=pantin),
    }


def test_propose_an_actor_record_a_first_time_cooperation_and_validate(
    page: Page, site_url, journey
):
    newcomer = journey["newcomer"]
    login(page, site_url, newcomer.email)

    # The menu leads to the module's home: the cooperations, with their filters.
    page.locator(".main-nav a[href='/cooperations/']").click()
    expect(page).to_have_url(f"{site_url}/cooperations/")
    check_axe(page, "cooperations list")
    page.goto(f"{site_url}/cooperations/actors/")
    check_axe(page, "actors list")
    page.goto(f"{site_url}/cooperations/events/")
    expect(page.locator("main table")).to_contain_text("Confinement du printemps 2020")
    check_axe(page, "emergencies")

    # Propose an association: the known one of that name shows up while the name is typed.
    page.goto(f"{site_url}/cooperations/actors/new/")
    check_axe(page, "actor form")
    page.locator("#id_name").fill("secours POPULAIRE de pantin")
    known = page.locator("#duplicates a", has_text="Secours populaire de Pantin")
    expect(known).to_be_visible()
    check_axe(page, "actor form with a duplicate shown")
    page.locator("#id_name").fill("Épicerie solidaire Le Panier partagé")
    expect(known).to_have_count(0)
    page.locator("#id_kind").select_option("association")
    page.locator("#id_commune").select_option(str(journey["pantin"].pk))
    page.locator("#id_description").fill("Produits à petit prix et accompagnement budgétaire.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    panier = Actor.objects.get(name="Épicerie solidaire Le Panier partagé")
    assert (panier.status, panier.proposed_by) == (ActorStatus.PROPOSED, newcomer)
    expect(page.locator("h1")).to_have_text(panier.name)
    expect(page.locator(".coop-badge-suggested")).to_be_visible()  # proposed, not validated
    check_axe(page, "the proposed actor's page")

    # Record the cooperation. The picker replaces the multiple select: search, then tick.
    page.goto(f"{site_url}/cooperations/new/")
    expect(page.locator("#id_actors")).to_be_hidden()
    check_axe(page, "cooperation form")
    page.locator("#id_title").fill("Colis alimentaires pour les familles privées de cantine")
    page.locator("#id_description").fill(
        "Chaque semaine, l'épicerie prépare les colis et le service les livre aux familles."
    )
    search = page.locator("#id_actors-filter")
    search.fill("panier")
    expect(page.locator("#id_actors-options li:visible")).to_have_count(1)
    # With the keyboard: from the search box, Tab to the only checkbox shown, Space to tick it.
    search.focus()
    page.keyboard.press("Tab")
    expect(page.locator(f"#id_actors-opt-{panier.pk}")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator(f"#id_actors-opt-{panier.pk}")).to_be_checked()
    search.fill("enfance")
    page.locator(f"#id_actors-opt-{journey['service_actor'].pk}").check()
    expect(page.locator("#id_actors-chosen li")).to_have_count(2)
    # A role field appeared for each chosen actor.
    page.locator(f"#id_role_{panier.pk}").fill("prépare les colis")
    page.locator("#id_started_on").fill("2020-03-23")
    page.locator("#id_event").select_option(str(journey["lockdown"].pk))
    page.locator("input[name=themes]").first.check()
    check_axe(page, "cooperation form, filled in")
    page.locator("button[name=save]").click()

    expect(page.locator(".message-success")).to_be_visible()
    cooperation = Cooperation.objects.get(title__startswith="Colis alimentaires")
    assert set(cooperation.actors.all()) == {panier, journey["service_actor"]}
    assert cooperation.participations.get(actor=panier).role == "prépare les colis"
    assert cooperation.is_unprecedented
    # Its page says it is a first time, and which pair met for the first time.
    expect(page).to_have_url(f"{site_url}/cooperations/{cooperation.pk}/")
    expect(page.locator(".coop-badge-new")).to_be_visible()
    expect(page.locator(".pairs li")).to_have_count(1)
    expect(page.locator(".pairs li")).to_contain_text(panier.name)
    expect(page.locator("main")).to_contain_text("prépare les colis")
    check_axe(page, "the cooperation's page")
    page.locator("form[action='/auth/logout/'] button").click()

    # The facilitator validates the association from the queue.
    login(page, site_url, journey["facilitator"].email)
    page.goto(f"{site_url}/cooperations/queue/")
    row = page.locator("table.queue tbody tr", has_text=panier.name)
    expect(row).to_be_visible()
    check_axe(page, "the facilitators' queue")
    row.locator(f"form[action='/cooperations/actors/{panier.pk}/validate/'] button").click()
    expect(page.locator(".message-success")).to_be_visible()
    panier.refresh_from_db()
    assert (panier.status, panier.validated_by) == (ActorStatus.VALIDATED, journey["facilitator"])
    page.goto(f"{site_url}/cooperations/actors/{panier.pk}/")
    expect(page.locator(".coop-badge-suggested")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(cooperation.title)
    check_axe(page, "the validated actor's page")


def test_the_cooperation_form_works_without_javascript(browser, site_url, journey):
    """Without JavaScript the picker is the multiple select itself, and proposing a missing
    actor keeps what was typed."""
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        login(page, site_url, journey["newcomer"].email)
        page.goto(f"{site_url}/cooperations/new/")
        expect(page.locator("#id_actors")).to_be_visible()
        page.locator("#id_title").fill("Prêt d'ordinateurs aux collégiens")
        page.locator("#id_actors").select_option([str(journey["service_actor"].pk)])
        page.locator(".quick-actor summary").click()
        page.locator("#id_new_actor_name").fill("Collège Jean-Moulin d'Aubervilliers")
        page.locator("#id_new_actor_kind").select_option("etablissement_scolaire")
        page.locator("button[name=propose_actor]").click()

        school = Actor.objects.get(name="Collège Jean-Moulin d'Aubervilliers")
        expect(page.locator("#id_title")).to_have_value("Prêt d'ordinateurs aux collégiens")
        selected = page.locator("#id_actors option:checked")
        expect(selected).to_have_count(2)
        expect(page.locator(f"#id_actors option[value='{school.pk}']")).to_be_attached()
        assert set(selected.evaluate_all("options => options.map(o => o.value)")) == {
            str(journey["service_actor"].pk),
            str(school.pk),
        }
    finally:
        context.close()
