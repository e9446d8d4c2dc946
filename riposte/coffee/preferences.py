"""The members' wishes, as a second pass over the engine's groups (no Django here).

The engine (engine.py) maximises the issue's fixed objective and knows nothing of what each
member asked for; its contract, the CLI and the benchmark stay as they are. This pass changes its
groups as little as it can, in three steps, and keeps what the engine guarantees: nobody twice,
nobody lost (the unplaced stay unplaced, for the engine's reasons), no pair that met within the
cooldown or where one excluded the other.

1a. **Askers together.** The engine pairs without the wishes, so a member who asked for three
   is mostly paired with one who asked for two. Such pairs are taken in an order drawn with the
   seed, and each is exchanged with another such pair, (A, a) + (B, b) → (A, B) + (a, b), when
   both new pairs are allowed: among up to ASKER_CANDIDATES of them, the exchange that loses
   least.
   m such pairs give m // 2 pairs of askers when nothing forbids (bench/README.md §6: the share
   of askers who get a trio went from about the share who ask to nearly all).
1. **Group size.** A trio is made only of members who all asked for three; the engine's own
   trio, when the number placed is odd, may hold anyone, as before. Among the pairs whose two
   members both asked for three (k of them, the engine's and step 1a's), the pairs that score least are dissolved
   one by one, and each of their two members joins another such pair: the two pairs where they
   add the most score, among up to CANDIDATES drawn with the seed (all of them when there are
   no more). k pairs make 2 * (k // 3) trios, and k % 3 pairs stay pairs. When a member fits
   in no pair (every one holds somebody they met within the cooldown or excluded), nothing
   moves: the pair stays a pair and may still take someone in.
2. **Whom to meet.** "sites": nobody else in the group works on the same site; "services":
   nobody else belongs to the same service (the same full path); "surprise": nothing beyond the
   engine's objective. A site or a service that is not known (empty) is the same as nobody's.
   Each member whose preference is not met, group after group, is tried once: a swap of one
   member of the group with a member of another group (up to CANDIDATES drawn with the seed)
   such that both groups stay allowed, that member's preference becomes met, nobody whose
   preference was met loses it, nobody who asked for three and has a trio loses it, and a trio
   other than the engine's takes in only members who asked for three. Of those swaps, the one
   that loses the least score is made; when there is none, the group stays as it is.

The total score can go down (the report keeps the engine's beside it); it is deterministic for a
seed, whatever the order of the agents.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import Any

from riposte.coffee import engine
from riposte.coffee.engine import Agent, AgentId, Meeting, Pairing, Unplaced

__all__ = [
    "CANDIDATES",
    "Counts",
    "Grouping",
    "Meet",
    "Wish",
    "forbidden_pairs",
    "preferences_apply",
]

# How many other pairs (step 1) or members (step 2) are looked at for one move: enough to find
# one in practice, few enough that a round of 100,000 stays linear.
CANDIDATES = 200
# Step 1a looks at fewer: nearly every exchange is allowed, and it runs for each such pair (a
# fifth of the members when 30 % ask for three). At 100,000 agents, 200 took about 5 s of the
# pass on one core, 32 about 1 s, for the same share of trios (bench/coffee_preferences.py).
ASKER_CANDIDATES = 32


class Meet(StrEnum):
    """Whom to meet: the values of the membership's `preference` (models.Preference)."""

    OTHER_SERVICES = "services"
    OTHER_SITES = "sites"
    SURPRISE = "surprise"


@dataclass(frozen=True, slots=True)
class Wish:
    size: int = 2  # 2 or 3
    meet: Meet = Meet.SURPRISE


NO_WISH = Wish()


@dataclass(frozen=True, slots=True)
class Counts:
    """Among the members placed: who asked for three and got a trio, and whose "whom to meet"
    was met. Counts only: they go to the round's report and the statistics."""

    asked_three: int = 0
    got_three: int = 0
    sites_met: int = 0
    sites_unmet: int = 0
    services_met: int = 0
    services_unmet: int = 0

    @property
    def met(self) -> int:
        return self.sites_met + self.services_met

    @property
    def unmet(self) -> int:
        return self.sites_unmet + self.services_unmet

    def as_report(self) -> dict[str, Any]:
        return {
            "asked_three": self.asked_three,
            "got_three": self.got_three,
            "preferences": {
                "sites": {"met": self.sites_met, "unmet": self.sites_unmet},
                "services": {"met": self.services_met, "unmet": self.services_unmet},
            },
        }


