"""The coffee machine's statistics, for facilitators: counts per round, never a person.

Per round: how many members were due, placed and left unplaced; how many of those who answered
"did you meet?" said yes; how many pairs from different services met for the first time (new
cross-service ties); and the distribution of the pairs' distances, with the engine's score (tree
distance between the service paths, plus 1 when the sites differ; a trio counts its three pairs).
The members' wishes, as the round counted them in its report (rounds.round_make_groups): how many
of those placed asked for a group of three and got one, and how many "other sites" / "other
services" preferences were met or not; unknown (None) for a round made before they were counted.

The worker purges a round's groups after COFFEE_RETENTION_DAYS (tasks.coffee_purge). The figures
of a purged round are read from `Round.report[STATS_KEY]` when the purge stored
`round_snapshot(round)` there; else from the counts it keeps (due, placed, groups, answers), the
new ties and distances of that round being then unknown (shown as such, never guessed). Distances and services are today's (an agent who changed service since counts in the new
one); the snapshot freezes them at the purge.

Nothing here names, ranks or counts a single person: the share of meetings is hidden for a round
with fewer than MIN_ANSWERS answers, where it would tell who did not turn up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass, field
from itertools import combinations
from typing import Any

from riposte.coffee import engine
from riposte.coffee.models import GroupMember, Round
from riposte.coffee.rounds import service_paths
from riposte.directory.models import Agent

# Below this many answers, a round's share of meetings is not shown (a pair's answer would show).
MIN_ANSWERS = 5
STATS_KEY = "stats"

type Pair = frozenset[int]


@dataclass(frozen=True)
class Wishes:
    """Among the members placed in a round: who asked for a group of three and got one, and the
    "other sites" / "other services" preferences met or not. Counts, never a person."""

    asked_three: int
    got_three: int
    preferences_met: int
    preferences_unmet: int

    @property
    def preferences(self) -> int:
        return self.preferences_met + self.preferences_unmet

    def __add__(self, other: Wishes) -> Wishes:
        return Wishes(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class RoundStats:
    number: int
    scheduled_on: dt.date
    due: int
    placed: int
    unplaced: int
    groups: int
    answered: int
    met: int
    # Pairs from different services never grouped together in an earlier round; None when not
    # known (a round purged without the snapshot).
    new_ties: int | None
    distances: dict[int, int] = field(default_factory=dict)  # distance -> number of pairs
    purged: bool = False  # read from Round.report: the groups are gone
    # The members' wishes (the round's report); None for a round made before they were counted.
    wishes: Wishes | None = None

    @property
    def met_share(self) -> float | None:
        """Share of "yes" among the answers; None below MIN_ANSWERS answers."""
        return self.met / self.answered if self.answered >= MIN_ANSWERS else None

    @property
    def pairs(self) -> int:
        return sum(self.distances.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "placed": self.placed,
            "unplaced": self.unplaced,
            "groups": self.groups,
            "answered": self.answered,
            "met": self.met,
            "new_ties": self.new_ties,
            # JSON keys are strings.
            "distances": {str(d): n for d, n in sorted(self.distances.items())},
            "wishes": None if self.wishes is None else asdict(self.wishes),
        }


@dataclass(frozen=True)
class Overview:
    rounds: list[RoundStats]  # the most recent first
    placed: int
    answered: int
    met: int
    new_ties: int
    distances: list[tuple[int, int]]  # (distance, pairs), every distance from 0 to the largest
    # The members' wishes, summed over the rounds that counted them; None when none did.
    wishes: Wishes | None = None

    @property
    def met_share(self) -> float | None:
        return self.met / self.answered if self.answered >= MIN_ANSWERS else None

    @property
    def pairs(self) -> int:
        return sum(n for _d, n in self.distances)

    @property
    def mean_distance(self) -> float | None:
        return sum(d * n for d, n in self.distances) / self.pairs if self.pairs else None


def _wishes(report: dict[str, Any]) -> Wishes | None:
    """The counts of the members' wishes in a round's report (preferences.Counts.as_report);
    None for a round made before they were counted."""
    kinds = report.get("preferences")
    if "asked_three" not in report or not isinstance(kinds, dict):
        return None
    counts = [k for k in kinds.values() if isinstance(k, dict)]
    return Wishes(
        asked_three=int(report.get("asked_three") or 0),
        got_three=int(report.get("got_three") or 0),
        preferences_met=sum(int(k.get("met") or 0) for k in counts),
        preferences_unmet=sum(int(k.get("unmet") or 0) for k in counts),
    )


def _unplaced_count(report: dict[str, Any]) -> int:
    unplaced = report.get("unplaced", 0)
    if isinstance(unplaced, list | tuple | dict):
        return len(unplaced)
    return int(unplaced or 0)


def _from_report(rnd: Round) -> RoundStats | None:
    """The figures of a purged round: the snapshot under STATS_KEY, else the counts the purge
    kept (tasks.coffee_purge), without the ties and distances it did not keep."""
    report = rnd.report or {}
    stored = report.get(STATS_KEY)
    if not isinstance(stored, dict):
        if "purged_on" not in report:
            return None
        stored = {
            **{key: report.get(key, 0) for key in ("due", "placed", "groups", "answered", "met")},
            "unplaced": report.get("unplaced_count", _unplaced_count(report)),
            "new_ties": None,
        }
    new_ties = stored.get("new_ties")
    # A snapshot made before the wishes were counted: the report still holds them, if any.
    stored_wishes = stored.get("wishes")
    wishes = Wishes(**stored_wishes) if isinstance(stored_wishes, dict) else _wishes(report)
    return RoundStats(
        number=rnd.number,
        scheduled_on=rnd.scheduled_on,
        due=int(stored.get("due", 0)),
        placed=int(stored.get("placed", 0)),
        unplaced=int(stored.get("unplaced", 0)),
        groups=int(stored.get("groups", 0)),
        answered=int(stored.get("answered", 0)),
        met=int(stored.get("met", 0)),
        new_ties=None if new_ties is None else int(new_ties),
        distances={int(d): int(n) for d, n in (stored.get("distances") or {}).items()},
        purged=True,
        wishes=wishes,
    )


class _Computer:
    """Reads the group rows of some rounds once, with the agents' services and sites."""

    def __init__(self, rounds: Iterable[Round]) -> None:
        self.rounds = sorted(rounds, key=lambda r: r.number)
        ids = [r.pk for r in self.rounds]
        rows = GroupMember.objects.filter(round_id__in=ids).values_list(
            "round_id", "group_id", "agent_id", "met"
        )
        self.groups: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.answers: dict[int, Counter[bool]] = defaultdict(Counter)
        agent_ids: set[int] = set()
        for round_id, group_id, agent_id, met in rows:
            self.groups[round_id][group_id].append(agent_id)
            agent_ids.add(agent_id)
            if met is not None:
                self.answers[round_id][met] += 1
        paths = service_paths()
        self.agents: dict[int, engine.Agent] = {}
        self.services: dict[int, int | None] = {}
        for pk, service_id, site_id in Agent.objects.filter(pk__in=agent_ids).values_list(
            "pk", "service_id", "site_id"
        ):
            path = paths.get(service_id, "") if service_id is not None else ""
            self.agents[pk] = engine.Agent(pk, path, "" if site_id is None else str(site_id))
            self.services[pk] = service_id

    def pairs(self, rnd: Round) -> list[Pair]:
        return [
            frozenset(p)
            for members in self.groups[rnd.pk].values()
            for p in combinations(sorted(members), 2)
        ]

    def stats(self, rnd: Round, earlier: set[Pair]) -> RoundStats:
        report = rnd.report or {}
        groups = self.groups[rnd.pk]
        placed = sum(len(members) for members in groups.values())
        unplaced = _unplaced_count(report)
        distances: Counter[int] = Counter()
        new_ties = 0
        for pair in self.pairs(rnd):
            a, b = sorted(pair)
            distances[engine.pair_score(self.agents[a], self.agents[b])] += 1
            cross = self.services[a] != self.services[b]
            if cross and pair not in earlier:
                new_ties += 1
        answers = self.answers[rnd.pk]
        return RoundStats(
            number=rnd.number,
            scheduled_on=rnd.scheduled_on,
            due=int(report.get("due", placed + unplaced)),
            placed=placed,
            unplaced=unplaced,
            groups=len(groups),
            answered=answers[True] + answers[False],
            met=answers[True],
            new_ties=new_ties,
            distances=dict(distances),
            wishes=_wishes(report),
        )


