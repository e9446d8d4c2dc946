"""Workshops over HTTP: the list, and one workshop with its axes, steps, notes and milestones.

The notes are the board as the caller sees it (board_queries.board, as on the page): while a
step's notes are hidden, a participant gets their own only (and how many others are kept from
them); an anonymous note never names its author, not even to a facilitator. Guests, who have no
account, have no API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from riposte.directory.models import Agent
from riposte.workshops import board_queries, queries, rules
from riposte.workshops.models import Milestone, Workshop, WorkshopStatus

router = Router(tags=["workshops"])

MAX_LIMIT = 100


class AgentRef(Schema):
    id: int
    name: str


class WorkshopItemOut(Schema):
    id: int
    title: str
    group_name: str
    held_on: dt.date
    place: str
    video_url: str
    status: str = Field(..., description=", ".join(WorkshopStatus.values))
    facilitators: list[AgentRef]
    participants: int
    url: str


class ParticipantOut(Schema):
    id: int
    name: str
    agent: int | None = Field(None, description="null: a guest without an account")
    guest: bool


class NoteOut(Schema):
    id: int
    text: str
    author: str | None = Field(None, description="null when the note is anonymous")
    anonymous: bool
    mine: bool
    hidden: bool = Field(
        ...,
        description="in a step whose notes are hidden: shown to you as its author or facilitator",
    )
    group: int | None = Field(None, description="the group (cluster) it is in")
    dots: int
    my_dots: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class GroupOut(Schema):
    id: int
    title: str


class StepOut(Schema):
    id: int
    title: str
    kind: str
    locked: bool
    notes_hidden: bool
    groups: list[GroupOut]
    notes: list[NoteOut]
    kept_hidden: int = Field(
        ..., description="notes of others you do not see until the facilitator reveals them"
    )


class MilestoneOut(Schema):
    id: int
    title: str
    horizon: str
    due_on: dt.date | None
    status: str
    done_on: dt.date | None
    late: bool
    owner: AgentRef | None
    initiative: int | None
    norm: int | None
    cooperation: int | None


class AxisOut(Schema):
    id: int
    title: str
    steps: list[StepOut]
    milestones: list[MilestoneOut]


class WorkshopOut(Schema):
    id: int
    title: str
    group_name: str
    held_on: dt.date
    place: str
    video_url: str
    pitch: str = Field(..., description="Markdown")
    status: str
    dots_per_participant: int
    revision: int = Field(..., description="goes up at every change of the board")
    facilitators: list[AgentRef]
    participants: list[ParticipantOut]
    axes: list[AxisOut]
    url: str


def _ref(agent: Agent | None) -> dict[str, Any] | None:
    return None if agent is None else {"id": agent.pk, "name": str(agent)}


@router.get(
    "/workshops",
    response=list[WorkshopItemOut],
    summary="The workshops, latest first, with the list's filters",
)
def workshop_list(
    request: HttpRequest,
    status: str = Query("", description=", ".join(WorkshopStatus.values)),
    q: str = Query("", description="words of the title, accents and case ignored"),
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    if "\x00" in status + q:
        raise HttpError(422, "A NUL character is not allowed in a parameter.")
    if status and status not in WorkshopStatus.values:
        raise HttpError(422, f"status: one of {', '.join(WorkshopStatus.values)}")
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, min(offset, 100_000))
    rows = (
        queries.workshops_list(q=q, status=status)
        .order_by("-held_on", "-id")
        .prefetch_related("facilitators")[offset : offset + limit]
    )
    return [
        {
            "id": w.pk,
            "title": w.title,
            "group_name": w.group_name,
            "held_on": w.held_on,
            "place": w.place,
            "video_url": w.video_url,
            "status": w.status,
            "facilitators": [_ref(a) for a in w.facilitators.all()],
            "participants": w.n_participants,  # type: ignore[attr-defined]
            "url": w.get_absolute_url(),
        }
        for w in rows
    ]


def _note(view: board_queries.NoteView) -> dict[str, Any]:
    note = view.note
    return {
        "id": note.pk,
        "text": note.text,
        "author": None if note.is_anonymous else note.author.display_name,
        "anonymous": note.is_anonymous,
        "mine": view.mine,
        "hidden": view.hidden,
        "group": note.cluster_id,
        "dots": view.dots,
        "my_dots": view.my_dots,
        "version": note.version,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def _step(view: board_queries.StepView) -> dict[str, Any]:
    step = view.step
    notes = [*view.loose, *(n for c in view.clusters for n in c.notes)]
    notes.sort(key=lambda n: (n.note.position, n.note.pk))
    return {
        "id": step.pk,
        "title": step.title,
        "kind": step.kind,
        "locked": step.is_locked,
        "notes_hidden": step.notes_hidden,
        "groups": [{"id": c.cluster.pk, "title": c.cluster.title} for c in view.clusters],
        "notes": [_note(n) for n in notes],
        "kept_hidden": view.kept_hidden,
    }


def _milestone(milestone: Milestone, today: dt.date) -> dict[str, Any]:
    return {
        "id": milestone.pk,
        "title": milestone.title,
        "horizon": milestone.horizon,
        "due_on": milestone.due_on,
        "status": milestone.status,
        "done_on": milestone.done_on,
        "late": milestone.is_late(today),
        "owner": _ref(milestone.owner),
        "initiative": milestone.initiative_id,
        "norm": milestone.norm_id,
        "cooperation": milestone.cooperation_id,
    }


@router.get(
    "/workshops/{pk}",
    response=WorkshopOut,
    summary="One workshop: its axes, steps, notes (as you may see them) and milestones",
)
def workshop_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    workshop = Workshop.objects.filter(pk=pk).first()
    if workshop is None:
        raise HttpError(404, "No such workshop.")
    viewer = rules.viewer_for(request.user, request.session, workshop)
    today = timezone.localdate()
    milestones: dict[int, list[dict[str, Any]]] = {}
    for m in Milestone.objects.filter(axis__workshop=workshop).select_related("owner"):
        milestones.setdefault(m.axis_id, []).append(_milestone(m, today))
    participants = workshop.participants.select_related("agent")
    axes = board_queries.board(workshop, viewer)
    return {
        "id": workshop.pk,
        "title": workshop.title,
        "group_name": workshop.group_name,
        "held_on": workshop.held_on,
        "place": workshop.place,
        "video_url": workshop.video_url,
        "pitch": workshop.pitch,
        "status": workshop.status,
        "dots_per_participant": workshop.dots_per_participant,
        "revision": workshop.revision,
        "facilitators": [_ref(a) for a in workshop.facilitators.order_by("last_name", "pk")],
        "participants": [
            {"id": p.pk, "name": p.display_name, "agent": p.agent_id, "guest": p.is_guest}
            for p in participants
        ],
        "axes": [
            {
                "id": a.axis.pk,
                "title": a.axis.title,
                "steps": [_step(s) for s in a.steps],
                "milestones": milestones.get(a.axis.pk, []),
            }
            for a in axes
        ],
        "url": workshop.get_absolute_url(),
    }
