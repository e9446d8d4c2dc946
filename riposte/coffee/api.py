"""The coffee machine over HTTP: my membership, and the rounds.

A round's counts are for everyone logged in; its groups are not. An agent sees the group they
were in, an administrator every group (to help when a pairing goes wrong); nobody else sees who
had coffee with whom. The video link is given to the group's members only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import field_validator

from riposte.coffee import services
from riposte.coffee.models import (
    SLOTS,
    Frequency,
    Group,
    GroupMember,
    Membership,
    Preference,
    Round,
)
from riposte.coffee.video import room_url
from riposte.directory.models import Agent, Role

router = Router(tags=["coffee"])

MAX_LIMIT = 100


class AgentRef(Schema):
    id: int
    name: str


class MembershipOut(Schema):
    frequency: str = Field(..., description=", ".join(Frequency.values))
    group_size: int
    preference: str = Field(..., description=", ".join(Preference.values))
    availability: list[str] = Field(..., description="half-days, e.g. mon-am; empty: any time")
    paused_until: dt.date | None
    never_with: list[AgentRef] = Field(..., description="whom you asked never to be paired with")
    joined_at: dt.datetime
    updated_at: dt.datetime


class MembershipIn(Schema):
    """Absent fields keep their value (or the default when joining); `paused_until: null`
    ends a pause."""

    frequency: str | None = Field(None, description=", ".join(Frequency.values))
    group_size: int | None = Field(None, description="2 or 3")
    preference: str | None = Field(None, description=", ".join(Preference.values))
    availability: list[str] | None = Field(None, description=", ".join(SLOTS) + "; empty: any time")
    paused_until: dt.date | None = None

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, value: str | None) -> str | None:
        if value is not None and value not in Frequency.values:
            raise ValueError(f"one of {', '.join(Frequency.values)}")
        return value

    @field_validator("preference")
    @classmethod
    def _preference(cls, value: str | None) -> str | None:
        if value is not None and value not in Preference.values:
            raise ValueError(f"one of {', '.join(Preference.values)}")
        return value

    @field_validator("group_size")
    @classmethod
    def _group_size(cls, value: int | None) -> int | None:
        if value is not None and value not in (2, 3):
            raise ValueError("2 or 3")
        return value

    @field_validator("availability")
    @classmethod
    def _availability(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = [slot for slot in value if slot not in SLOTS]
        if unknown:
            raise ValueError(
                f"unknown half-days {', '.join(unknown)[:200]}; known: {', '.join(SLOTS)}"
            )
        return [slot for slot in SLOTS if slot in value]  # in order, once each


class RoundCounts(Schema):
    groups: int
    placed: int
    unplaced: int


class RoundItemOut(Schema):
    id: int
    number: int
    date: dt.date
    ran_at: dt.datetime | None
    counts: RoundCounts


class GroupMemberOut(Schema):
    id: int
    name: str
    service: str | None


class GroupOut(Schema):
    id: int
    members: list[GroupMemberOut]
    slot_start: dt.datetime | None
    slot_end: dt.datetime | None
    video_url: str | None = Field(None, description="for the group's members only")
    mine: bool = Field(..., description="the caller is in this group")


class RoundDetailOut(RoundItemOut):
    groups: list[GroupOut] = Field(
        ..., description="the caller's own group; every group for an administrator"
    )


class ErrorOut(Schema):
    code: str
    message: str


def _agent(request: HttpRequest) -> Agent:
    return request.user  # type: ignore[return-value]


def _membership_out(membership: Membership) -> dict[str, Any]:
    never = membership.exclusions.select_related("excluded").order_by("excluded__last_name")
    return {
        "frequency": membership.frequency,
        "group_size": membership.group_size,
        "preference": membership.preference,
        "availability": list(membership.availability),
        "paused_until": membership.paused_until,
        "never_with": [{"id": e.excluded_id, "name": str(e.excluded)} for e in never],
        "joined_at": membership.joined_at,
        "updated_at": membership.updated_at,
    }


@router.get(
    "/coffee/me",
    response={200: MembershipOut, 404: ErrorOut},
    summary="My coffee preferences (404: not a member)",
)
def coffee_me(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    membership = Membership.objects.filter(agent=_agent(request)).first()
    if membership is None:
        return 404, {"code": "not_member", "message": "You have not joined the coffee machine."}
    return 200, _membership_out(membership)


@router.put(
    "/coffee/me",
    response={200: MembershipOut, 201: MembershipOut, 400: ErrorOut},
    summary="Join the coffee machine, or change my preferences",
    description="201: joined; 200: preferences changed. 422: a field is malformed; 400: refused.",
)
def coffee_me_put(request: HttpRequest, payload: MembershipIn) -> tuple[int, dict[str, Any]]:
    agent = _agent(request)
    given = payload.model_fields_set
    fields = {k: v for k, v in payload.dict().items() if k in given and v is not None}
    existing = Membership.objects.filter(agent=agent).first()
    try:
        if existing is None:
            membership = services.membership_join(agent=agent, **fields)
        else:
            membership = services.membership_update(
                membership=existing,
                clear_pause="paused_until" in given and payload.paused_until is None,
                **fields,
            )
    except ValidationError as exc:
        return 400, {"code": "invalid", "message": " ".join(exc.messages)}
    return (201 if existing is None else 200), _membership_out(membership)


def _rounds() -> Any:
    return Round.objects.annotate(
        n_groups=Count("groups", distinct=True),
        n_placed=Count("groups__members", distinct=True),
    )


def _unplaced(rnd: Round) -> int:
    unplaced = (rnd.report or {}).get("unplaced", 0)
    return len(unplaced) if isinstance(unplaced, list | tuple | dict) else int(unplaced or 0)


def _round_item(rnd: Round) -> dict[str, Any]:
    stored = (rnd.report or {}).get("stats") or {}
    groups, placed = rnd.n_groups, rnd.n_placed  # type: ignore[attr-defined]
    if not groups and stored:  # purged: the counts kept at the purge
        groups, placed = int(stored.get("groups", 0)), int(stored.get("placed", 0))
    return {
        "id": rnd.pk,
        "number": rnd.number,
        "date": rnd.scheduled_on,
        "ran_at": rnd.ran_at,
        "counts": {"groups": groups, "placed": placed, "unplaced": _unplaced(rnd)},
    }


@router.get("/coffee/rounds", response=list[RoundItemOut], summary="The rounds, latest first")
def coffee_rounds(request: HttpRequest, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, min(offset, 100_000))
    return [_round_item(r) for r in _rounds().order_by("-number")[offset : offset + limit]]


def _group_out(group: Group, *, mine: bool) -> dict[str, Any]:
    members = sorted(group.members.all(), key=lambda m: (m.agent.last_name, m.agent_id))
    return {
        "id": group.pk,
        "members": [
            {
                "id": m.agent_id,
                "name": str(m.agent),
                "service": m.agent.service.name if m.agent.service is not None else None,
            }
            for m in members
        ],
        "slot_start": group.slot_start,
        "slot_end": group.slot_end,
        "video_url": room_url(group.room) if mine else None,
        "mine": mine,
    }


@router.get(
    "/coffee/rounds/{pk}",
    response={200: RoundDetailOut, 404: ErrorOut},
    summary="One round: its counts, and my group (every group for an administrator)",
)
def coffee_round(request: HttpRequest, pk: int) -> tuple[int, dict[str, Any]]:
    rnd = _rounds().filter(pk=pk).first()
    if rnd is None:
        return 404, {"code": "no_round", "message": "No such round."}
    agent = _agent(request)
    mine = set(
        GroupMember.objects.filter(round=rnd, agent=agent).values_list("group_id", flat=True)
    )
    groups = (
        Group.objects.filter(round=rnd).prefetch_related("members__agent__service").order_by("pk")
    )
    if agent.role != Role.ADMIN:
        groups = groups.filter(Q(pk__in=mine))
    return 200, {
        **_round_item(rnd),
        "groups": [_group_out(g, mine=g.pk in mine) for g in groups],
    }