@dataclass(frozen=True, slots=True)
class Grouping:
    """The groups once the wishes are in: pairs and trios (any number of them), members and
    groups in id order like the engine's."""

    groups: tuple[tuple[AgentId, ...], ...]
    group_scores: tuple[int, ...]  # aligned with groups
    unplaced: tuple[Unplaced, ...]  # the engine's, unchanged
    counts: Counts
    trios_made: int  # by step 1
    swaps: int  # by step 2
    askers_paired: int = 0  # pairs of askers made by step 1a

    @property
    def score(self) -> int:
        return sum(self.group_scores)


def forbidden_pairs(
    *,
    history: Iterable[Meeting],
    exclusions: Iterable[tuple[AgentId, AgentId]],
    cooldown: int = engine.DEFAULT_COOLDOWN,
    latest_round: int | None = None,
) -> set[frozenset[AgentId]]:
    """The pairs the engine may not make (the same inputs as engine.coffee_pair): met within the
    cooldown, or one excluded the other."""
    pairs = engine.recent_pairs(history, cooldown=cooldown, latest_round=latest_round)
    return pairs | {frozenset((a, b)) for a, b in exclusions if a != b}


def preferences_apply(
    *,
    pairing: Pairing,
    agents: Sequence[Agent],
    wishes: Mapping[AgentId, Wish],
    forbidden: Collection[frozenset[AgentId]],
    seed: int = 0,
    candidates: int = CANDIDATES,
) -> Grouping:
    """The engine's groups for these agents, changed for their wishes (steps 1 and 2 above).
    A member without a wish asked for two and a surprise."""
    state = _State(pairing, agents, wishes, forbidden)
    rng = random.Random(seed)
    paired = state.pair_askers(rng, min(candidates, ASKER_CANDIDATES))
    made = state.form_trios(rng, candidates)
    swaps = state.repair(rng, candidates)
    groups = sorted((sorted(g, key=_id_key) for g in state.groups), key=lambda g: _id_key(g[0]))
    return Grouping(
        groups=tuple(tuple(g) for g in groups),
        group_scores=tuple(state.group_score(g) for g in groups),
        unplaced=pairing.unplaced,
        counts=state.counts(),
        trios_made=made,
        swaps=swaps,
        askers_paired=paired,
    )


def _id_key(agent_id: AgentId) -> tuple[bool, AgentId]:
    # Ints before strings, as in the engine, so that a mixed list still sorts.
    return (isinstance(agent_id, str), agent_id)


