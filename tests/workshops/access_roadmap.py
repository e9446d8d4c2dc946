"""Rows of the access tables for the roadmap: a workshop's roadmap, a milestone's page and what
is done from them, and the milestones of all workshops (see tests/workshops/access.py).

ROUTES is the site-wide table (tests/test_access.py): its `facilitator` actor creates the
workshop of each row, and its `agent` actor owns the milestone of the status rows. A row that
converts a milestone finds it converted already: the outcome is the page of what it became,
known in advance (making it is tested in test_roadmap_views.py). WORKSHOP_ROUTES sees the same
pages through the people of a workshop, guests included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.directory.models import Agent
from riposte.workshops.milestones import (
    MilestoneData,
    milestone_edit,
    milestone_to_initiative,
    milestone_to_norm,
)
from riposte.workshops.models import Milestone, Workshop, WorkshopStatus
from tests.access_table import LOGIN, OBJECT, Route, logged_in, only
from tests.workshops.builders import (
    Scene,
    WorkshopRoute,
    agents,
    make_workshop,
    readers,
    runners,
    set_status,
)
from tests.workshops.roadmap_builders import first_axis, make_milestone, make_note

FACILITATORS = ("facilitator", "admin")
CLOSED = WorkshopStatus.CLOSED
LIVE = WorkshopStatus.LIVE


def _roadmap(workshop: Workshop, anchor: str = "") -> str:
    return reverse("workshops:roadmap", args=[workshop.pk]) + anchor


def _page(milestone: Milestone) -> str:
    return reverse("workshops:milestone", args=[milestone.pk])


def _owned_by(milestone: Milestone, owner: Agent) -> Milestone:
    by = milestone.axis.workshop.facilitators.order_by("pk").first()
    assert by is not None
    data = MilestoneData(title=milestone.title, owner=owner, due_on=milestone.due_on)
    return milestone_edit(milestone=milestone, by=by, data=data, version=milestone.version)


def _edit_data(milestone_pk: int) -> dict[str, Any]:
    version = Milestone.objects.values_list("version", flat=True).get(pk=milestone_pk)
    return {"title": "Cartographier les acteurs", "status": "open", "version": version,
            "owner": "", "owner_email": "", "due_on": "2021-06-30"}  # fmt: skip


# --- the site-wide table -----------------------------------------------------------------------


def _milestone(actors: dict[str, Any], *, status: str = WorkshopStatus.PREPARING) -> Milestone:
    workshop = make_workshop(by=actors["facilitator"])
    milestone = make_milestone(workshop, by=actors["facilitator"])
    set_status(workshop, status)
    actors["milestone"] = milestone.pk
    return milestone


def _workshop_url(name: str) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        milestone = _milestone(actors)
        actors["made"] = _roadmap(milestone.axis.workshop)
        return reverse(name, args=[milestone.axis.workshop_id])

    return build


def _add_url(actors: dict[str, Any]) -> str:
    """An empty title is refused: back to the axis on the roadmap."""
    workshop = make_workshop(by=actors["facilitator"])
    axis = first_axis(workshop)
    actors["axis"] = axis.pk
    actors["made"] = _roadmap(workshop, f"#axis-{axis.pk}")
    return reverse("workshops:milestone-add", args=[workshop.pk])


def _note_url(actors: dict[str, Any]) -> str:
    """A note of a live workshop; without a horizon, back to the roadmap."""
    workshop = make_workshop(by=actors["facilitator"], status=LIVE)
    note = make_note(workshop, by=actors["facilitator"])
    actors["made"] = _roadmap(workshop)
    return reverse("workshops:milestone-from-note", args=[note.pk])


def _milestone_url(name: str, back: str = "roadmap") -> Callable[[dict[str, Any]], str]:
    """The URL `name` of a new milestone, owned by the `agent` actor; a POST there comes back to
    the roadmap at the milestone, or to the milestone's page."""

    def build(actors: dict[str, Any]) -> str:
        milestone = _owned_by(_milestone(actors), actors["agent"])
        actors["made"] = (
            _page(milestone)
            if back == "page"
            else _roadmap(milestone.axis.workshop, f"#milestone-{milestone.pk}")
        )
        return reverse(name, args=[milestone.pk])

    return build


def _converted_url(kind: str) -> Callable[[dict[str, Any]], str]:
    """A milestone already turned into an initiative or a norm: asking again leads to it."""
    convert = {"initiative": milestone_to_initiative, "norm": milestone_to_norm}[kind]

    def build(actors: dict[str, Any]) -> str:
        milestone = _milestone(actors)
        made = convert(milestone=milestone, by=actors["facilitator"])
        actors["made"] = made.get_absolute_url()
        return reverse(f"workshops:milestone-to-{kind}", args=[milestone.pk])

    return build


