"""Rows of the access tables for the workshop itself: the list, creating and editing, its page,
opening and closing it, its structure, its participants and the guests' links (see
tests/workshops/access.py).

ROUTES is the site-wide table (tests/test_access.py): its `facilitator` actor creates the
workshop of each row, so it is that workshop's facilitator. WORKSHOP_ROUTES sees the same pages
through the people of a workshop, guests included (builders.WORKSHOP_ROLES), and is run by
tests/workshops/test_access_table.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.workshops.models import Axis, Step, Workshop, WorkshopStatus
from riposte.workshops.services import guest_invite
from tests.access_table import OBJECT, Route, everyone, logged_in, only
from tests.workshops.builders import (
    AGENT_ROLES,
    GUEST_ROLES,
    Scene,
    WorkshopRoute,
    agents,
    make_workshop,
    readers,
    runners,
    set_status,
)

FACILITATORS = ("facilitator", "admin")


# --- the site-wide table -----------------------------------------------------------------------


def _workshop(actors: dict[str, Any], status: str = WorkshopStatus.PREPARING) -> Workshop:
    workshop = make_workshop(by=actors["facilitator"], status=status)
    actors["made"] = workshop.get_absolute_url()
    return workshop


def _url(name: str, status: str = WorkshopStatus.PREPARING) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        return reverse(name, args=[_workshop(actors, status).pk])

    return build


def _structure_url(workshop: Workshop, anchor: str = "") -> str:
    return reverse("workshops:structure", args=[workshop.pk]) + anchor


def _axis_url(name: str) -> Callable[[dict[str, Any]], str]:
    """A POST on the first axis of a new workshop comes back to it on the structure page."""

    def build(actors: dict[str, Any]) -> str:
        workshop = _workshop(actors)
        axis = workshop.axes.first()
        assert axis is not None
        actors["made"] = _structure_url(workshop, f"#axis-{axis.pk}")
        return reverse(name, args=[axis.pk])

    return build


def _step_url(name: str) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        workshop = _workshop(actors)
        step = (
            Step.objects.filter(axis__workshop=workshop)
            .order_by("axis__position", "position")
            .first()
        )
        assert step is not None
        actors["made"] = _structure_url(workshop, f"#step-{step.pk}")
        return reverse(name, args=[step.pk])

    return build


def _deleted_axis_url(actors: dict[str, Any]) -> str:
    workshop = _workshop(actors)
    axis = workshop.axes.first()
    assert axis is not None
    actors["made"] = _structure_url(workshop)
    return reverse("workshops:axis-delete", args=[axis.pk])


def _deleted_step_url(actors: dict[str, Any]) -> str:
    workshop = _workshop(actors)
    step = Step.objects.filter(axis__workshop=workshop).first()
    assert step is not None
    actors["made"] = _structure_url(workshop, f"#axis-{step.axis_id}")
    return reverse("workshops:step-delete", args=[step.pk])


def _axis_add_url(actors: dict[str, Any]) -> str:
    workshop = _workshop(actors)
    actors["made"] = _structure_url(workshop, "#axis-add")
    return reverse("workshops:axis-add", args=[workshop.pk])


def _link_shown_on(workshop: Workshop) -> str:
    return reverse("workshops:participants", args=[workshop.pk]) + "#guest-link"


def _guest_invite_url(actors: dict[str, Any]) -> str:
    workshop = _workshop(actors)
    actors["made"] = _link_shown_on(workshop)
    return reverse("workshops:guest-invite", args=[workshop.pk])


def _guest_renew_url(actors: dict[str, Any]) -> str:
    workshop = _workshop(actors)
    guest, _key = guest_invite(workshop=workshop, by=actors["facilitator"], name="Josiane")
    actors["made"] = _link_shown_on(workshop)
    return reverse("workshops:guest-renew", args=[guest.pk])


def _guest_link(actors: dict[str, Any]) -> str:
    workshop = _workshop(actors)
    _guest, key = guest_invite(workshop=workshop, by=actors["facilitator"], name="Josiane")
    actors["made"] = reverse("workshops:board", args=[workshop.pk])
    return reverse("workshops:guest", args=[key])


ROUTES = [
    Route("workshops:list", "GET", logged_in(200)),
    Route("workshops:new", "GET", only(FACILITATORS, 200)),
    # An empty form is refused (200, with its errors): what matters is who gets that far.
    Route("workshops:new", "POST", only(FACILITATORS, 200), data={"title": ""}),
    Route("workshops:detail", "GET", logged_in(200), path=_url("workshops:detail")),
    Route("workshops:edit", "GET", only(FACILITATORS, 200), path=_url("workshops:edit")),
    Route(
        "workshops:edit",
        "POST",
        only(FACILITATORS, 200),
        path=_url("workshops:edit"),
        data={"title": ""},
    ),
    Route("workshops:status", "GET", logged_in(405), path=_url("workshops:status")),
    Route(
        "workshops:status",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_url("workshops:status"),
        data={"status": "live"},
    ),
    Route("workshops:structure", "GET", only(FACILITATORS, 200), path=_url("workshops:structure")),
    Route("workshops:axis-add", "GET", logged_in(405), path=_axis_add_url),
    Route(
        "workshops:axis-add",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_axis_add_url,
        data={"title": ""},
    ),
    Route("workshops:axis-rename", "GET", logged_in(405), path=_axis_url("workshops:axis-rename")),
    Route(
        "workshops:axis-rename",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_axis_url("workshops:axis-rename"),
        data={"title": "Urgences et coopérations"},
    ),
    Route("workshops:axis-move", "GET", logged_in(405), path=_axis_url("workshops:axis-move")),
    Route(
        "workshops:axis-move",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_axis_url("workshops:axis-move"),
        data={"direction": "down"},
    ),
    Route("workshops:axis-delete", "GET", logged_in(405), path=_deleted_axis_url),
    Route("workshops:axis-delete", "POST", only(FACILITATORS, OBJECT), path=_deleted_axis_url),
    Route("workshops:step-add", "GET", logged_in(405), path=_axis_url("workshops:step-add")),
    # An empty title is refused: back to the axis.
    Route(
        "workshops:step-add",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_axis_url("workshops:step-add"),
        data={"title": ""},
    ),
    Route("workshops:step-rename", "GET", logged_in(405), path=_step_url("workshops:step-rename")),
    Route(
        "workshops:step-rename",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_step_url("workshops:step-rename"),
        data={"title": "Où aller ?"},
    ),
    Route("workshops:step-move", "GET", logged_in(405), path=_step_url("workshops:step-move")),
    Route(
        "workshops:step-move",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_step_url("workshops:step-move"),
        data={"direction": "down"},
    ),
    Route("workshops:step-delete", "GET", logged_in(405), path=_deleted_step_url),
    Route("workshops:step-delete", "POST", only(FACILITATORS, OBJECT), path=_deleted_step_url),
    Route("workshops:participants", "GET", logged_in(200), path=_url("workshops:participants")),
    Route("workshops:join", "GET", logged_in(405), path=_url("workshops:join")),
    Route("workshops:join", "POST", logged_in(OBJECT), path=_url("workshops:join")),
    Route("workshops:guest-invite", "GET", logged_in(405), path=_url("workshops:guest-invite")),
    Route(
        "workshops:guest-invite",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_guest_invite_url,
        data={"name": "Claire Martin (CCAS)"},
    ),
    Route("workshops:guest-renew", "GET", logged_in(405), path=_guest_renew_url),
    Route("workshops:guest-renew", "POST", only(FACILITATORS, OBJECT), path=_guest_renew_url),
    # The secret link opens the board for anyone who has it (an agent takes part as themselves).
    Route("workshops:guest", "GET", everyone(OBJECT), path=_guest_link),
    Route(
        "workshops:guest",
        "GET",
        everyone(404),
        path=lambda actors: reverse("workshops:guest", args=["no-such-key"]),
    ),
]

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {
    "workshop_list": ("/api/workshops", 200, 401),
    "workshop_detail": ("/api/workshops/999999", 404, 401),
}


# --- the workshop's people ---------------------------------------------------------------------


def _at(name: str, *, status: str = WorkshopStatus.PREPARING) -> Callable[[Scene], str]:
    """The URL `name` of the scene's workshop (live or closed as told); a POST there comes back
    to the workshop's page."""

    def build(scene: Scene) -> str:
        scene.workshop = set_status(scene.workshop, status)
        scene.made["made"] = scene.workshop.get_absolute_url()
        return reverse(name, args=[scene.workshop.pk])

    return build


