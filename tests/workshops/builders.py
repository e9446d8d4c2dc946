"""Helpers that make workshops, participants and guests through the services, for every test of
the workshops module: what a test builds is what a facilitator could have built.

The access tables of the module see a workshop through the eyes of WORKSHOP_ROLES: an agent who
did not join, a participant, its facilitator, the facilitator of another workshop, a
decision-maker, an administrator, its guest, the guest of another workshop, and an anonymous
visitor. `make_scene` builds them; `WorkshopRoute` is a row; `outcome_of` runs one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.test import Client
from django.urls import reverse

from riposte.directory.models import Agent, Role
from riposte.workshops.models import Participant, Workshop, WorkshopStatus
from riposte.workshops.services import (
    WorkshopData,
    guest_invite,
    participant_join,
    workshop_create,
    workshop_set_status,
)
from tests.access_table import LOGIN, OBJECT, Redirect
from tests.conftest import PASSWORD

WORKSHOP_ROLES = (
    "agent",
    "participant",
    "facilitator",
    "other_facilitator",
    "decision_maker",
    "admin",
    "guest",
    "other_guest",
    "anonymous",
)
AGENT_ROLES = WORKSHOP_ROLES[:6]
GUEST_ROLES = ("guest", "other_guest")
# Who runs the scene's workshop: its facilitator, and any administrator.
RUNNERS = ("facilitator", "admin")

Outcome = int | Redirect


def workshop_data(**fields: Any) -> WorkshopData:
    values: dict[str, Any] = {
        "title": "Pérenniser le hors-norme",
        "held_on": dt.date(2020, 11, 18),
        "group_name": "Riposte créative territoriale",
        "place": "Bobigny, salle du conseil",
        "pitch": "Réfléchir aux manières de **pérenniser** la capacité d'initiative des agents.",
    }
    values.update(fields)
    return WorkshopData(**values)


def make_workshop(
    *,
    by: Agent,
    status: str = WorkshopStatus.PREPARING,
    axes: list[str] | None = None,
    template: bool = True,
    **fields: Any,
) -> Workshop:
    """A workshop created by the facilitator `by` (with the Riposte template unless told), then
    opened (live) or closed as `status` says."""
    workshop = workshop_create(by=by, data=workshop_data(**fields), axes=axes, template=template)
    return set_status(workshop, status, by=by)


def set_status(workshop: Workshop, status: str, *, by: Agent | None = None) -> Workshop:
    """Live or closed, the way a facilitator does it (closed passes through live)."""
    by = by or workshop.facilitators.first()
    assert by is not None
    if status == WorkshopStatus.PREPARING:
        return workshop
    if workshop.status == WorkshopStatus.PREPARING:
        workshop = workshop_set_status(workshop=workshop, by=by, status=WorkshopStatus.LIVE)
    if status == WorkshopStatus.CLOSED:
        workshop = workshop_set_status(workshop=workshop, by=by, status=WorkshopStatus.CLOSED)
    return workshop


def make_agent(email: str, *, role: str = Role.AGENT, **fields: Any) -> Agent:
    return Agent.objects.create_user(email, PASSWORD, role=role, **fields)


def invite(workshop: Workshop, name: str = "Josiane Invitée") -> tuple[Participant, str]:
    """A guest invited by the workshop's first facilitator: the participant and its secret key."""
    by = workshop.facilitators.order_by("pk").first()
    assert by is not None
    return guest_invite(workshop=workshop, by=by, name=name)


def guest_url(key: str) -> str:
    return reverse("workshops:guest", args=[key])


def guest_client(key: str) -> Client:
    """A browser that came in through a guest's secret link, as the guest does."""
    client = Client()
    response = client.get(guest_url(key))
    assert response.status_code == 302, response.status_code
    return client


