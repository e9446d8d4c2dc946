"""Rows of the access table for the people a member never wants to meet (see
tests/coffee/access.py): the picker's search, adding and removing one.

The search is for members: a logged-in agent who has not joined is sent to the preferences to
join first (so is the `agent` actor before `path` makes them a member), whatever their role.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from riposte.coffee.services import exclusion_add, membership_join
from tests.access_table import Redirect, Route, logged_in

PREFERENCES = Redirect("/coffee/preferences/")


def members_only(outcome: Any) -> dict[str, Any]:
    """The `agent` actor is the member; every other logged-in role is not."""
    return {**logged_in(PREFERENCES), "agent": outcome}


def _search(actors: dict[str, Any]) -> str:
    membership_join(agent=actors["agent"])
    return reverse("coffee:exclusion-search") + "?q=denis"


def _search_as_outsider_would(actors: dict[str, Any]) -> str:
    return reverse("coffee:exclusion-search") + "?q=denis"


def _add(actors: dict[str, Any]) -> str:
    membership_join(agent=actors["agent"])
    return reverse("coffee:exclusion-add")


def _remove(actors: dict[str, Any]) -> str:
    exclusion = exclusion_add(
        membership=membership_join(agent=actors["agent"]), excluded=actors["facilitator"]
    )
    return reverse("coffee:exclusion-remove", args=[exclusion.pk])


ROUTES: list[Route] = [
    Route("coffee:exclusion-search", "GET", members_only(200), path=_search),
    # Nobody has joined: the search is refused to every role.
    Route("coffee:exclusion-search", "GET", logged_in(PREFERENCES), path=_search_as_outsider_would),
    Route("coffee:exclusion-search", "POST", logged_in(405), path=_search),
    Route("coffee:exclusion-add", "GET", logged_in(405)),
    # Non-members are sent to the preferences to join first; the member adds the exclusion.
    Route(
        "coffee:exclusion-add",
        "POST",
        logged_in(PREFERENCES),
        path=_add,
        data=lambda actors: {"agent": actors["decision_maker"].pk},
    ),
    Route("coffee:exclusion-remove", "GET", logged_in(405), path=_remove),
    # Only one's own: anyone else's is a 404, even for an administrator.
    Route(
        "coffee:exclusion-remove",
        "POST",
        {**logged_in(404), "agent": PREFERENCES},
        path=_remove,
    ),
]
