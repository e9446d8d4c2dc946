"""A round from the database: who is due, the engine's input, and the groups it made.

Who is due on a round's date (the round's `scheduled_on`):
- a member whose agent is active;
- not paused: `paused_until` is the last day of the pause, so a member paused until the round's
  date (or later) sits this round out, and one whose pause ended the day before takes part. A
  pause that ends in the middle of the round's week still skips the round: what counts is the
  day the round is made;
- whose frequency has come round: a member every N rounds (Frequency.rounds) is due when they
  were in no group of the N - 1 rounds before this one.

The engine (riposte.coffee.engine) gets every agent due with their service path (the codes from
the direction down, joined with "/") and site, the pairs of the groups of the last
COFFEE_COOLDOWN_ROUNDS rounds, and the exclusions, both ways. Its groups then go through the
members' wishes (riposte.coffee.preferences: trios of those who asked for three, then swaps for
"other sites" / "other services"), under the same cooldown and exclusions, with the round's seed.

The round's report keeps counts only: due, placed, groups, trios, the total score (and the
engine's, before the wishes), how many of the members placed asked for three and got a trio, and
how many "whom to meet" preferences were met or not; the agents left unplaced, with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import combinations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from riposte.coffee import engine, preferences
from riposte.coffee.models import Exclusion, Frequency, Group, GroupMember, Membership, Round
from riposte.coffee.slots import slot_propose
from riposte.coffee.video import room_name
from riposte.directory.models import Service


def service_paths() -> dict[int, str]:
    """Every service's path, "DIR/SERVICE/UNIT", read in one query."""
    nodes = dict(Service.objects.values_list("pk", "parent_id"))
    codes = dict(Service.objects.values_list("pk", "code"))
    paths: dict[int, str] = {}

    def path(pk: int) -> str:
        if pk not in paths:
            chain: list[str] = []
            current: int | None = pk
            seen: set[int] = set()
            while current is not None and current not in seen:  # a cycle must not hang a round
                seen.add(current)
                chain.append(codes[current])
                current = nodes.get(current)
            paths[pk] = "/".join(reversed(chain))
        return paths[pk]

    for pk in nodes:
        path(pk)
    return paths


def round_for(day: dt.date) -> Round:
    """The round of this date, numbered after the last one; made once even by two workers."""
    existing = Round.objects.filter(scheduled_on=day).first()
    if existing is not None:
        return existing
    last = Round.objects.aggregate(last=Max("number"))["last"] or 0
    try:
        with transaction.atomic():
            return Round.objects.create(number=last + 1, scheduled_on=day, seed=last + 1)
    except IntegrityError:  # another worker made it (or took the number) meanwhile
        return Round.objects.get(scheduled_on=day)


def members_due(round_: Round) -> list[Membership]:
    day = round_.scheduled_on
    members = list(
        Membership.objects.filter(agent__is_active=True)
        .exclude(paused_until__gte=day)
        .select_related("agent")
        .order_by("agent_id")
    )
    every = {m.agent_id: Frequency(m.frequency).rounds for m in members}
    longest = max(every.values(), default=1)
    latest: dict[int, int] = {}  # agent -> their latest round before this one, if recent
    for agent_id, number in GroupMember.objects.filter(
        round__number__lt=round_.number, round__number__gt=round_.number - longest
    ).values_list("agent_id", "round__number"):
        latest[agent_id] = max(latest.get(agent_id, 0), number)
    return [
        m
        for m in members
        if m.agent_id not in latest or latest[m.agent_id] <= round_.number - every[m.agent_id]
    ]


@dataclass
class EngineInput:
    agents: list[engine.Agent]
    history: list[engine.Meeting]
    exclusions: list[tuple[int, int]]
    latest_round: int
    cooldown: int
    members: dict[int, Membership] = field(default_factory=dict)