@dataclass
class Scene:
    """One workshop (`workshop`: preparing, facilitated by `facilitator`, joined by
    `participant`, with the guest `guest`) and another one (`other`: facilitated by
    `other_facilitator`, with the guest `other_guest`)."""

    workshop: Workshop
    other: Workshop
    people: dict[str, Agent]
    guests: dict[str, Participant]
    keys: dict[str, str]
    # What a row's path made, for the rows to check against (OBJECT: made["made"]).
    made: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        if role in self.guests:
            return guest_client(self.keys[role])
        client = Client()
        if role in self.people:
            client.force_login(self.people[role])
        return client


def make_scene(actors: dict[str, Agent | None]) -> Scene:
    facilitator = actors["facilitator"]
    assert facilitator is not None
    people: dict[str, Agent] = {
        "agent": actors["agent"],  # type: ignore[dict-item]
        "facilitator": facilitator,
        "decision_maker": actors["decision_maker"],  # type: ignore[dict-item]
        "admin": actors["admin"],  # type: ignore[dict-item]
        "participant": make_agent(
            "paul@example.org",
            first_name="Paul",
            last_name="Participe",
            service=facilitator.service,
        ),
        "other_facilitator": make_agent(
            "olga@example.org",
            role=Role.FACILITATOR,
            first_name="Olga",
            last_name="Autre",
            service=facilitator.service,
        ),
    }
    workshop = make_workshop(by=facilitator)
    participant_join(workshop=workshop, agent=people["participant"])
    other = make_workshop(
        by=people["other_facilitator"], title="Un autre atelier", held_on=dt.date(2021, 3, 2)
    )
    guest, key = invite(workshop, "Josiane Invitée")
    other_guest, other_key = invite(other, "Oscar Ailleurs")
    return Scene(
        workshop=workshop,
        other=other,
        people=people,
        guests={"guest": guest, "other_guest": other_guest},
        keys={"guest": key, "other_guest": other_key},
    )


# --- the rows of the workshops' access table ----------------------------------------------------


def readers(outcome: Outcome) -> dict[str, Outcome]:
    """A page of the workshop that any agent reads, and its guests: the guest of another workshop
    learns nothing of it (404); an anonymous visitor is sent to the login page."""
    return {
        **dict.fromkeys(AGENT_ROLES, outcome),
        "guest": outcome,
        "other_guest": 404,
        "anonymous": LOGIN,
    }


def agents(outcome: Outcome) -> dict[str, Outcome]:
    """A page for agents only: guests, who have no account, are sent to the login page."""
    return {
        **dict.fromkeys(AGENT_ROLES, outcome),
        **dict.fromkeys((*GUEST_ROLES, "anonymous"), LOGIN),
    }


def runners(outcome: Outcome, *, others: Outcome = 403) -> dict[str, Outcome]:
    """Reserved to the workshop's facilitators (and administrators)."""
    return {**agents(others), **dict.fromkeys(RUNNERS, outcome)}


@dataclass(frozen=True)
class WorkshopRoute:
    """One URL and method seen by every role of WORKSHOP_ROLES. `path` builds the URL from the
    scene (and may change it: open the workshop, add a step...); `data` is the POST's body."""

    name: str
    method: str
    expect: dict[str, Outcome]
    path: Callable[[Scene], str]
    data: dict[str, Any] | Callable[[Scene], dict[str, Any]] = field(default_factory=dict)
    # Tells apart two rows of the same URL and method (e.g. "closed").
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}{' ' + self.label if self.label else ''}"


def outcome_of(route: WorkshopRoute, role: str, scene: Scene) -> tuple[int, str | None]:
    """Runs the row for `role`: (status code, Location or None)."""
    client = scene.client(role)
    url = route.path(scene)
    if route.method == "POST":
        data = route.data(scene) if callable(route.data) else route.data
        response = client.post(url, data)
    else:
        response = client.get(url)
    scene.made["url"] = url
    return response.status_code, response.get("Location")


def expected_of(route: WorkshopRoute, role: str, scene: Scene) -> tuple[int, str | None]:
    expected = route.expect[role]
    if not isinstance(expected, Redirect):
        return expected, None
    if expected == LOGIN:
        return 302, f"/auth/login/?next={quote(scene.made['url'], safe='/')}"
    if expected == OBJECT:
        return 302, scene.made["made"]
    return 302, expected.to
