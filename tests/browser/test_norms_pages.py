"""Every page of the norms module passes axe-core's WCAG 2.1 A/AA rules in French and in English,
for the roles that reach it; the list and a norm's page do not scroll sideways at 360 px; an agent
votes with the keyboard alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from riposte.norms.ballots import vote_cast
from riposte.norms.models import Ballot, Choice, Method, NormStatus, Side
from riposte.norms.services import (
    DecisionData,
    argument_add,
    argument_endorse,
    decision_record,
    norm_edit,
)
from riposte.norms.services import (
    testimony_add as add_testimony,
)
from tests.browser.conftest import check_axe, login, switch_to_english
from tests.norms.builders import close, make_consultation, make_norm, norm_data

pytestmark = pytest.mark.browser


@pytest.fixture
def norms(world) -> dict[str, Any]:
    agent, facilitator = world["agent"], world["facilitator"]
    decision_maker = world["decision_maker"]
    debated = make_norm(by=agent, review_on=timezone.localdate() + dt.timedelta(days=20))
    norm_edit(norm=debated, by=facilitator, version=1, note="seuil précisé",
              data=norm_data(text="Sous 1 000 €, un chef de service signe seul le bon de commande."))  # fmt: skip
    add_testimony(norm=debated, by=agent, made_possible="Des masques achetés en un jour.",
                  went_wrong="Un doublon de commande, rattrapé.")  # fmt: skip
    for side, title in ((Side.FOR, "Plus rapide"), (Side.AGAINST, "Moins de contrôle")):
        argument = argument_add(norm=debated, by=facilitator, side=side, title=title,
                                body="Les délais ont été divisés par trois.")  # fmt: skip
        argument_endorse(argument=argument, by=agent)
    make_consultation(norm=debated, by=facilitator)
    consent = make_norm(by=facilitator, title="Télétravail cinq jours par semaine")
    sealed = make_consultation(norm=consent, by=facilitator, method=Method.CONSENT, secret=False)
    vote_cast(consultation=sealed, agent=agent, choice=Choice.OBJECTION, reason="Isolement.")
    vote_cast(consultation=sealed, agent=decision_maker, choice=Choice.CONSENT)
    close(sealed)
    temporary = make_norm(by=agent, status=NormStatus.TEMPORARY, title="Messagerie avec le public",
                          sunset_on=timezone.localdate() + dt.timedelta(days=10))  # fmt: skip
    decided = make_norm(by=agent, title="Rappeler les usagers depuis un portable personnel")
    decision_record(norm=decided, by=decision_maker, data=DecisionData(
        outcome="withdraw", rationale="Des téléphones de service ont été distribués.",
        decided_on=timezone.localdate()))  # fmt: skip
    return {**world, "debated": debated, "consent": consent, "temporary": temporary,
            "decided": decided}  # fmt: skip


Paths = dict[str, Callable[[dict[str, Any]], str]]
PAGES: dict[str, Paths] = {
    "agent": {
        "list": lambda w: "/norms/",
        "list-filtered": lambda w: "/norms/?q=signer&status=en_debat&due=1",
        "debated": lambda w: f"/norms/{w['debated'].pk}/",
        "consent": lambda w: f"/norms/{w['consent'].pk}/",
        "temporary": lambda w: f"/norms/{w['temporary'].pk}/",
        "withdrawn": lambda w: f"/norms/{w['decided'].pk}/",
        "versions": lambda w: f"/norms/{w['debated'].pk}/versions/",
        "new": lambda w: "/norms/new/",
        "new-from-initiative": lambda w: f"/norms/new/?initiative={w['initiative'].pk}",
        "edit": lambda w: f"/norms/{w['debated'].pk}/edit/",
        "calendar": lambda w: "/norms/calendar/",
    },
    "facilitator": {
        "consent": lambda w: f"/norms/{w['consent'].pk}/",
        "consultation-new": lambda w: f"/norms/{w['temporary'].pk}/consultations/new/",
    },
    "decision_maker": {
        "consent": lambda w: f"/norms/{w['consent'].pk}/",
        "decide": lambda w: f"/norms/{w['consent'].pk}/decide/",
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_norms_pages_are_accessible(page: Page, site_url, norms, role, language):
    login(page, site_url, norms[role].email)
    if language == "en":
        switch_to_english(page)
    failures = []
    for name, path in PAGES[role].items():
        response = page.goto(site_url + path(norms))
        assert response is not None and response.status == 200, (name, response and response.status)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("main h1")).to_have_count(1)
        try:
            check_axe(page, f"{name} as {role} ({language})")
        except pytest.fail.Exception as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("which", ["list", "debated"])
def test_no_horizontal_scroll_at_360px(page: Page, site_url, norms, which):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, site_url, norms["agent"].email)
    page.goto(site_url + PAGES["agent"][which](norms))
    expect(page.locator("main h1")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{which} is {width} px wide at a 360 px viewport"


def test_an_agent_votes_with_the_keyboard_alone(page: Page, site_url, norms):
    agent, debated = norms["moderator"], norms["debated"]
    login(page, site_url, agent.email)
    page.goto(f"{site_url}/norms/{debated.pk}/")
    choice = page.locator("#choice-contre")
    # Tab until the "against" answer's group is reached, then choose it with the arrow keys.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "choice":
            break
    else:
        pytest.fail("the vote's answers cannot be reached with Tab")
    while not choice.is_checked():
        page.keyboard.press("ArrowDown")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    expect(page.locator("#consultation")).to_be_visible()
    consultation = debated.consultations.get()
    ballot = Ballot.objects.get(consultation=consultation)
    assert ballot.choice == Choice.AGAINST and ballot.voter is None


def test_a_refused_vote_takes_the_focus_to_its_reason(page: Page, site_url, norms):
    """The refusal is far down a long page: the focus, and so the view, go to it."""
    agent, debated = norms["moderator"], norms["debated"]
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, site_url, agent.email)
    page.goto(f"{site_url}/norms/{debated.pk}/")
    page.locator("#consultation form button[type=submit]").click()  # no answer chosen

    expect(page.locator("#vote-error")).to_be_focused()
    expect(page.locator("#vote-error")).to_be_in_viewport()
    expect(page.locator("#vote-error")).to_contain_text("Choisissez l'une des réponses proposées.")
