"""Every page of the coffee machine passes axe-core's WCAG 2.1 A/AA rules in French and in
English, for the roles that reach it, and the agent's pages do not scroll sideways at 360 px.

The live presence of a room is tested in test_coffee_rooms.py (it needs the ASGI server); here
the rooms' pages are read as pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from riposte.coffee.services import membership_join
from tests.browser.conftest import check_axe, login, switch_to_english
from tests.coffee.room_builders import make_room
from tests.coffee.stats_builders import make_round

pytestmark = pytest.mark.browser


@pytest.fixture
def coffee(world) -> dict[str, Any]:
    agent, facilitator = world["agent"], world["facilitator"]
    membership_join(agent=agent, frequency="weekly", availability=["mon-am", "thu-pm"])
    membership_join(agent=facilitator, frequency="weekly")
    room = make_room(by=facilitator)
    rounds = [make_round(n, [[agent, facilitator]], met=[[True, n % 2 == 0]]) for n in range(1, 4)]
    group = rounds[-1].groups.get()
    return {**world, "room": room, "group": group}


PAGES: dict[str, dict[str, Callable[[dict[str, Any]], str]]] = {
    "agent": {
        "home": lambda w: "/coffee/",
        "preferences": lambda w: "/coffee/preferences/",
        "leave": lambda w: "/coffee/leave/",
        "group": lambda w: f"/coffee/groups/{w['group'].pk}/",
        "rooms": lambda w: "/coffee/rooms/",
        "room": lambda w: f"/coffee/rooms/{w['room'].slug}/",
    },
    "facilitator": {
        "stats": lambda w: "/coffee/stats/",
        "rooms": lambda w: "/coffee/rooms/",
    },
    "decision_maker": {"home, not a member": lambda w: "/coffee/"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", list(PAGES))
def test_coffee_pages_are_accessible(page: Page, site_url, coffee, role, language):
    login(page, site_url, coffee[role].email)
    if language == "en":
        switch_to_english(page)
    failures = []
    for name, path in PAGES[role].items():
        response = page.goto(site_url + path(coffee))
        assert response is not None and response.status == 200, (name, response and response.status)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("main h1")).to_have_count(1)
        try:
            check_axe(page, f"{name} as {role} ({language})")
        except pytest.fail.Exception as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("name", ["home", "preferences", "group"])
def test_no_horizontal_scroll_at_360px(page: Page, site_url, coffee, name):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, site_url, coffee["agent"].email)
    page.goto(site_url + PAGES["agent"][name](coffee))
    expect(page.locator("main h1")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} is {width} px wide at a 360 px viewport"
