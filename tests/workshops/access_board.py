"""Rows of the access tables for the live board: the page, its fragments, and every form on it
(see tests/workshops/access.py).

ROUTES is the site-wide table (tests/test_access.py): the `facilitator` actor creates the
workshop of each row, so it is its facilitator and its only participant; the administrator runs
it too (facilitating) but has not joined it. WORKSHOP_ROUTES sees the same board through the
people of a workshop, guests included (builders.WORKSHOP_ROLES). A guest has no account but
reaches the board of their own workshop, and takes part in it.

Each row's path makes what it needs (a live workshop, a note, a group) and stores where the form
sends back to (OBJECT).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.workshops import board
from riposte.workshops.models import Note, Step, Workshop, WorkshopStatus
from riposte.workshops.rules import Viewer
from tests.access_table import LOGIN, OBJECT, Route, logged_in
from tests.workshops.builders import (
    AGENT_ROLES,
    Outcome,
    Scene,
    WorkshopRoute,
    make_workshop,
    readers,
    set_status,
)

LIVE = WorkshopStatus.LIVE
CLOSED = WorkshopStatus.CLOSED


def board_url(workshop: Workshop, anchor: str = "") -> str:
    return reverse("workshops:board", args=[workshop.pk]) + (f"#{anchor}" if anchor else "")


def first_step(workshop: Workshop) -> Step:
    step = (
        Step.objects.filter(axis__workshop=workshop)
        .order_by("axis__position", "axis_id", "position", "id")
        .first()
    )
    assert step is not None
    return step


def viewer_of(workshop: Workshop, agent: Any) -> Viewer:
    participant = workshop.participants.filter(agent=agent).first()
    return Viewer(agent=agent, participant=participant, facilitates=True)


# --- the site-wide table -----------------------------------------------------------------------


def _workshop(actors: dict[str, Any], status: str = LIVE) -> Workshop:
    return make_workshop(by=actors["facilitator"], status=status)


def _note(workshop: Workshop, author: Any) -> Note:
    """A note by the facilitator (who joined the workshop by creating it)."""
    return board.note_post(
        step=first_step(workshop), by=viewer_of(workshop, author), text="Cartographier les acteurs"
    )


def _page(name: str) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        workshop = _workshop(actors)
        return reverse(name, args=[workshop.pk])

    return build


def _step(name: str, back: str = "step") -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        workshop = _workshop(actors)
        step = first_step(workshop)
        actors["made"] = board_url(workshop, f"{back}-{step.pk}")
        return reverse(name, args=[workshop.pk, step.pk])

    return build


def _step_fragment(actors: dict[str, Any]) -> str:
    workshop = _workshop(actors)
    return reverse("workshops:board-step", args=[workshop.pk, first_step(workshop).pk])


def _on_note(name: str, back: str = "note") -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        workshop = _workshop(actors)
        note = _note(workshop, actors["facilitator"])
        actors["made"] = board_url(
            workshop, f"note-{note.pk}" if back == "note" else f"step-{note.step_id}"
        )
        actors["version"] = note.version
        return reverse(name, args=[workshop.pk, note.pk])

    return build


def _on_cluster(name: str, back: str = "cluster") -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        workshop = _workshop(actors)
        step = first_step(workshop)
        cluster = board.cluster_create(
            step=step, by=viewer_of(workshop, actors["facilitator"]), title="Les lieux"
        )
        actors["made"] = board_url(
            workshop, f"cluster-{cluster.pk}" if back == "cluster" else f"step-{step.pk}"
        )
        return reverse(name, args=[workshop.pk, cluster.pk])

    return build


def _facilitation(name: str, anchor: str = "facilitation", status: str = LIVE) -> Any:
    def build(actors: dict[str, Any]) -> str:
        workshop = _workshop(actors, status)
        actors["made"] = board_url(workshop, anchor.replace("<axis>", str(_axis(workshop))))
        return reverse(name, args=[workshop.pk])

    return build


def _axis(workshop: Workshop) -> int:
    axis = workshop.axes.order_by("position").first()
    assert axis is not None
    return axis.pk


def _version(actors: dict[str, Any]) -> dict[str, Any]:
    return {"version": actors["version"], "text": "Cartographier les acteurs qui coopèrent"}


# The workshop's facilitator is its only participant; the administrator runs it without having
# joined it: it may correct and lock, not post or vote.
PARTICIPANT = ("facilitator",)
RUNNERS = ("facilitator", "admin")


def _only(roles: tuple[str, ...], outcome: Outcome) -> dict[str, Outcome]:
    return {**logged_in(403), **dict.fromkeys(roles, outcome)}


ROUTES = [
    Route("workshops:board", "GET", logged_in(200), path=_page("workshops:board")),
    Route(
        "workshops:board-fragment", "GET", logged_in(200), path=_page("workshops:board-fragment")
    ),
    Route("workshops:board-step", "GET", logged_in(200), path=_step_fragment),
    Route("workshops:board-note", "GET", logged_in(200), path=_on_note("workshops:board-note")),
    Route("workshops:note-post", "GET", logged_in(405), path=_step("workshops:note-post")),
    Route(
        "workshops:note-post",
        "POST",
        _only(PARTICIPANT, OBJECT),
        path=_step("workshops:note-post", back="post"),
        data={"text": "Identifier les coopérations inédites"},
    ),
    # Empty: refused with the board (400) for who may post.
    Route(
        "workshops:note-post",
        "POST",
        _only(PARTICIPANT, 400),
        path=_step("workshops:note-post"),
        data={"text": "  "},
    ),
    Route("workshops:note-edit", "GET", logged_in(405), path=_on_note("workshops:note-edit")),
    Route(
        "workshops:note-edit",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_on_note("workshops:note-edit"),
        data=_version,
    ),
    Route("workshops:note-move", "GET", logged_in(405), path=_on_note("workshops:note-move")),
    Route(
        "workshops:note-move",
        "POST",
        _only(PARTICIPANT, OBJECT),
        path=_on_note("workshops:note-move"),
        data=lambda actors: {"version": actors["version"], "offset": "1"},
    ),
    # The list of places a note may go, on demand: for who may move it.
    Route(
        "workshops:note-move-to",
        "GET",
        _only(PARTICIPANT, 200),
        path=_on_note("workshops:note-move-to"),
    ),
    Route("workshops:note-delete", "GET", logged_in(405), path=_on_note("workshops:note-delete")),
    Route(
        "workshops:note-delete",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_on_note("workshops:note-delete", back="step"),
        data=lambda actors: {"version": actors["version"]},
    ),
    Route("workshops:note-vote", "GET", logged_in(405), path=_on_note("workshops:note-vote")),
    Route(
        "workshops:note-vote",
        "POST",
        _only(PARTICIPANT, OBJECT),
        path=_on_note("workshops:note-vote"),
        data={"dot": "add"},
    ),
    Route(
        "workshops:cluster-create", "GET", logged_in(405), path=_step("workshops:cluster-create")
    ),
    # Empty title: refused, back to the step with the reason.
    Route(
        "workshops:cluster-create",
        "POST",
        _only(PARTICIPANT, OBJECT),
        path=_step("workshops:cluster-create"),
        data={"title": ""},
    ),
    Route(
        "workshops:cluster-rename",
        "GET",
        logged_in(405),
        path=_on_cluster("workshops:cluster-rename"),
    ),
    Route(
        "workshops:cluster-rename",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_on_cluster("workshops:cluster-rename"),
        data={"title": "Les tiers-lieux"},
    ),
    Route(
        "workshops:cluster-delete",
        "GET",
        logged_in(405),
        path=_on_cluster("workshops:cluster-delete"),
    ),
    Route(
        "workshops:cluster-delete",
        "POST",
        _only(PARTICIPANT, OBJECT),
        path=_on_cluster("workshops:cluster-delete", back="step"),
    ),
    Route("workshops:step-lock", "GET", logged_in(405), path=_step("workshops:step-lock")),
    Route(
        "workshops:step-lock",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_step("workshops:step-lock"),
        data={"lock": "1"},
    ),
    Route("workshops:step-hide", "GET", logged_in(405), path=_step("workshops:step-hide")),
    Route(
        "workshops:step-hide",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_step("workshops:step-hide"),
        data={"hide": "1"},
    ),
    Route("workshops:board-focus", "GET", logged_in(405), path=_page("workshops:board-focus")),
    Route(
        "workshops:board-focus",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_facilitation("workshops:board-focus", "axis-<axis>"),
        data=lambda actors: {"axis": actors["made"].rsplit("-", 1)[1]},
    ),
    Route("workshops:board-timer", "GET", logged_in(405), path=_page("workshops:board-timer")),
    Route(
        "workshops:board-timer",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_facilitation("workshops:board-timer"),
        data={"minutes": "10"},
    ),
    Route("workshops:board-status", "GET", logged_in(405), path=_page("workshops:board-status")),
    Route(
        "workshops:board-status",
        "POST",
        _only(RUNNERS, OBJECT),
        path=_facilitation("workshops:board-status", status=WorkshopStatus.PREPARING),
        data={"status": "live"},
    ),
]


# --- the workshop's people ---------------------------------------------------------------------

# Who takes part in the scene's workshop: its participant, its facilitator, and its guest.
TAKING_PART = ("participant", "facilitator", "guest")


def board_people(roles: tuple[str, ...], outcome: Outcome) -> dict[str, Outcome]:
    """A form of the board: `roles` get `outcome`; other agents and the workshop's own guest
    403; the guest of another workshop learns nothing of it (404); anonymous, the login."""
    return {
        **dict.fromkeys(AGENT_ROLES, 403),
        "guest": 403,
        "other_guest": 404,
        "anonymous": LOGIN,
        **dict.fromkeys(roles, outcome),
    }


def _in(scene: Scene, status: str) -> Workshop:
    scene.workshop = set_status(scene.workshop, status)
    return scene.workshop


def _scene_page(name: str, status: str = LIVE) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        return reverse(name, args=[_in(scene, status).pk])

    return build


def _scene_step(name: str, back: str = "step", status: str = LIVE) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        workshop = _in(scene, status)
        step = first_step(workshop)
        scene.made["made"] = board_url(workshop, f"{back}-{step.pk}")
        return reverse(name, args=[workshop.pk, step.pk])

    return build


def _scene_note(name: str, back: str = "note") -> Callable[[Scene], str]:
    """A note of the scene's participant, in its live workshop."""

    def build(scene: Scene) -> str:
        workshop = _in(scene, LIVE)
        participant = workshop.participants.get(agent=scene.people["participant"])
        note = board.note_post(
            step=first_step(workshop),
            by=Viewer(agent=participant.agent, participant=participant, facilitates=False),
            text="Mobiliser les Fabriques de territoire",
        )
        scene.made["made"] = board_url(
            workshop, f"note-{note.pk}" if back == "note" else f"step-{note.step_id}"
        )
        scene.made["version"] = note.version
        return reverse(name, args=[workshop.pk, note.pk])

    return build