def rounds_stats(rounds: Iterable[Round] | None = None) -> list[RoundStats]:
    """The statistics of the rounds that ran (all of them by default), the most recent first.

    A tie is new when the pair was not grouped in any earlier round still stored: purged rounds
    are no longer known pair by pair, their stored count stands."""
    chosen = list(Round.objects.filter(ran_at__isnull=False) if rounds is None else rounds)
    computer = _Computer(r for r in chosen if _from_report(r) is None)
    # Earlier rounds than the chosen ones also tell which ties are not new.
    first = min((r.number for r in chosen), default=0)
    earlier: set[Pair] = set()
    for members in _groups_before(first).values():
        earlier.update(frozenset(p) for p in combinations(sorted(members), 2))
    result: list[RoundStats] = []
    for rnd in sorted(chosen, key=lambda r: r.number):
        stats = _from_report(rnd)
        if stats is None:
            stats = computer.stats(rnd, earlier)
            earlier.update(computer.pairs(rnd))
        result.append(stats)
    return result[::-1]


def _groups_before(number: int) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    rows = GroupMember.objects.filter(round__number__lt=number).values_list("group_id", "agent_id")
    for group_id, agent_id in rows:
        groups[group_id].append(agent_id)
    return groups


def round_snapshot(rnd: Round) -> dict[str, Any]:
    """What to keep in Round.report[STATS_KEY] before the round's groups are purged."""
    return rounds_stats([rnd])[0].as_dict()


def overview(rounds: list[RoundStats] | None = None) -> Overview:
    stats = rounds_stats() if rounds is None else rounds
    distances: Counter[int] = Counter()
    for s in stats:
        distances.update(s.distances)
    top = max(distances, default=-1)
    counted = [s.wishes for s in stats if s.wishes is not None]
    return Overview(
        rounds=stats,
        placed=sum(s.placed for s in stats),
        answered=sum(s.answered for s in stats),
        met=sum(s.met for s in stats),
        new_ties=sum(s.new_ties for s in stats if s.new_ties is not None),
        distances=[(d, distances.get(d, 0)) for d in range(top + 1)],
        wishes=sum(counted[1:], counted[0]) if counted else None,
    )
