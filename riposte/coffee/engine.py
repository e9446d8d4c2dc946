"""The coffee machine's pairing engine: plain agents in, groups out (no Django here).

The objective (issue 6): the score of a pair is its tree distance in the service hierarchy,
`len(p) + len(q) - 2 * common_prefix_len` on the path components, plus 1 when the sites differ;
a trio scores the sum of its three pairs; the total is maximised. Pairs that met within the
cooldown, or where one excluded the other, are forbidden. Groups are pairs, plus exactly one trio
when the number of agents placed is odd. Nobody is left out unless no group can take them, and
those are returned in `unplaced` with a reason.

How, in four steps (bench/README.md, section 6, has the measures):

1. A score is `len(p) + len(q) + 1 - cost`, with `cost = 2 * common_prefix_len + same_site`.
   Everyone placed contributes their depth anyway, so maximising the score is minimising the cost.
2. Agents are sorted in the depth-first order of the service tree, children shuffled by the
   seed, and agent i is paired with agent i + n/2. A subtree of s agents then holds exactly
   max(0, s - n/2) pairs, the least any pairing can put in it, at every node at once: the sum of
   common prefixes is the minimum. When n is odd, the trio is chosen first among the deepest
   agents, since a trio counts each member's depth twice.
3. Local search, vectorised with numpy: each pair with a positive cost is offered a 2-opt swap
   with another pair, (a, b) + (c, d) -> (a, c) + (b, d) or (a, d) + (b, c), taken when the
   cost goes down (or stays equal, in alternate rounds, to move costs around). This removes
   same-site pairs and the few forbidden pairs the sort made. Rounds are counted, not timed, so
   that a seed always gives the same groups on any machine.
4. Repair: pairs still forbidden are broken up; their agents are paired with each other,
   through one other pair (u-c, d-v), then, on instances of at most EXACT_LIMIT agents, by
   Edmonds' augmenting paths (a maximum-cardinality matching). One agent left over becomes the
   third of the pair it fits best. Anyone still left is unplaced.

Agent ids may be ints or strings; the result does not depend on the order the agents come in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from riposte.coffee.blossom import augment_matching

type AgentId = int | str
type Ints = NDArray[np.int64]

DEFAULT_COOLDOWN = 6
# A forbidden pair costs more than any allowed swap can gain, so the search always removes it.
FORBIDDEN_COST = 1_000_000
# Rounds of local search: beyond ~40 nothing more was gained on the benchmark's organisations.
MAX_ROUNDS = 120
PATIENCE = 12
# The trio is looked for among this many of the deepest agents (2,024 triples).
TRIO_CANDIDATES = 24
# Edmonds' search costs O(n^2) per augmenting path at worst; above this size, only the cheap
# repairs run, and an agent they cannot place is reported (never seen on the benchmark).
EXACT_LIMIT = 1_000
# Random partners each costly pair is offered per round of the sampled 2-opt.
SAMPLES = 8
# Pairs looked at by the exhaustive 2-opt and 3-opt after the sampled one, with STEP_COST for the
# fixed cost of a step (its numpy calls): about 1 s at most on this machine.
POLISH_BUDGET = 20_000_000
STEP_COST = 2_000
# First legs of a 3-opt move tried per costly pair and direction.
LEGS = 8


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


def path_levels(service_path: str) -> tuple[str, ...]:
    return tuple(level for level in (part.strip() for part in service_path.split("/")) if level)


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


class _Instance:
    """The agents as arrays: `anc[i, d]` is the tree node of agent i at depth d (a value of
    its own below its depth), so the common prefix of i and j is `(anc[i] == anc[j]).sum()`."""

    def __init__(self, agents: Sequence[Agent], ends_a: Ints, ends_b: Ints):
        """`ends_a[k]`, `ends_b[k]`: a forbidden pair (-1 for an agent not in this round)."""
        n = len(agents)
        self.n = n
        path_index: dict[str, int] = {}
        site_index: dict[str, int] = {}
        path_of = np.empty(n, dtype=np.int64)
        site = np.empty(n, dtype=np.int64)
        for i, agent in enumerate(agents):
            path_of[i] = path_index.setdefault(agent.service_path, len(path_index))
            site[i] = site_index.setdefault(agent.site, len(site_index))
        node_index: dict[tuple[str, ...], int] = {}
        rows: list[list[int]] = []
        for service_path in path_index:
            levels = path_levels(service_path)
            rows.append(
                [
                    node_index.setdefault(levels[: d + 1], len(node_index))
                    for d in range(len(levels))
                ]
            )
        depth_of_path = np.array([len(row) for row in rows], dtype=np.int64)
        width = max(1, int(depth_of_path.max(initial=0)))
        table = np.full((len(rows), width), -1, dtype=np.int64)
        for p, row in enumerate(rows):
            table[p, : len(row)] = row
        self.node_count = len(node_index)
        anc = table[path_of] if n else np.empty((0, width), dtype=np.int64)
        # Below an agent's depth, a value no one else has: they are a subtree of their own.
        own = self.node_count + np.arange(n, dtype=np.int64)
        self.anc: Ints = np.where(anc < 0, own[:, None], anc)
        self.depth: Ints = depth_of_path[path_of] if n else np.empty(0, dtype=np.int64)
        self.site: Ints = site
        keep = (ends_a >= 0) & (ends_b >= 0) & (ends_a != ends_b)
        ends_a, ends_b = ends_a[keep], ends_b[keep]
        keys = np.sort(np.minimum(ends_a, ends_b) * n + np.maximum(ends_a, ends_b))
        self.fkeys: Ints = keys[np.r_[True, keys[1:] != keys[:-1]]] if keys.size else keys
        self._fset: set[int] | None = None

    def forbidden(self, x: Ints, y: Ints) -> NDArray[np.bool_]:
        if not self.fkeys.size:
            return np.zeros(len(x), dtype=bool)
        keys = np.minimum(x, y) * self.n + np.maximum(x, y)
        pos = np.searchsorted(self.fkeys, keys)
        pos[pos == self.fkeys.size] = 0
        return self.fkeys[pos] == keys

    def cost(self, x: Ints, y: Ints) -> Ints:
        c = 2 * (self.anc[x] == self.anc[y]).sum(axis=1) + (self.site[x] == self.site[y])
        return c + FORBIDDEN_COST * self.forbidden(x, y)

    def score(self, x: Ints, y: Ints) -> Ints:
        return self.depth[x] + self.depth[y] + 1 - self.cost(x, y)

    def allowed(self, a: int, b: int) -> bool:
        if self._fset is None:  # only the repairs ask, and rarely
            self._fset = set(self.fkeys.tolist())
        return a != b and min(a, b) * self.n + max(a, b) not in self._fset

    def pair_cost(self, a: int, b: int) -> int:
        return int(self.cost(np.array([a]), np.array([b]))[0])


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
        seen: set[AgentId] = set()
        duplicate = next(agent_id for agent_id in ids if agent_id in seen or seen.add(agent_id))
        raise ValueError(f"duplicate agent id {duplicate!r}")
    history = history if isinstance(history, Sequence) else list(history)
    first = cooldown_threshold(history, cooldown=cooldown, latest_round=latest_round)
    recent = [m for m in history if m.round >= first] if first is not None else []
    exclusions = list(exclusions)
    # Comprehensions, not a loop: a national history has millions of rows.
    ends_a = [index.get(m.a, -1) for m in recent] + [index.get(x, -1) for x, _ in exclusions]
    ends_b = [index.get(m.b, -1) for m in recent] + [index.get(y, -1) for _, y in exclusions]
    inst = _Instance(agents, np.array(ends_a, dtype=np.int64), np.array(ends_b, dtype=np.int64))
    rng = np.random.default_rng(seed)
    a, b, trio, isolated, stuck = _solve(inst, rng, max_rounds)
    return _result(inst, ids, a, b, trio, isolated, stuck)


def _solve(
    inst: _Instance, rng: np.random.Generator, max_rounds: int
) -> tuple[Ints, Ints, list[int], list[int], list[int]]:
    n = inst.n
    # Who has nobody to meet: forbidden with all the n - 1 others.
    forbidden_count = np.bincount(inst.fkeys // max(n, 1), minlength=n) + np.bincount(
        inst.fkeys % max(n, 1), minlength=n
    )
    isolated = forbidden_count >= n - 1
    pool = np.flatnonzero(~isolated)
    trio: list[int] = []
    free: list[int] = []
    if pool.size % 2:
        trio = _best_trio(inst, pool, rng)
        if not trio:  # no compatible three among the deepest: one waits for the repair
            free.append(int(pool[np.argmax(inst.depth[pool])]))
        taken = np.array(trio or free, dtype=np.int64)
        pool = pool[~np.isin(pool, taken)]
    a, b = _tree_pairs(inst, pool, rng)
    a, b = _improve(inst, a, b, rng, max_rounds)
    budget = POLISH_BUDGET
    while budget > 0:
        a, b, spent = _polish(inst, a, b, budget)
        a, b, improved, spent3 = _polish3(inst, a, b, budget - spent)
        budget -= spent + spent3
        if not improved:
            break
    bad = inst.forbidden(a, b)
    if bad.any() or free:
        free += a[bad].tolist() + b[bad].tolist()
        a, b = a[~bad], b[~bad]
        a, b, trio, free = _repair(inst, a, b, trio, free)
        if len(a) > 1:
            a, b = _improve(inst, a, b, rng, PATIENCE)
    return a, b, trio, np.flatnonzero(isolated).tolist(), free


def _best_trio(inst: _Instance, pool: Ints, rng: np.random.Generator) -> list[int]:
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


def _tree_pairs(inst: _Instance, pool: Ints, rng: np.random.Generator) -> tuple[Ints, Ints]:
    """Depth-first order of the tree with shuffled children, then i with i + n/2."""
    rank = rng.permutation(inst.node_count + inst.n)
    anc = inst.anc[pool]
    keys = [rng.random(pool.size)] + [rank[anc[:, d]] for d in range(anc.shape[1] - 1, -1, -1)]
    order = pool[np.lexsort(keys)]
    half = order.size // 2
    return order[:half].copy(), order[half : 2 * half].copy()


def _improve(
    inst: _Instance, a: Ints, b: Ints, rng: np.random.Generator, max_rounds: int
) -> tuple[Ints, Ints]:
    """Sampled 2-opt, vectorised: each costly pair looks at SAMPLES random pairs a round."""
    a, b = a.copy(), b.copy()
    m = a.size
    if m < 2:
        return a, b
    cost = inst.cost(a, b)
    best_total, stale = int(cost.sum()), 0
    for round_no in range(max_rounds):
        bad = np.flatnonzero(cost > 0)
        if bad.size == 0 or stale >= PATIENCE:
            break
        rng.shuffle(bad)
        i = np.repeat(bad, SAMPLES)
        j = rng.integers(0, m, size=i.size)
        ai, bi, aj, bj = a[i], b[i], a[j], b[j]
        old = cost[i] + cost[j]
        g1 = old - inst.cost(ai, aj) - inst.cost(bi, bj)  # (ai, aj) + (bi, bj)
        g2 = old - inst.cost(ai, bj) - inst.cost(bi, aj)  # (ai, bj) + (bi, aj)
        gain = np.maximum(g1, g2).reshape(bad.size, SAMPLES)
        gain[(i == j).reshape(bad.size, SAMPLES)] = -1
        pick = np.argmax(gain, axis=1)
        best = gain[np.arange(bad.size), pick]
        rows = np.arange(bad.size) * SAMPLES + pick
        take = best > 0
        if round_no % 2:
            # Equal-cost moves let a costly pair travel to where a later swap can fix it.
            take |= (best == 0) & (rng.random(bad.size) < 0.5)
        rows = rows[take]
        ii, jj = i[rows], j[rows]
        # Moves must not share a pair: drop a partner that moves itself, or is taken twice.
        _, first = np.unique(jj, return_index=True)
        keep = np.zeros(jj.size, dtype=bool)
        keep[first] = True
        keep &= ~np.isin(jj, ii)
        ii, jj, second = ii[keep], jj[keep], (g2 > g1)[rows[keep]]
        ai, bi, aj, bj = a[ii], b[ii], a[jj], b[jj]
        a[ii] = ai
        b[ii] = np.where(second, bj, aj)
        a[jj] = bi
        b[jj] = np.where(second, aj, bj)
        cost[ii], cost[jj] = inst.cost(a[ii], b[ii]), inst.cost(a[jj], b[jj])
        total = int(cost.sum())
        if total < best_total:
            best_total, stale = total, 0
        else:
            stale += 1
    return a, b


def _polish(inst: _Instance, a: Ints, b: Ints, budget: int) -> tuple[Ints, Ints, int]:
    """Best-improvement 2-opt: a costly pair against every other pair. A pair that found
    nothing is looked at again only once a move has changed it (don't-look bits). Stops when
    the budget (pairs looked at, not seconds, for determinism) is spent."""
    cost = inst.cost(a, b)
    m = a.size
    spent = 0
    queue = deque(np.flatnonzero(cost > 0).tolist())
    queued = set(queue)
    while queue and spent < budget:
        i = queue.popleft()
        queued.discard(i)
        if cost[i] == 0:
            continue
        spent += m + STEP_COST
        ai, bi = np.full(m, a[i]), np.full(m, b[i])
        old = cost[i] + cost
        x1, y1 = inst.cost(ai, a), inst.cost(bi, b)  # (a_i, a_j) + (b_i, b_j)
        x2, y2 = inst.cost(ai, b), inst.cost(bi, a)  # (a_i, b_j) + (b_i, a_j)
        g1, g2 = old - x1 - y1, old - x2 - y2
        g1[i] = g2[i] = -1
        j1, j2 = int(np.argmax(g1)), int(np.argmax(g2))
        if max(g1[j1], g2[j2]) <= 0:
            continue
        if g1[j1] >= g2[j2]:
            j = j1
            a[i], b[i], a[j], b[j] = a[i], a[j], b[i], b[j]
            cost[i], cost[j] = x1[j], y1[j]
        else:
            j = j2
            a[i], b[i], a[j], b[j] = a[i], b[j], b[i], a[j]
            cost[i], cost[j] = x2[j], y2[j]
        for k in (i, j):
            if cost[k] > 0 and k not in queued:
                queue.append(k)
                queued.add(k)
    return a, b, spent


def _polish3(inst: _Instance, a: Ints, b: Ints, budget: int) -> tuple[Ints, Ints, bool, int]:
    """3-opt: (a, b) + (c, d) + (e, f) -> (a, c) + (d, e) + (f, b) and its mirror, when no
    2-opt swap helps. The pair (c, d) is among the best few for a; (e, f) is any pair."""
    cost = inst.cost(a, b)
    m = a.size
    spent = 0
    improved = False
    for i in np.flatnonzero(cost > 0).tolist():
        if cost[i] == 0 or spent >= budget:
            continue
        for x, y in ((a[i], b[i]), (b[i], a[i])):
            # First leg: x meets an end c of pair j; its other end d is then free.
            ends = np.concatenate([a, b])
            others = np.concatenate([b, a])
            pair_of = np.concatenate([np.arange(m), np.arange(m)])
            first = cost[i] + cost[pair_of] - inst.cost(np.full(2 * m, x), ends)
            first[pair_of == i] = -FORBIDDEN_COST
            spent += 2 * m + STEP_COST
            legs = np.argsort(-first, kind="stable")[:LEGS]
            legs = legs[first[legs] > 0]
            done = False
            for leg in legs.tolist():
                j, c, d = int(pair_of[leg]), int(ends[leg]), int(others[leg])
                spent += m + STEP_COST
                dd, yy = np.full(m, d), np.full(m, y)
                base = first[leg] + cost
                g1 = base - inst.cost(dd, a) - inst.cost(b, yy)  # (d, e) + (f, y)
                g2 = base - inst.cost(dd, b) - inst.cost(a, yy)  # (d, f) + (e, y)
                g1[[i, j]] = g2[[i, j]] = -1
                k1, k2 = int(np.argmax(g1)), int(np.argmax(g2))
                if max(g1[k1], g2[k2]) <= 0:
                    continue
                k = k1 if g1[k1] >= g2[k2] else k2
                e, f = (a[k], b[k]) if g1[k1] >= g2[k2] else (b[k], a[k])
                a[i], b[i], a[j], b[j], a[k], b[k] = x, c, d, e, f, y
                cost[[i, j, k]] = inst.cost(a[[i, j, k]], b[[i, j, k]])
                improved = done = True
                break
            if done:
                break
    return a, b, improved, spent


def _repair(
    inst: _Instance, a: Ints, b: Ints, trio: list[int], free: list[int]
) -> tuple[Ints, Ints, list[int], list[int]]:
    """Place the free agents: with each other, through one pair, by Edmonds, or as the trio."""
    pairs = list(zip(a.tolist(), b.tolist(), strict=True))
    if trio and free:
        # The trio's slot may serve an agent who fits nowhere else; it is rebuilt at the end.
        pairs.append((trio[0], trio[1]))
        free.append(trio[2])
        trio = []
    free = _pair_free(inst, pairs, free)
    free = _augment_short(inst, pairs, free)
    if len(free) > 1 and 2 * len(pairs) + len(free) <= EXACT_LIMIT:
        pairs, free = _augment_exact(inst, pairs, free)
    if free and not trio and pairs:
        trio, pairs, free = _insert_trio(inst, pairs, free)
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    return a, b, trio, free


def _pair_free(inst: _Instance, pairs: list[tuple[int, int]], free: list[int]) -> list[int]:
    options = sorted(
        (inst.pair_cost(u, v), u, v) for u, v in combinations(free, 2) if inst.allowed(u, v)
    )
    placed: set[int] = set()
    for _, u, v in options:
        if u not in placed and v not in placed:
            pairs.append((u, v))
            placed |= {u, v}
    return [u for u in free if u not in placed]


def _augment_short(inst: _Instance, pairs: list[tuple[int, int]], free: list[int]) -> list[int]:
    """u and v who may not meet, and a pair (c, d) with u-c and d-v allowed: two pairs."""
    progress = True
    while progress and len(free) > 1 and pairs:
        progress = False
        a = np.array([p[0] for p in pairs], dtype=np.int64)
        b = np.array([p[1] for p in pairs], dtype=np.int64)
        for u, v in combinations(free, 2):
            uu, vv = np.full(a.size, u), np.full(a.size, v)
            straight = inst.score(uu, a) + inst.score(vv, b)  # (u, c) + (d, v)
            crossed = inst.score(uu, b) + inst.score(vv, a)  # (u, d) + (c, v)
            value = np.maximum(straight, crossed)
            k = int(np.argmax(value))
            if value[k] < -FORBIDDEN_COST // 2:
                continue
            c, d = pairs[k]
            if straight[k] >= crossed[k]:
                pairs[k] = (u, c)
                pairs.append((d, v))
            else:
                pairs[k] = (u, d)
                pairs.append((c, v))
            free = [x for x in free if x not in (u, v)]
            progress = True
            break
    return free


def _augment_exact(
    inst: _Instance, pairs: list[tuple[int, int]], free: list[int]
) -> tuple[list[tuple[int, int]], list[int]]:
    vertices = [x for p in pairs for x in p] + free
    local = {x: k for k, x in enumerate(vertices)}
    m = len(vertices)
    arr = np.array(vertices, dtype=np.int64)
    free_local = {local[x] for x in free}
    adjacency: list[list[int]] = []
    for k in range(m):
        ok = ~inst.forbidden(np.full(m, vertices[k]), arr)
        ok[k] = False
        neighbours = np.flatnonzero(ok).tolist()
        # Free vertices first: most augmenting paths end at the first vertex looked at.
        adjacency.append(
            [x for x in neighbours if x in free_local]
            + [x for x in neighbours if x not in free_local]
        )
    match = [-1] * m
    for c, d in pairs:
        match[local[c]], match[local[d]] = local[d], local[c]
    augment_matching(adjacency, match, sorted(free_local))
    new_pairs = [(vertices[k], vertices[match[k]]) for k in range(m) if match[k] > k]
    return new_pairs, [vertices[k] for k in range(m) if match[k] == -1]


def _insert_trio(
    inst: _Instance, pairs: list[tuple[int, int]], free: list[int]
) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    best: tuple[int, int, int] | None = None
    for u in free:
        uu = np.full(a.size, u)
        value = inst.score(uu, a) + inst.score(uu, b)
        k = int(np.argmax(value))
        if value[k] > -FORBIDDEN_COST // 2 and (best is None or value[k] > best[0]):
            best = (int(value[k]), u, k)
    if best is None:
        return [], pairs, free
    _, u, k = best
    trio = [pairs[k][0], pairs[k][1], u]
    return trio, pairs[:k] + pairs[k + 1 :], [x for x in free if x != u]


def _result(
    inst: _Instance,
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
    groups = [(ids[x], ids[y]) for x, y in zip(low.tolist(), high.tolist(), strict=True)]
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