def _cooperation_url(actors: dict[str, Any]) -> str:
    milestone = _milestone(actors)
    actors["made"] = f"{reverse('cooperations:new')}?from=milestone%3A{milestone.pk}"
    return reverse("workshops:milestone-to-cooperation", args=[milestone.pk])


ROUTES: list[Route] = [
    Route("workshops:roadmap-all", "GET", logged_in(200)),
    Route(
        "workshops:roadmap-all",
        "GET",
        logged_in(200),
        path=lambda actors: reverse("workshops:roadmap-all") + "?mine=on&late=on&status=all",
    ),
    Route("workshops:roadmap", "GET", logged_in(200), path=_workshop_url("workshops:roadmap")),
    Route("workshops:milestone-add", "GET", logged_in(405), path=_add_url),
    Route(
        "workshops:milestone-add",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_add_url,
        data=lambda actors: {"axis": actors["axis"], "title": "", "horizon": "6m"},
    ),
    Route("workshops:milestone-from-note", "GET", logged_in(405), path=_note_url),
    Route(
        "workshops:milestone-from-note",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_note_url,
        data={"horizon": ""},
    ),
    Route(
        "workshops:milestone",
        "GET",
        logged_in(200),
        path=_milestone_url("workshops:milestone", back="page"),
    ),
    Route(
        "workshops:milestone",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_milestone_url("workshops:milestone", back="page"),
        data=lambda actors: _edit_data(actors["milestone"]),
    ),
    Route(
        "workshops:milestone-move",
        "GET",
        logged_in(405),
        path=_milestone_url("workshops:milestone-move"),
    ),
    Route(
        "workshops:milestone-move",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_milestone_url("workshops:milestone-move"),
        data={"horizon": "1y"},
    ),
    Route(
        "workshops:milestone-status",
        "GET",
        logged_in(405),
        path=_milestone_url("workshops:milestone-status", back="page"),
    ),
    # The owner (the `agent` actor) or a facilitator of the workshop.
    Route(
        "workshops:milestone-status",
        "POST",
        only(("agent", *FACILITATORS), OBJECT),
        path=_milestone_url("workshops:milestone-status", back="page"),
        data={"status": "done"},
    ),
    Route(
        "workshops:milestone-to-initiative",
        "GET",
        logged_in(405),
        path=_converted_url("initiative"),
    ),
    Route(
        "workshops:milestone-to-initiative",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_converted_url("initiative"),
    ),
    Route("workshops:milestone-to-norm", "GET", logged_in(405), path=_converted_url("norm")),
    Route(
        "workshops:milestone-to-norm",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_converted_url("norm"),
        data={"kind": "procedure"},
    ),
    Route(
        "workshops:milestone-to-cooperation",
        "GET",
        only(FACILITATORS, OBJECT),
        path=_cooperation_url,
    ),
]
API_ROUTES: dict[str, tuple[str, int, int]] = {}


# --- the workshop's people ---------------------------------------------------------------------


def _scene_milestone(scene: Scene, status: str, *, owned: bool = False) -> Milestone:
    """A milestone of the scene's workshop (owned by its participant if told), the workshop
    then put in `status`."""
    milestone = make_milestone(scene.workshop, by=scene.people["facilitator"])
    if owned:
        milestone = _owned_by(milestone, scene.people["participant"])
    scene.workshop = set_status(scene.workshop, status)
    scene.made["milestone"] = milestone.pk
    return milestone


def _on_workshop(name: str, *, status: str = WorkshopStatus.PREPARING) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        _scene_milestone(scene, status)
        scene.made["made"] = _roadmap(scene.workshop)
        return reverse(name, args=[scene.workshop.pk])

    return build


def _scene_add(status: str) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        scene.workshop = set_status(scene.workshop, status)
        axis = first_axis(scene.workshop)
        scene.made["axis"] = axis.pk
        scene.made["made"] = _roadmap(scene.workshop, f"#axis-{axis.pk}")
        return reverse("workshops:milestone-add", args=[scene.workshop.pk])

    return build


def _scene_note(scene: Scene) -> str:
    scene.workshop = set_status(scene.workshop, LIVE)
    note = make_note(scene.workshop, by=scene.people["participant"])
    scene.made["made"] = _roadmap(scene.workshop)
    return reverse("workshops:milestone-from-note", args=[note.pk])


def _on_milestone(
    name: str, *, status: str = WorkshopStatus.PREPARING, back: str = "roadmap", owned: bool = False
) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        milestone = _scene_milestone(scene, status, owned=owned)
        scene.made["made"] = (
            _page(milestone)
            if back == "page"
            else _roadmap(scene.workshop, f"#milestone-{milestone.pk}")
        )
        return reverse(name, args=[milestone.pk])

    return build


