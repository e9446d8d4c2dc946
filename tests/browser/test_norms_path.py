"""The norms module's whole path in one go, as issue 5 describes it, with axe on every page.

A new agent proposes, from an initiative that needs it, the authorisation to contact associations
directly; tells how they used it and adds an argument for it. A facilitator opens a secret
consultation; the agent and a colleague vote. The consultation closes (its dates are moved into
the past, then the worker's job seals it). A decision-maker records the decision to keep it, with
a review date; the voters find the decision among their notifications.

Selectors use ids, names and URLs: the words are French.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from riposte.core.models import Notification
from riposte.directory.models import Agent, Role
from riposte.initiatives.services import InitiativeData, initiative_create
from riposte.norms.models import Ballot, Consultation, Norm, NormStatus, Voter
from riposte.norms.tasks import consultations_seal_due
from tests.browser.conftest import check_axe, french_page, login
from tests.conftest import PASSWORD
from tests.norms.builders import close

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(world) -> dict:
    newcomer = Agent.objects.create_user(
        "nadia@example.org", PASSWORD, role=Role.AGENT, service=world["service"],
        first_name="Nadia", last_name="Ferhat", language="fr",
    )  # fmt: skip
    initiative = initiative_create(
        author=newcomer,
        data=InitiativeData(
            title="Des colis alimentaires livrés par les associations du quartier",
            problem="Les familles privées de cantine n'ont plus de repas le midi.",
            idea="Appeler directement les associations qui livrent, sans passer par le cabinet.",
            whole_department=True,
            needs_authorisation=True,
            authorisation="Contacter directement une association pour organiser une livraison.",
        ),
        submit=True,
    )
    return {**world, "newcomer": newcomer, "initiative": initiative}


def test_propose_testify_argue_vote_decide_and_notify(browser: Browser, site_url, scene):
    newcomer, facilitator = scene["newcomer"], scene["facilitator"]
    colleague, decision_maker = scene["agent"], scene["decision_maker"]

    # The new agent proposes the authorisation their initiative needs.
    page = french_page(browser)
    login(page, site_url, newcomer.email)
    page.goto(f"{site_url}/initiatives/{scene['initiative'].pk}/")
    page.locator(f"a[href='/norms/new/?initiative={scene['initiative'].pk}']").click()
    expect(page.locator("#id_title")).not_to_have_value("")
    check_axe(page, "the norm form, from an initiative")
    page.locator("#id_title").fill("Contacter directement une association")
    page.locator("#id_kind").select_option("autorisation")
    page.locator("#id_origin").fill("Note de la DGS du 17 mars 2020")
    page.locator("#id_granted_by").fill("Directeur général des services")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_have_text("Contacter directement une association")
    norm = Norm.objects.get(title="Contacter directement une association")
    assert list(norm.initiatives.all()) == [scene["initiative"]]
    check_axe(page, "the new norm's page")

    # A testimony, then an argument for it.
    page.locator("details.add-testimony summary").click()
    page.locator("#id_made_possible").fill("Trois cents colis livrés en deux jours, sans attendre.")
    page.locator("form[action$='/testimonies/'] button[type=submit]").click()
    expect(page.locator(".testimonies, #testimonies").first).to_contain_text("Trois cents colis")
    page.locator("details.add-argument summary").first.click()
    page.locator("#id_pour-title").fill("Les familles sont servies dans la semaine")
    page.locator("form[action$='/arguments/'] button[type=submit]").first.click()
    expect(page.locator("h4.argument-title")).to_have_text(
        "Les familles sont servies dans la semaine"
    )
    check_axe(page, "the norm's page with a testimony and an argument")

    # A facilitator opens a secret consultation, open now.
    facilitator_page = french_page(browser)
    login(facilitator_page, site_url, facilitator.email)
    facilitator_page.goto(f"{site_url}/norms/{norm.pk}/consultations/new/")
    check_axe(facilitator_page, "the consultation form")
    facilitator_page.locator("#id_question").fill("Faut-il garder cette autorisation ?")
    # The form reads the site's local time; the minute is cut, so this is open already (and
    # still today, even just after midnight).
    now = timezone.localtime()
    facilitator_page.locator("#id_opens_at").fill(now.strftime("%Y-%m-%dT%H:%M"))
    facilitator_page.locator("#id_closes_at").fill(
        (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    )
    facilitator_page.locator("main form button[type=submit]").last.click()
    expect(facilitator_page).to_have_url(f"{site_url}/norms/{norm.pk}/#consultation")
    consultation = Consultation.objects.get(norm=norm)
    assert consultation.secret

    # The agent and a colleague vote.
    page.goto(f"{site_url}/norms/{norm.pk}/")
    check_axe(page, "the norm's page, consultation open")
    page.locator("#choice-pour").check()
    page.locator(f"form[action='/norms/consultations/{consultation.pk}/vote/'] button").click()
    # The page says the vote is taken, and how to change it; the turnout counts it.
    expect(page.locator("#my-vote")).to_contain_text("Votre vote : Pour")
    expect(page.locator("#consultation-turnout")).to_contain_text("1 agent a voté")
    check_axe(page, "the norm's page, after the vote")
    colleague_page = french_page(browser)
    login(colleague_page, site_url, colleague.email)
    colleague_page.goto(f"{site_url}/norms/{norm.pk}/")
    colleague_page.locator("#choice-contre").check()
    colleague_page.locator(
        f"form[action='/norms/consultations/{consultation.pk}/vote/'] button"
    ).click()
    expect(colleague_page.locator("#my-vote")).to_contain_text("Votre vote : Contre")
    assert Voter.objects.filter(consultation=consultation).count() == 2
    assert Ballot.objects.filter(consultation=consultation, voter__isnull=True).count() == 2

    # Time runs out; the worker seals the result.
    close(consultation)
    assert consultations_seal_due.call() == 1

    # The decision-maker records the decision, with a review date in a year.
    decider_page = french_page(browser)
    login(decider_page, site_url, decision_maker.email)
    decider_page.goto(f"{site_url}/norms/{norm.pk}/")
    check_axe(decider_page, "the norm's page, consultation sealed")
    decider_page.locator(f"a[href='/norms/{norm.pk}/decide/']").click()
    check_axe(decider_page, "the decision form")
    decider_page.locator("input[name=outcome][value=keep]").check()
    decider_page.locator("#id_rationale").fill(
        "Les livraisons ont été plus rapides et sans incident."
    )
    review = timezone.localdate() + dt.timedelta(days=365)
    decider_page.locator("#id_next_review_on").fill(review.isoformat())
    decider_page.locator("main form button[type=submit]").first.click()
    expect(decider_page).to_have_url(re.compile(rf"/norms/{norm.pk}/(#.*)?$"))
    norm.refresh_from_db()
    assert (norm.status, norm.review_on) == (NormStatus.SUSTAINED, review)
    check_axe(decider_page, "the norm's page, decided")

    # The voters are told.
    for voter, voter_page in ((newcomer, page), (colleague, colleague_page)):
        assert Notification.objects.filter(recipient=voter, url=f"/norms/{norm.pk}/",
                                           message__startswith="Décision").exists()  # fmt: skip
        voter_page.goto(f"{site_url}/notifications/")
        expect(voter_page.locator("main")).to_contain_text(
            "Décision sur « Contacter directement une association"
        )
        check_axe(voter_page, "the voter's notifications")