class _State:
    """The groups being changed, and what is known of each member."""

    def __init__(
        self,
        pairing: Pairing,
        agents: Sequence[Agent],
        wishes: Mapping[AgentId, Wish],
        forbidden: Collection[frozenset[AgentId]],
    ) -> None:
        self.levels = {a.id: engine.path_levels(a.service_path) for a in agents}
        self.path = {x: "/".join(levels) for x, levels in self.levels.items()}
        self.site = {a.id: a.site for a in agents}
        self.wish = {a.id: wishes.get(a.id, NO_WISH) for a in agents}
        # Who may not meet whom, per member: most have nobody, and a set lookup is cheap.
        self.banned: dict[AgentId, set[AgentId]] = {}
        for pair in forbidden:
            if len(pair) == 2:
                a, b = pair
                self.banned.setdefault(a, set()).add(b)
                self.banned.setdefault(b, set()).add(a)
        self.groups = [list(g) for g in pairing.groups]
        # The engine's trio (at most one, when the number placed is odd) may hold anyone; it
        # keeps its place in the list while its members may change.
        self.open = [len(g) == 3 for g in self.groups]
        self.where: dict[AgentId, int] = {}  # member -> index of their group (step 2)
        self.scores: list[int] = []  # aligned with groups (step 2)

    # --- the objective and the rules ----------------------------------------------------------

    def pair_score(self, x: AgentId, y: AgentId) -> int:
        # engine.pair_score on the levels read once (the tests check both agree).
        p, q = self.levels[x], self.levels[y]
        common = 0
        for a, b in zip(p, q, strict=False):
            if a != b:
                break
            common += 1
        return len(p) + len(q) - 2 * common + (self.site[x] != self.site[y])

    def group_score(self, group: Sequence[AgentId]) -> int:
        return sum(self.pair_score(x, y) for x, y in combinations(group, 2))

    def allowed(self, x: AgentId, others: Iterable[AgentId]) -> bool:
        banned = self.banned.get(x)
        return not banned or not any(o in banned for o in others)

    def trait(self, x: AgentId) -> dict[AgentId, str] | None:
        """What x wants to differ in: the sites, the service paths, or nothing."""
        meet = self.wish[x].meet
        if meet == Meet.OTHER_SITES:
            return self.site
        if meet == Meet.OTHER_SERVICES:
            return self.path
        return None

    def met(self, x: AgentId, group: Sequence[AgentId]) -> bool:
        trait = self.trait(x)
        if trait is None or not trait[x]:
            return True
        return all(trait[o] != trait[x] for o in group if o != x)

    def wants_three(self, x: AgentId) -> bool:
        return self.wish[x].size == 3

    # --- step 1a: those who asked for three, together -----------------------------------------

    def pair_askers(self, rng: random.Random, candidates: int) -> int:
        """The engine pairs without the wishes, so most who asked for three are paired with one
        who asked for two. Two such pairs, (A, a) and (B, b), become (A, B) and (a, b) when both
        new pairs are allowed: among up to `candidates` other such pairs (ASKER_CANDIDATES), the
        exchange that loses least (the new pairs' score, less the pair broken up). Returns the pairs of askers made; step 1 then makes trios of them."""
        pending = [
            i
            for i, g in enumerate(self.groups)
            if len(g) == 2 and not self.open[i] and sum(self.wants_three(x) for x in g) == 1
        ]
        rng.shuffle(pending)
        made = 0
        while pending:
            i = pending.pop()
            asker, other = self._asker_first(self.groups[i])
            # The last ones of a shuffled list: a sample, removed from the end at little cost.
            window = pending[-candidates:]
            best: tuple[int, int] | None = None
            for k, j in enumerate(window):
                asker_j, other_j = self._asker_first(self.groups[j])
                if self.allowed(asker, (asker_j,)) and self.allowed(other, (other_j,)):
                    # (A, a)'s own score is the same whatever j: left out of the comparison.
                    gain = (
                        self.pair_score(asker, asker_j)
                        + self.pair_score(other, other_j)
                        - self.pair_score(asker_j, other_j)
                    )
                    if best is None or gain > best[0]:
                        best = (gain, k)
            if best is None:
                continue  # stays as it is
            j = pending.pop(len(pending) - len(window) + best[1])
            asker_j, other_j = self._asker_first(self.groups[j])
            self.groups[i], self.groups[j] = [asker, asker_j], [other, other_j]
            made += 1
        return made

    def _asker_first(self, pair: list[AgentId]) -> tuple[AgentId, AgentId]:
        x, y = pair
        return (x, y) if self.wants_three(x) else (y, x)

    # --- step 1: trios of those who asked for three -------------------------------------------

    def form_trios(self, rng: random.Random, candidates: int) -> int:
        both = [
            i
            for i, g in enumerate(self.groups)
            if len(g) == 2 and all(self.wants_three(x) for x in g)
        ]
        if len(both) < 3:
            return 0
        # The pairs that score least are dissolved first: they lose least (ties by the seed).
        tie = {i: rng.random() for i in both}
        order = sorted(both, key=lambda i: (self.group_score(self.groups[i]), tie[i]))
        free = set(both)  # pairs of `both` still pairs
        dissolved: set[int] = set()
        for i in order:
            if len(free) < 3:
                break
            if i not in free:
                continue
            x, y = self.groups[i]
            hosts = self._two_hosts(x, y, i, both, free, rng, candidates)
            if hosts is None:
                continue  # the pair stays a pair, and may still take someone in
            for member, j in zip((x, y), hosts, strict=True):
                self.groups[j].append(member)
                free.discard(j)
            free.discard(i)
            dissolved.add(i)
        self.open = [o for i, o in enumerate(self.open) if i not in dissolved]
        self.groups = [g for i, g in enumerate(self.groups) if i not in dissolved]
        return 2 * len(dissolved)

    def _two_hosts(
        self,
        x: AgentId,
        y: AgentId,
        i: int,
        both: list[int],
        free: set[int],
        rng: random.Random,
        candidates: int,
    ) -> tuple[int, int] | None:
        """Two different pairs still free to take x and y in, adding the most score; None when
        one of them fits in none. A sample first (drawn from all the pairs of `both`, so that a
        draw costs no more as the free ones get fewer); every free pair only when it holds no
        fit."""
        sample = both if len(both) <= candidates else rng.sample(both, candidates)
        hosts = self._best_two(x, y, [j for j in sample if j in free and j != i])
        if hosts is None and len(sample) < len(both):
            hosts = self._best_two(x, y, [j for j in both if j in free and j != i])
        return hosts

    def _best_two(self, x: AgentId, y: AgentId, pairs: list[int]) -> tuple[int, int] | None:
        def ranked(member: AgentId) -> list[tuple[int, int]]:
            gains = [
                (-self.pair_score(member, a) - self.pair_score(member, b), j)
                for j in pairs
                for a, b in [self.groups[j]]
                if self.allowed(member, (a, b))
            ]
            return sorted(gains)[:2]  # the best two are enough to choose two different pairs

        best = None
        for gx, jx in ranked(x):
            for gy, jy in ranked(y):
                if jx != jy and (best is None or gx + gy < best[0]):
                    best = (gx + gy, jx, jy)
        return None if best is None else (best[1], best[2])

    # --- step 2: whom to meet -----------------------------------------------------------------

    def repair(self, rng: random.Random, candidates: int) -> int:
        everyone = [x for g in self.groups for x in g]  # the population sampled, in a fixed order
        self.where = {x: i for i, g in enumerate(self.groups) for x in g}
        self.scores = [self.group_score(g) for g in self.groups]
        tried: set[AgentId] = set()
        swaps = 0
        for i in range(len(self.groups)):
            while True:
                group = self.groups[i]
                unmet = [x for x in group if x not in tried and not self.met(x, group)]
                if not unmet:
                    break
                tried.add(unmet[0])
                swap = self._best_swap(unmet[0], i, everyone, rng, candidates)
                if swap is not None:
                    self._swap(*swap)
                    swaps += 1
        return swaps

    def _best_swap(
        self, target: AgentId, i: int, everyone: list[AgentId], rng: random.Random, candidates: int
    ) -> tuple[AgentId, AgentId] | None:
        sample = everyone if len(everyone) <= candidates else rng.sample(everyone, candidates)
        group = self.groups[i]
        # Those of the group whose preference is met now: it must stay met.
        keep = [z for z in group if z != target and self.met(z, group)]
        trait = self.trait(target)
        assert trait is not None  # an unmet preference is "sites" or "services"
        mine = trait[target]
        best: tuple[int, AgentId, AgentId] | None = None
        for y in sample:
            j = self.where[y]
            if j == i:
                continue
            h = self.groups[j]
            for x in group:
                # Cheap first: the target's preference met after the swap.
                if x == target:
                    if any(trait[z] == mine for z in h if z != y):
                        continue
                elif trait[y] == mine or any(
                    trait[z] == mine for z in group if z != x and z != target
                ):
                    continue
                delta = self._swap_delta(x, i, y, j, keep)
                if delta is not None and (best is None or delta > best[0]):
                    best = (delta, x, y)
        return None if best is None else (best[1], best[2])

    def _swap_delta(
        self, x: AgentId, i: int, y: AgentId, j: int, keep: list[AgentId]
    ) -> int | None:
        """The change of score when x (of group i) and y (of group j) swap, or None when the swap
        breaks a rule; `keep`: the members of group i whose preference must stay met (the
        caller has checked the target's becomes met)."""
        g, h = self.groups[i], self.groups[j]
        # Group size: a trio other than the engine's takes in only members who asked for three,
        # and whoever asked for three and has a trio keeps one.
        if len(h) == 3 and not self.open[j] and not self.wants_three(x):
            return None
        if len(g) == 3 and not self.open[i] and not self.wants_three(y):
            return None
        if len(g) != len(h) and (
            (len(g) == 3 and self.wants_three(x)) or (len(h) == 3 and self.wants_three(y))
        ):
            return None
        g2 = [y if z == x else z for z in g]
        h2 = [x if z == y else z for z in h]
        if not (self.allowed(y, g2) and self.allowed(x, h2)):
            return None
        for z in keep:
            if not self.met(z, h2 if z == x else g2):
                return None
        for z in h:
            if self.met(z, h) and not self.met(z, g2 if z == y else h2):
                return None
        return self.group_score(g2) + self.group_score(h2) - self.scores[i] - self.scores[j]

    def _swap(self, x: AgentId, y: AgentId) -> None:
        i, j = self.where[x], self.where[y]
        self.groups[i] = [y if z == x else z for z in self.groups[i]]
        self.groups[j] = [x if z == y else z for z in self.groups[j]]
        self.where[x], self.where[y] = j, i
        self.scores[i], self.scores[j] = (self.group_score(self.groups[k]) for k in (i, j))

    # --- what the report counts ---------------------------------------------------------------

    def counts(self) -> Counts:
        tally = dict.fromkeys(
            (
                "asked_three",
                "got_three",
                "sites_met",
                "sites_unmet",
                "services_met",
                "services_unmet",
            ),
            0,
        )
        for group in self.groups:
            for x in group:
                wish = self.wish[x]
                if wish.size == 3:
                    tally["asked_three"] += 1
                    tally["got_three"] += len(group) == 3
                if wish.meet != Meet.SURPRISE:
                    met = "met" if self.met(x, group) else "unmet"
                    tally[f"{wish.meet}_{met}"] += 1
        return Counts(**tally)
