"""The coffee machine's pairing engine: plain agents in, groups out (no Django here).

The objective (issue 6): the score of a pair is its tree distance in the service hierarchy,
`len(p) + len(q) - 2 * common_prefix_len` on the path components, plus 1 when the sites differ;
a trio scores the sum of its three pairs; the total is maximised. Pairs that met within the
cooldown, or where one excluded the other, are forbidden. Groups are pairs, plus exactly one trio
when the number of agents placed is odd. Nobody is left out unless no group can take them, and
those are returned in `unplaced` with a reason.

How (bench/README.md, section 6, has the measures):

1. A score is `len(p) + len(q) + 1 - cost`, with `cost = 2 * common_prefix_len + same_site`.
   Everyone placed contributes their depth anyway, so maximising the score is minimising the cost.
2. Agents are sorted in the depth-first order of the service tree, children shuffled by the
   seed, and agent i is paired with agent i + n/2. A subtree of s agents then holds exactly
   max(0, s - n/2) pairs, the least any pairing can put in it, at every node at once: the sum of
   common prefixes is the minimum. When n is odd, the trio is chosen first among the deepest
   agents, since a trio counts each member's depth twice.
3. Local search (engine_search.py), until the cost reaches a bound no pairing can beat (the
   tree's minimum above plus, for each site of s agents, max(0, s - n/2) same-site pairs):
   a sampled 2-opt vectorised with numpy, where each costly pair is offered swaps with random
   pairs, (a, b) + (c, d) -> (a, c) + (b, d) or (a, d) + (b, c); then an exhaustive 2-opt and
   3-opt within a fixed budget. This removes same-site pairs and the few forbidden pairs the
   sort made. Work is counted, never timed, so that a seed gives the same groups anywhere.
4. Repair (engine_repair.py): pairs still forbidden are broken up; their agents are paired
   with each other, through one other pair (u-c, d-v), then, on small instances, by Edmonds'
   augmenting paths (a maximum-cardinality matching). One agent left over becomes the third of
   the pair it fits best. Anyone still left is unplaced.

Agent ids may be ints or strings; the result depends on the seed, not on the order of the input
(with the same numpy: its random generator makes the shuffles).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations, pairwise

import numpy as np

from riposte.coffee.engine_arrays import FORBIDDEN_COST, Instance, Ints, path_levels
from riposte.coffee.engine_repair import pair_constrained, repair
from riposte.coffee.engine_search import MAX_ROUNDS, PATIENCE, improve_sampled, polish

__all__ = [
    "DEFAULT_COOLDOWN",
    "Agent",
    "AgentId",
    "Meeting",
    "Pairing",
    "Unplaced",
    "UnplacedReason",
    "coffee_pair",
    "cooldown_threshold",
    "group_score",
    "pair_score",
    "path_levels",
    "recent_pairs",
]

type AgentId = int | str

DEFAULT_COOLDOWN = 6
# The trio is looked for among this many of the deepest agents (2,024 triples).
TRIO_CANDIDATES = 24


class UnplacedReason(StrEnum):
    # Everyone else due in this round is excluded (by them or by the other) or met them within
    # the cooldown; also the only agent due.
    NO_ALLOWED_PARTNER = "no_allowed_partner"
    # Some may meet them, but every such agent is needed in a group that cannot take one more.
    NO_COMPATIBLE_GROUP = "no_compatible_group"


@dataclass(frozen=True, slots=True)
class Agent:
    id: AgentId
    service_path: str  # levels separated by "/", e.g. "DGA-SOL/DEF/ASE"
    site: str


@dataclass(frozen=True, slots=True)
class Meeting:
    a: AgentId
    b: AgentId
    round: int  # larger is more recent


@dataclass(frozen=True, slots=True)
class Unplaced:
    agent: AgentId
    reason: UnplacedReason


@dataclass(frozen=True, slots=True)
class Pairing:
    groups: tuple[tuple[AgentId, ...], ...]  # pairs, and at most one trio
    group_scores: tuple[int, ...]  # aligned with groups
    unplaced: tuple[Unplaced, ...]

    @property
    def score(self) -> int:
        return sum(self.group_scores)


def pair_score(a: Agent, b: Agent) -> int:
    p, q = path_levels(a.service_path), path_levels(b.service_path)
    common = 0
    for x, y in zip(p, q, strict=False):
        if x != y:
            break
        common += 1
    return len(p) + len(q) - 2 * common + (a.site != b.site)


def group_score(group: Sequence[Agent]) -> int:
    return sum(pair_score(a, b) for a, b in combinations(group, 2))


def cooldown_threshold(
    history: Iterable[Meeting], *, cooldown: int, latest_round: int | None = None
) -> int | None:
    """The oldest round still in the cooldown, or None when nothing is.

    A pair is forbidden when it met in a round r > latest_round - cooldown, latest_round being
    the largest round in the history unless given (the round model can pass the last round it
    ran). Round numbers are compared, not counted: a gap in the numbering shortens the cooldown.
    """
    if cooldown <= 0:
        return None
    if latest_round is None:
        latest_round = max((m.round for m in history), default=None)
        if latest_round is None:
            return None
    return latest_round - cooldown + 1


def recent_pairs(
    history: Iterable[Meeting], *, cooldown: int = DEFAULT_COOLDOWN, latest_round: int | None = None
) -> set[frozenset[AgentId]]:
    history = list(history)
    first = cooldown_threshold(history, cooldown=cooldown, latest_round=latest_round)
    if first is None:
        return set()
    return {frozenset((m.a, m.b)) for m in history if m.round >= first and m.a != m.b}


def _id_key(agent_id: AgentId) -> tuple[bool, AgentId]:
    # Ints before strings, so that a mixed list still sorts.
    return (isinstance(agent_id, str), agent_id)


def coffee_pair(
    *,
    agents: Sequence[Agent],
    history: Iterable[Meeting] = (),
    exclusions: Iterable[tuple[AgentId, AgentId]] = (),
    cooldown: int = DEFAULT_COOLDOWN,
    latest_round: int | None = None,
    seed: int = 0,
    max_rounds: int = MAX_ROUNDS,
) -> Pairing:
    """Group the agents due in a round. `exclusions` are pairs never to meet, in either order;
    history and exclusions may name agents not due this round (they are ignored)."""
    agents = sorted(agents, key=lambda agent: _id_key(agent.id))
    ids = [agent.id for agent in agents]
    index = {agent_id: i for i, agent_id in enumerate(ids)}
    if len(index) != len(ids):
        duplicate = next(x for x, y in pairwise(ids) if x == y)
        raise ValueError(f"duplicate agent id {duplicate!r}")
    history = history if isinstance(history, Sequence) else list(history)
    first = cooldown_threshold(history, cooldown=cooldown, latest_round=latest_round)
    recent = [m for m in history if m.round >= first] if first is not None else []
    exclusions = list(exclusions)
    # Comprehensions, not a loop: a national history has millions of rows.
    ends_a = [index.get(m.a, -1) for m in recent] + [index.get(x, -1) for x, _ in exclusions]
    ends_b = [index.get(m.b, -1) for m in recent] + [index.get(y, -1) for _, y in exclusions]
    inst = Instance(agents, np.array(ends_a, dtype=np.int64), np.array(ends_b, dtype=np.int64))
    rng = np.random.default_rng(seed)
    a, b, trio, isolated, stuck = _solve(inst, rng, max_rounds)
    return _result(inst, ids, a, b, trio, isolated, stuck)


def _solve(
    inst: Instance, rng: np.random.Generator, max_rounds: int
) -> tuple[Ints, Ints, list[int], list[int], list[int]]:
    n = inst.n
    # Who has nobody to meet: forbidden with all the n - 1 others.
    forbidden_count = np.bincount(inst.fkeys // max(n, 1), minlength=n) + np.bincount(
        inst.fkeys % max(n, 1), minlength=n
    )
    isolated = forbidden_count >= n - 1
    pool = np.flatnonzero(~isolated)
    # Who may meet only a few others is paired first; the search may still swap them.
    fixed_a, fixed_b = pair_constrained(inst, pool, n - 1 - forbidden_count, rng)
    everyone = pool
    pool = pool[~np.isin(pool, np.concatenate([fixed_a, fixed_b]))]
    trio: list[int] = []
    free: list[int] = []
    if pool.size % 2:
        trio = _best_trio(inst, pool, rng)
        if not trio:  # no compatible three among the deepest: one waits for the repair
            free.append(int(pool[np.argmax(inst.depth[pool])]))
        taken = np.array(trio or free, dtype=np.int64)
        pool = pool[~np.isin(pool, taken)]
        everyone = everyone[~np.isin(everyone, taken)]
    a, b = _tree_pairs(inst, pool, rng)
    a, b = np.concatenate([fixed_a, a]), np.concatenate([fixed_b, b])
    target = inst.cost_lower_bound(everyone)
    a, b = improve_sampled(inst, a, b, rng, max_rounds, target)
    a, b = polish(inst, a, b, target=target)
    bad = inst.forbidden(a, b)
    if bad.any() or free:
        free += a[bad].tolist() + b[bad].tolist()
        a, b = a[~bad], b[~bad]
        a, b, trio, free = repair(inst, a, b, trio, free)
        a, b = improve_sampled(inst, a, b, rng, PATIENCE)
    return a, b, trio, np.flatnonzero(isolated).tolist(), free


def _best_trio(inst: Instance, pool: Ints, rng: np.random.Generator) -> list[int]:
    # Total = sum of all depths + number of pairs + (depths of the trio) + 3 - costs: the best
    # trio has the deepest compatible members.
    order = np.lexsort((rng.random(pool.size), -inst.depth[pool]))
    cands = pool[order[:TRIO_CANDIDATES]]
    k = cands.size
    cost = inst.cost(np.repeat(cands, k), np.tile(cands, k)).reshape(k, k).tolist()
    depth = inst.depth[cands].tolist()
    best, best_value = [], -FORBIDDEN_COST
    for i, j, m in combinations(range(k), 3):
        c = cost[i][j] + cost[i][m] + cost[j][m]
        if c >= FORBIDDEN_COST:
            continue
        value = depth[i] + depth[j] + depth[m] - c
        if value > best_value:
            best, best_value = [i, j, m], value
    return [int(cands[i]) for i in best]


def _tree_pairs(inst: Instance, pool: Ints, rng: np.random.Generator) -> tuple[Ints, Ints]:
    """Depth-first order of the tree with shuffled children, then i with i + n/2."""
    rank = rng.permutation(inst.node_count + inst.n)
    anc = inst.anc[pool]
    keys = [rng.random(pool.size)] + [rank[anc[:, d]] for d in range(anc.shape[1] - 1, -1, -1)]
    order = pool[np.lexsort(keys)]
    half = order.size // 2
    return order[:half].copy(), order[half : 2 * half].copy()


def _result(
    inst: Instance,
    ids: list[AgentId],
    a: Ints,
    b: Ints,
    trio: list[int],
    isolated: list[int],
    stuck: list[int],
) -> Pairing:
    # Agents are sorted by id, so sorting indices sorts ids: members and groups in id order.
    low, high = np.minimum(a, b), np.maximum(a, b)
    order = np.argsort(low, kind="stable")
    low, high = low[order], high[order]
    groups: list[tuple[AgentId, ...]] = [
        (ids[x], ids[y]) for x, y in zip(low.tolist(), high.tolist(), strict=True)
    ]
    scores = inst.score(low, high).tolist()
    if trio:
        trio = sorted(trio)
        x, y = np.array([trio[0], trio[0], trio[1]]), np.array([trio[1], trio[2], trio[2]])
        at = int(np.searchsorted(low, trio[0]))
        groups.insert(at, tuple(ids[i] for i in trio))
        scores.insert(at, int(inst.score(x, y).sum()))
    unplaced = [(i, UnplacedReason.NO_ALLOWED_PARTNER) for i in isolated]
    unplaced += [(i, UnplacedReason.NO_COMPATIBLE_GROUP) for i in stuck]
    return Pairing(
        groups=tuple(groups),
        group_scores=tuple(scores),
        unplaced=tuple(Unplaced(ids[i], reason) for i, reason in sorted(unplaced)),
    )