def _scene_facilitation(name: str, status: str = LIVE) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        workshop = _in(scene, status)
        scene.made["made"] = board_url(workshop, "facilitation")
        scene.made["axis"] = _axis(workshop)
        return reverse(name, args=[workshop.pk])

    return build


def _scene_focus(scene: Scene) -> str:
    url = _scene_facilitation("workshops:board-focus")(scene)
    scene.made["made"] = board_url(scene.workshop, f"axis-{scene.made['axis']}")
    return url


EDITORS = ("participant", "facilitator", "admin")  # the author, and who runs the workshop

WORKSHOP_ROUTES = [
    *(
        WorkshopRoute(name, "GET", readers(200), path=_scene_page(name, status), label=status)
        for name in ("workshops:board", "workshops:board-fragment")
        for status in (WorkshopStatus.PREPARING, LIVE, CLOSED)
    ),
    WorkshopRoute(
        "workshops:board-step",
        "GET",
        readers(200),
        path=lambda scene: reverse(
            "workshops:board-step", args=[scene.workshop.pk, first_step(scene.workshop).pk]
        ),
    ),
    # A step of another workshop is not found through this one.
    WorkshopRoute(
        "workshops:board-step",
        "GET",
        {**readers(404), "anonymous": LOGIN},
        path=lambda scene: reverse(
            "workshops:board-step", args=[scene.workshop.pk, first_step(scene.other).pk]
        ),
        label="elsewhere",
    ),
    WorkshopRoute(
        "workshops:board-note", "GET", readers(200), path=_scene_note("workshops:board-note")
    ),
    WorkshopRoute(
        "workshops:note-post",
        "POST",
        board_people(TAKING_PART, OBJECT),
        path=_scene_step("workshops:note-post", back="post"),
        data={"text": "Identifier les coopérations inédites", "anonymous": "1"},
    ),
    # Not open yet, or closed: refused with the board and the reason (400), the text kept.
    *(
        WorkshopRoute(
            "workshops:note-post",
            "POST",
            board_people(TAKING_PART, 400),
            path=_scene_step("workshops:note-post", status=status),
            data={"text": "Trop tard ?"},
            label=status,
        )
        for status in (WorkshopStatus.PREPARING, CLOSED)
    ),
    WorkshopRoute(
        "workshops:note-edit",
        "POST",
        board_people(EDITORS, OBJECT),
        path=_scene_note("workshops:note-edit"),
        data=lambda scene: {"version": scene.made["version"], "text": "Mobiliser les tiers-lieux"},
    ),
    WorkshopRoute(
        "workshops:note-move",
        "POST",
        board_people(TAKING_PART, OBJECT),
        path=_scene_note("workshops:note-move"),
        data=lambda scene: {"version": scene.made["version"], "offset": "-1"},
    ),
    WorkshopRoute(
        "workshops:note-move-to",
        "GET",
        board_people(TAKING_PART, 200),
        path=_scene_note("workshops:note-move-to"),
    ),
    WorkshopRoute(
        "workshops:note-delete",
        "POST",
        board_people(EDITORS, OBJECT),
        path=_scene_note("workshops:note-delete", back="step"),
        data=lambda scene: {"version": scene.made["version"]},
    ),
    WorkshopRoute(
        "workshops:note-vote",
        "POST",
        board_people(TAKING_PART, OBJECT),
        path=_scene_note("workshops:note-vote"),
        data={"dot": "add"},
    ),
    WorkshopRoute(
        "workshops:cluster-create",
        "POST",
        board_people(TAKING_PART, OBJECT),
        path=_scene_step("workshops:cluster-create"),
        data={"title": "Les lieux"},
    ),
    WorkshopRoute(
        "workshops:step-lock",
        "POST",
        board_people(RUNNERS, OBJECT),
        path=_scene_step("workshops:step-lock"),
        data={"lock": "1"},
    ),
    WorkshopRoute(
        "workshops:step-hide",
        "POST",
        board_people(RUNNERS, OBJECT),
        path=_scene_step("workshops:step-hide"),
        data={"hide": "1"},
    ),
    WorkshopRoute(
        "workshops:board-focus",
        "POST",
        board_people(RUNNERS, OBJECT),
        path=_scene_focus,
        data=lambda scene: {"axis": scene.made["axis"]},
    ),
    WorkshopRoute(
        "workshops:board-timer",
        "POST",
        board_people(RUNNERS, OBJECT),
        path=_scene_facilitation("workshops:board-timer"),
        data={"minutes": "5"},
    ),
    # Closed: read only, for its facilitators too (the refusal comes back to the board).
    WorkshopRoute(
        "workshops:board-timer",
        "POST",
        board_people(RUNNERS, OBJECT),
        path=_scene_facilitation("workshops:board-timer", status=CLOSED),
        data={"minutes": "5"},
        label="closed",
    ),
    WorkshopRoute(
        "workshops:board-status",
        "POST",
        board_people(RUNNERS, OBJECT),
        path=_scene_facilitation("workshops:board-status", status=WorkshopStatus.PREPARING),
        data={"status": "live"},
    ),
]