def _first_axis(scene: Scene) -> Axis:
    axis = scene.workshop.axes.first()
    assert axis is not None
    return axis


def _first_step(scene: Scene) -> Step:
    step = _first_axis(scene).steps.first()
    assert step is not None
    return step


def _on_axis(
    name: str, *, back: str = "axis", status: str = WorkshopStatus.PREPARING
) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        scene.workshop = set_status(scene.workshop, status)
        axis = _first_axis(scene)
        anchor = {"axis": f"#axis-{axis.pk}", "none": "", "add": "#axis-add"}[back]
        scene.made["made"] = _structure_url(scene.workshop, anchor)
        return reverse(name, args=[axis.pk])

    return build


def _on_step(
    name: str, *, back: str = "step", status: str = WorkshopStatus.PREPARING
) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        scene.workshop = set_status(scene.workshop, status)
        step = _first_step(scene)
        anchor = {"step": f"#step-{step.pk}", "axis": f"#axis-{step.axis_id}"}[back]
        scene.made["made"] = _structure_url(scene.workshop, anchor)
        return reverse(name, args=[step.pk])

    return build


def _axis_add(scene: Scene) -> str:
    scene.made["made"] = _structure_url(scene.workshop, "#axis-add")
    return reverse("workshops:axis-add", args=[scene.workshop.pk])