def _scene_converted(kind: str) -> Callable[[Scene], str]:
    convert = {"initiative": milestone_to_initiative, "norm": milestone_to_norm}[kind]

    def build(scene: Scene) -> str:
        milestone = _scene_milestone(scene, CLOSED)
        made = convert(milestone=milestone, by=scene.people["facilitator"])
        scene.made["made"] = made.get_absolute_url()
        return reverse(f"workshops:milestone-to-{kind}", args=[milestone.pk])

    return build


def _scene_cooperation(scene: Scene) -> str:
    milestone = _scene_milestone(scene, CLOSED)
    scene.made["made"] = f"{reverse('cooperations:new')}?from=milestone%3A{milestone.pk}"
    return reverse("workshops:milestone-to-cooperation", args=[milestone.pk])


def _writers(outcome: Any) -> dict[str, Any]:
    """A POST on a milestone's page: its guest reads it but may not write (403); the guest of
    another workshop learns nothing of it (404)."""
    return {**runners(outcome), "guest": 403, "other_guest": 404, "anonymous": LOGIN}


# Who sets the status of the participant's milestone: the participant (its owner), and those
# who run the workshop.
STATUS_SETTERS = ("participant", "facilitator", "admin")


def _status_setters(outcome: Any) -> dict[str, Any]:
    return {**agents(403), **dict.fromkeys(STATUS_SETTERS, outcome)}


WORKSHOP_ROUTES: list[WorkshopRoute] = [
    WorkshopRoute("workshops:roadmap", "GET", readers(200), path=_on_workshop("workshops:roadmap")),
    WorkshopRoute(
        "workshops:roadmap",
        "GET",
        readers(200),
        path=_on_workshop("workshops:roadmap", status=LIVE),
        label="live",
    ),
    WorkshopRoute(
        "workshops:roadmap",
        "GET",
        readers(200),
        path=_on_workshop("workshops:roadmap", status=CLOSED),
        label="closed",
    ),
    WorkshopRoute(
        "workshops:roadmap-all",
        "GET",
        agents(200),
        path=lambda scene: reverse("workshops:roadmap-all"),
    ),
    WorkshopRoute(
        "workshops:milestone-add",
        "POST",
        runners(OBJECT),
        path=_scene_add(WorkshopStatus.PREPARING),
        data=lambda scene: {"axis": scene.made["axis"], "title": "", "horizon": "1m"},
    ),
    # Refused with a message (the roadmap of a closed workshop is a record), back to the axis.
    WorkshopRoute(
        "workshops:milestone-add",
        "POST",
        runners(OBJECT),
        path=_scene_add(CLOSED),
        data=lambda scene: {"axis": scene.made["axis"], "title": "Voter", "horizon": "1m"},
        label="closed",
    ),
    WorkshopRoute(
        "workshops:milestone-from-note",
        "POST",
        runners(OBJECT),
        path=_scene_note,
        data={"horizon": ""},
    ),
    WorkshopRoute(
        "workshops:milestone",
        "GET",
        readers(200),
        path=_on_milestone("workshops:milestone", back="page"),
    ),
    WorkshopRoute(
        "workshops:milestone",
        "GET",
        readers(200),
        path=_on_milestone("workshops:milestone", back="page", status=CLOSED),
        label="closed",
    ),
    WorkshopRoute(
        "workshops:milestone",
        "POST",
        _writers(OBJECT),
        path=_on_milestone("workshops:milestone", back="page"),
        data=lambda scene: _edit_data(scene.made["milestone"]),
    ),
    WorkshopRoute(
        "workshops:milestone-move",
        "POST",
        runners(OBJECT),
        path=_on_milestone("workshops:milestone-move", status=LIVE),
        data={"horizon": "ideal"},
    ),
    WorkshopRoute(
        "workshops:milestone-move",
        "POST",
        runners(OBJECT),
        path=_on_milestone("workshops:milestone-move", status=CLOSED),
        data={"offset": "1"},
        label="closed",
    ),
    WorkshopRoute(
        "workshops:milestone-status",
        "POST",
        _status_setters(OBJECT),
        path=_on_milestone("workshops:milestone-status", back="page", owned=True),
        data={"status": "done"},
    ),
    WorkshopRoute(
        "workshops:milestone-status",
        "POST",
        _status_setters(OBJECT),
        path=_on_milestone("workshops:milestone-status", back="page", owned=True, status=CLOSED),
        data={"status": "dropped"},
        label="closed",
    ),
    WorkshopRoute(
        "workshops:milestone-to-initiative",
        "POST",
        runners(OBJECT),
        path=_scene_converted("initiative"),
    ),
    WorkshopRoute(
        "workshops:milestone-to-norm",
        "POST",
        runners(OBJECT),
        path=_scene_converted("norm"),
    ),
    WorkshopRoute(
        "workshops:milestone-to-cooperation",
        "GET",
        runners(OBJECT),
        path=_scene_cooperation,
    ),
]
