"""The coffee machine of `riposte demo`: members among the demo agents with various preferences,
three past rounds with their groups and answers (so that the statistics have content), the round
of this week in which the demo agent (agent@demo.riposte.test) has a group, and three always-open
rooms. The texts are in data/demo_coffee.json.

Members join through the services (services.membership_join, exclusion_add); rounds are paired
by the real engine (rounds.round_for + round_make_groups, as services.round_run does, but without
e-mailing invitations for the past); answers go through services.member_answer at the end of their
round's week; rooms through rooms.room_create. Dates are then moved back where the services
stamped "now" (a seeding step). Deterministic for a seed, apart from the random video room names.

The demo command calls `demo_reset()` first and `demo_build(seed=...)` after the norms.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from riposte.coffee import rooms, services
from riposte.coffee.models import (
    CoffeeRoom,
    Exclusion,
    Group,
    GroupMember,
    Membership,
    Presence,
    Round,
)
from riposte.coffee.rounds import round_for, round_make_groups
from riposte.directory.demo import DEMO_DOMAIN
from riposte.directory.models import Agent, Role, Site

DATA = Path(__file__).parent / "data" / "demo_coffee.json"
DEMO_AGENT = f"agent@{DEMO_DOMAIN}"
FACILITATOR = f"facilitatrice@{DEMO_DOMAIN}"


@transaction.atomic
def demo_reset() -> None:
    """Delete every coffee row: members, rounds and groups, rooms and presences."""
    Presence.objects.all().delete()
    CoffeeRoom.objects.all().delete()
    GroupMember.objects.all().delete()
    Group.objects.all().delete()
    Round.objects.all().delete()
    Exclusion.objects.all().delete()
    Membership.objects.all().delete()


def demo_build(*, seed: int = 93) -> int:
    """Build the coffee demo; returns how many members joined."""
    with translation.override("fr"):
        return _build(seed)


@transaction.atomic
def _build(seed: int) -> int:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    demo_reset()
    today = timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    first_monday = this_monday - dt.timedelta(weeks=data["past_rounds"])

    _rooms(data["rooms"])
    members = _members(data, rng, joined=first_monday - dt.timedelta(days=3))
    for week in range(data["past_rounds"]):
        monday = first_monday + dt.timedelta(weeks=week)
        # The worker runs on Monday morning: the slots are proposed from then on.
        ran = timezone.make_aware(dt.datetime.combine(monday, dt.time(7)))
        round_ = round_for(monday)
        round_make_groups(round_, now=ran)
        _answers(round_, rng, data["answers"])
    current = round_for(this_monday)
    round_make_groups(current, now=timezone.now())
    demo_agent = Agent.objects.get(email=DEMO_AGENT)
    if not GroupMember.objects.filter(round=current, agent=demo_agent).exists():
        raise RuntimeError("the demo agent has no group in this week's round")
    return members


def _rooms(specs: list[dict[str, str]]) -> None:
    facilitator = Agent.objects.get(email=FACILITATOR)
    for spec in specs:
        site = None
        if spec.get("site"):
            # The Hôtel du Département is in Bobigny: the demo's first site stands for it.
            site = (
                Site.objects.filter(commune__name=spec["site"]).first()
                or Site.objects.filter(name="Hôtel du Département").first()
            )
        rooms.room_create(
            by=facilitator,
            name=spec["name"],
            description=spec.get("description", ""),
            site=site,
            theme=spec.get("theme", ""),
        )


def _members(data: dict[str, Any], rng: random.Random, *, joined: dt.date) -> int:
    demo_agent = Agent.objects.get(email=DEMO_AGENT)
    others = list(
        Agent.objects.filter(is_active=True, role=Role.AGENT)
        .exclude(pk=demo_agent.pk)
        .order_by("pk")
    )
    chosen = rng.sample(others, min(data["members"] - 1, len(others)))
    profiles = data["profiles"]
    memberships = [services.membership_join(agent=demo_agent, **data["demo_agent"])]
    for agent in chosen:
        memberships.append(services.membership_join(agent=agent, **rng.choice(profiles)))
    today = timezone.localdate()
    for membership in rng.sample(memberships[1:], data["paused"]):
        services.membership_update(
            membership=membership, paused_until=today + dt.timedelta(days=rng.randint(7, 45))
        )
    for membership in rng.sample(memberships[1:], data["exclusions"]):
        excluded = rng.choice([m for m in memberships if m is not membership]).agent
        services.exclusion_add(membership=membership, excluded=excluded)
    stamp = timezone.make_aware(dt.datetime.combine(joined, dt.time(9)))
    Membership.objects.update(joined_at=stamp, updated_at=stamp)
    return len(memberships)


def _answers(round_: Round, rng: random.Random, rates: dict[str, float]) -> None:
    """Each member answers "did you meet?" the Monday after the round's week, or never does
    (a group without a slot may answer only once its week is over)."""
    end = timezone.make_aware(
        dt.datetime.combine(round_.scheduled_on + dt.timedelta(days=7), dt.time(9))
    )
    for group in round_.groups.order_by("pk"):
        # Both met or neither did; some forget to answer.
        met = rng.random() < rates["yes"] / (rates["yes"] + rates["no"])
        for row in group.members.select_related("agent").order_by("agent_id"):
            if rng.random() < rates["yes"] + rates["no"]:
                services.member_answer(group=group, agent=row.agent, met=met, now=end)