def engine_input(round_: Round, members: list[Membership]) -> EngineInput:
    paths = service_paths()
    agents = [
        engine.Agent(
            id=m.agent_id,
            service_path=paths.get(m.agent.service_id, "") if m.agent.service_id else "",
            site=str(m.agent.site_id or ""),
        )
        for m in members
    ]
    cooldown = settings.COFFEE_COOLDOWN_ROUNDS
    ids = {m.agent_id for m in members}
    # Each group of the cooldown's rounds, as its members' pairs.
    by_group: dict[tuple[int, int], list[int]] = {}
    for group_id, number, agent_id in GroupMember.objects.filter(
        round__number__lt=round_.number,
        round__number__gte=round_.number - cooldown,
        agent_id__in=ids,
    ).values_list("group_id", "round__number", "agent_id"):
        by_group.setdefault((group_id, number), []).append(agent_id)
    history = [
        engine.Meeting(a, b, number)
        for (_group, number), people in by_group.items()
        for a, b in combinations(sorted(people), 2)
    ]
    exclusions = [
        (member, excluded)
        for member, excluded in Exclusion.objects.filter(member__agent_id__in=ids).values_list(
            "member__agent_id", "excluded_id"
        )
    ]
    return EngineInput(
        agents=agents,
        history=history,
        exclusions=exclusions,
        latest_round=round_.number - 1,
        cooldown=cooldown,
        members={m.agent_id: m for m in members},
    )


@dataclass
class RoundOutcome:
    round: Round
    ran: bool  # False when it had run already: nothing was changed
    groups: list[Group] = field(default_factory=list)


def round_make_groups(round_: Round, *, now: dt.datetime | None = None) -> RoundOutcome:
    """Group the members due (the engine, then their wishes) and write the groups. The caller
    holds the round's row locked in a transaction and has checked it has not run (see
    services.round_run)."""
    now = now or timezone.now()
    members = members_due(round_)
    data = engine_input(round_, members)
    pairing = engine.coffee_pair(
        agents=data.agents,
        history=data.history,
        exclusions=data.exclusions,
        cooldown=data.cooldown,
        latest_round=data.latest_round,
        seed=round_.seed,
    )
    grouping = preferences.preferences_apply(
        pairing=pairing,
        agents=data.agents,
        wishes={
            agent_id: preferences.Wish(size=m.group_size, meet=preferences.Meet(m.preference))
            for agent_id, m in data.members.items()
        },
        forbidden=preferences.forbidden_pairs(
            history=data.history,
            exclusions=data.exclusions,
            cooldown=data.cooldown,
            latest_round=data.latest_round,
        ),
        seed=round_.seed,
    )
    groups: list[Group] = []
    rows: list[GroupMember] = []
    distances: dict[str, int] = {}
    for people, score in zip(grouping.groups, grouping.group_scores, strict=True):
        slot = slot_propose(
            availabilities=[data.members[int(p)].availability for p in people],
            week_start=round_.scheduled_on,
            not_before=now,
        )
        group = Group.objects.create(
            round=round_,
            room=room_name(),
            slot_start=slot[0] if slot else None,
            slot_end=slot[1] if slot else None,
            score=score,
        )
        groups.append(group)
        rows += [GroupMember(group=group, round=round_, agent_id=int(p)) for p in people]
        distances[str(score)] = distances.get(str(score), 0) + 1
    GroupMember.objects.bulk_create(rows)
    round_.ran_at = now
    round_.report = {
        "due": len(members),
        "placed": len(rows),
        "groups": len(groups),
        "trios": sum(1 for g in grouping.groups if len(g) == 3),
        "without_slot": sum(1 for g in groups if g.slot_start is None),
        "score": grouping.score,
        "engine_score": pairing.score,
        "group_scores": distances,
        **grouping.counts.as_report(),
        "unplaced": [{"agent": u.agent, "reason": str(u.reason)} for u in grouping.unplaced],
    }
    round_.save(update_fields=["ran_at", "report"])
    return RoundOutcome(round=round_, ran=True, groups=groups)
