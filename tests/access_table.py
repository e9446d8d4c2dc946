"""The building blocks of the access table (tests/test_access.py): roles, outcomes, routes.

Each module's rows live beside its tests (tests/<module>/access.py) and are gathered by
test_access.py, so that two modules never edit one list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from riposte.directory.models import Agent

ROLES = ("agent", "facilitator", "decision_maker", "moderator", "admin", "outsider")
LOGGED_IN = ROLES[:-1]
# The includes that are not in this table: Django's admin, and the API (see test_api_access.py).
SKIPPED_INCLUDES = ("admin/", "api/")


@dataclass(frozen=True)
class Redirect:
    """A 302 to `to`; LOGIN is the redirect to the login page with ?next=<the requested path>."""

    to: str


LOGIN = Redirect("<login>")
# A redirect to the page of the object `path` made (it stores the URL in actors["made"]).
OBJECT = Redirect("<object>")
Outcome = int | Redirect


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def logged_in(outcome: Outcome) -> dict[str, Outcome]:
    """Pages behind the login: the outsider is sent to the login page."""
    return {**dict.fromkeys(LOGGED_IN, outcome), "outsider": LOGIN}


def only(roles: tuple[str, ...], outcome: Outcome) -> dict[str, Outcome]:
    """Reserved to some roles: other logged-in agents get 403, the outsider the login page."""
    return {**logged_in(403), **dict.fromkeys(roles, outcome)}


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    expect: dict[str, Outcome]
    # Builds the path from the actors, creating whatever object the URL points to.
    path: Callable[[dict[str, Agent | None]], str] | None = None
    # A dict, or a function of what `path` made (see OBJECT) when the data names an object.
    data: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] = field(default_factory=dict)

    def url(self, actors: dict[str, Agent | None]) -> str:
        return self.path(actors) if self.path is not None else reverse(self.name)

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"
