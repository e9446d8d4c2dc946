"""Rows of the access table for joining, preferences and the groups' pages (see
tests/coffee/access.py; the people never to meet are in access_exclusions.py). A group exists only for its members: a 404 for everyone else, whatever
their role (administrators see groups in Django's admin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from riposte.coffee.models import Group, GroupMember, Round
from riposte.coffee.services import membership_join
from riposte.coffee.video import room_name
from riposte.directory.models import Agent
from tests.access_table import OBJECT, Redirect, Route, logged_in

HOME = Redirect("/coffee/")
PREFERENCES = Redirect("/coffee/preferences/")
JOIN = {
    "frequency": "weekly",
    "group_size": "2",
    "preference": "surprise",
    "availability": ["mon-am"],
}


def members_only(outcome: Any) -> dict[str, Any]:
    return {**logged_in(404), "agent": outcome}


def _group(actors: dict[str, Any], *, slot_in: dt.timedelta) -> Group:
    partner = Agent.objects.create_user("partner@example.org", "a-long-test-password")
    round_ = Round.objects.create(
        number=1, scheduled_on=timezone.localdate(), ran_at=timezone.now()
    )
    start = timezone.now() + slot_in
    group = Group.objects.create(
        round=round_, room=room_name(), slot_start=start, slot_end=start + dt.timedelta(minutes=30)
    )
    for person in (actors["agent"], partner):
        GroupMember.objects.create(group=group, round=round_, agent=person)
    actors["made"] = reverse("coffee:group", args=[group.pk])
    return group


def _group_url(name: str, *, slot_in: dt.timedelta = dt.timedelta(days=2)):  # type: ignore[no-untyped-def]
    return lambda actors: reverse(name, args=[_group(actors, slot_in=slot_in).pk])


def _member(actors: dict[str, Any]) -> str:
    membership_join(agent=actors["agent"])
    return reverse("coffee:leave")


def _future(actors: dict[str, Any]) -> dict[str, str]:
    return {"start": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")}


ROUTES: list[Route] = [
    Route("coffee:home", "GET", logged_in(200)),
    Route("coffee:home", "POST", logged_in(HOME), data=JOIN),
    Route("coffee:preferences", "GET", logged_in(200)),
    Route("coffee:preferences", "POST", logged_in(PREFERENCES), data=JOIN),
    # Unknown half-days: refused, the form again with its errors.
    Route("coffee:preferences", "POST", logged_in(200), data={**JOIN, "availability": ["sun-am"]}),
    Route("coffee:leave", "GET", logged_in(HOME)),  # not a member: nothing to leave
    Route("coffee:leave", "GET", {**logged_in(HOME), "agent": 200}, path=_member),
    Route("coffee:leave", "POST", logged_in(HOME), path=_member),
    Route("coffee:group", "GET", members_only(200), path=_group_url("coffee:group")),
    Route("coffee:group-ics", "GET", members_only(200), path=_group_url("coffee:group-ics")),
    Route("coffee:group-move", "GET", logged_in(405), path=_group_url("coffee:group-move")),
    Route(
        "coffee:group-move",
        "POST",
        members_only(OBJECT),
        path=_group_url("coffee:group-move"),
        data=_future,
    ),
    Route("coffee:group-answer", "GET", logged_in(405), path=_group_url("coffee:group-answer")),
    Route(
        "coffee:group-answer",
        "POST",
        members_only(OBJECT),
        path=_group_url("coffee:group-answer", slot_in=-dt.timedelta(hours=1)),
        data={"met": "yes"},
    ),
]