def _renew(scene: Scene) -> str:
    scene.made["made"] = _link_shown_on(scene.workshop)
    return reverse("workshops:guest-renew", args=[scene.guests["guest"].pk])


def _invite(scene: Scene) -> str:
    scene.made["made"] = _link_shown_on(scene.workshop)
    return reverse("workshops:guest-invite", args=[scene.workshop.pk])


def _entry(scene: Scene) -> str:
    scene.made["made"] = reverse("workshops:board", args=[scene.workshop.pk])
    return reverse("workshops:guest", args=[scene.keys["guest"]])


# The creators of workshops: the support team (any of its facilitators) and administrators.
CREATORS = ("facilitator", "other_facilitator", "admin")
CLOSED = WorkshopStatus.CLOSED
LIVE = WorkshopStatus.LIVE


def _creators(outcome: Any) -> dict[str, Any]:
    return {**agents(403), **dict.fromkeys(CREATORS, outcome)}


WORKSHOP_ROUTES = [
    WorkshopRoute("workshops:list", "GET", agents(200), path=lambda s: reverse("workshops:list")),
    WorkshopRoute("workshops:new", "GET", _creators(200), path=lambda s: reverse("workshops:new")),
    WorkshopRoute(
        "workshops:new",
        "POST",
        _creators(200),
        path=lambda s: reverse("workshops:new"),
        data={"title": ""},
    ),
    WorkshopRoute("workshops:detail", "GET", readers(200), path=_at("workshops:detail")),
    WorkshopRoute(
        "workshops:detail",
        "GET",
        readers(200),
        path=_at("workshops:detail", status=LIVE),
        label="live",
    ),
    WorkshopRoute(
        "workshops:detail",
        "GET",
        readers(200),
        path=_at("workshops:detail", status=CLOSED),
        label="closed",
    ),
    WorkshopRoute("workshops:edit", "GET", runners(200), path=_at("workshops:edit")),
    # Closed: read only, back to its page with a message.
    WorkshopRoute(
        "workshops:edit",
        "GET",
        runners(OBJECT),
        path=_at("workshops:edit", status=CLOSED),
        label="closed",
    ),
    WorkshopRoute(
        "workshops:edit", "POST", runners(200), path=_at("workshops:edit"), data={"title": ""}
    ),
    WorkshopRoute(
        "workshops:status",
        "POST",
        runners(OBJECT),
        path=_at("workshops:status"),
        data={"status": "live"},
    ),
    WorkshopRoute(
        "workshops:status",
        "POST",
        runners(OBJECT),
        path=_at("workshops:status", status=LIVE),
        data={"status": "closed"},
        label="live",
    ),
    # Refused (a closed workshop does not reopen), with a message on its page.
    WorkshopRoute(
        "workshops:status",
        "POST",
        runners(OBJECT),
        path=_at("workshops:status", status=CLOSED),
        data={"status": "live"},
        label="closed",
    ),
    WorkshopRoute("workshops:structure", "GET", runners(200), path=_at("workshops:structure")),
    WorkshopRoute(
        "workshops:structure",
        "GET",
        runners(200),
        path=_at("workshops:structure", status=LIVE),
        label="live",
    ),
    WorkshopRoute(
        "workshops:structure",
        "GET",
        runners(OBJECT),
        path=_at("workshops:structure", status=CLOSED),
        label="closed",
    ),
    WorkshopRoute(
        "workshops:axis-add", "POST", runners(OBJECT), path=_axis_add, data={"title": ""}
    ),
    WorkshopRoute(
        "workshops:axis-rename",
        "POST",
        runners(OBJECT),
        path=_on_axis("workshops:axis-rename"),
        data={"title": "Axe"},
    ),
    WorkshopRoute(
        "workshops:axis-rename",
        "POST",
        runners(OBJECT),
        path=_on_axis("workshops:axis-rename", status=CLOSED),
        data={"title": "Axe"},
        label="closed",
    ),
    WorkshopRoute(
        "workshops:axis-move",
        "POST",
        runners(OBJECT),
        path=_on_axis("workshops:axis-move"),
        data={"direction": "down"},
    ),
    WorkshopRoute(
        "workshops:axis-delete",
        "POST",
        runners(OBJECT),
        path=_on_axis("workshops:axis-delete", back="none"),
    ),
    WorkshopRoute(
        "workshops:step-add",
        "POST",
        runners(OBJECT),
        path=_on_axis("workshops:step-add"),
        data={"title": ""},
    ),
    WorkshopRoute(
        "workshops:step-rename",
        "POST",
        runners(OBJECT),
        path=_on_step("workshops:step-rename"),
        data={"title": "Où ?"},
    ),
    WorkshopRoute(
        "workshops:step-move",
        "POST",
        runners(OBJECT),
        path=_on_step("workshops:step-move"),
        data={"direction": "down"},
    ),
    WorkshopRoute(
        "workshops:step-delete",
        "POST",
        runners(OBJECT),
        path=_on_step("workshops:step-delete", back="axis"),
    ),
    WorkshopRoute("workshops:participants", "GET", agents(200), path=_at("workshops:participants")),
    WorkshopRoute("workshops:join", "POST", agents(OBJECT), path=_at("workshops:join")),
    WorkshopRoute(
        "workshops:join",
        "POST",
        agents(OBJECT),
        path=_at("workshops:join", status=CLOSED),
        label="closed",
    ),
    WorkshopRoute(
        "workshops:guest-invite", "POST", runners(OBJECT), path=_invite, data={"name": "Claire"}
    ),
    # An empty name: the form again, with the error.
    WorkshopRoute(
        "workshops:guest-invite",
        "POST",
        runners(200),
        path=_at("workshops:guest-invite"),
        data={"name": ""},
        label="empty",
    ),
    WorkshopRoute("workshops:guest-renew", "POST", runners(OBJECT), path=_renew),
    # The link works for whoever holds it; an agent takes part as themselves.
    WorkshopRoute(
        "workshops:guest",
        "GET",
        dict.fromkeys((*AGENT_ROLES, *GUEST_ROLES, "anonymous"), OBJECT),
        path=_entry,
    ),
    WorkshopRoute(
        "workshops:guest",
        "GET",
        dict.fromkeys((*AGENT_ROLES, *GUEST_ROLES, "anonymous"), 404),
        path=lambda s: reverse("workshops:guest", args=["x" * 32]),
        label="unknown",
    ),
]
