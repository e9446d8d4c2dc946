"""Placement for the pairing engine: the agents who may meet few others, and those the search
could not pair.

Agents who may meet at most CONSTRAINED_DEGREE others (someone who excluded almost everyone)
are paired before the search, the scarcest first: left to random swaps, they would seldom draw
one of their few partners. After the search, the agents of pairs still forbidden are placed, in
order: with each other; through one pair (u, v free, (c, d) a pair: u-c and d-v); through two
pairs (u-c, d-e, f-v); on small instances by Edmonds' augmenting paths (blossom.py), which
leave out no one who could be placed; and the last one becomes the third of the pair that fits
them best. Every step is bounded in work, so that adversarial inputs stay fast.
"""

from __future__ import annotations

import numpy as np

from riposte.coffee.blossom import augment_matching
from riposte.coffee.engine_arrays import FORBIDDEN_COST, Instance, Ints

CONSTRAINED_DEGREE = 64
# Edmonds' search costs O(n^2) per augmenting path at worst; above this size only the cheap
# repairs run, and an agent they cannot place is reported.
EXACT_LIMIT = 1_000
# Pairs a free agent may enter, tried at most, in each repair.
SWAP_CANDIDATES = 64
# (u, v) couples tried through two pairs, at most, in one repair.
FIVE_BUDGET = 2_000


def pair_constrained(
    inst: Instance, pool: Ints, degree: Ints, rng: np.random.Generator
) -> tuple[Ints, Ints]:
    """Pairs for the agents of `pool` who may meet at most CONSTRAINED_DEGREE others: each,
    the scarcest first, with the partner the fewest of them could have, then the lowest cost."""
    constrained = pool[degree[pool] <= CONSTRAINED_DEGREE]
    if not constrained.size:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    order = constrained[np.lexsort((rng.random(constrained.size), degree[constrained]))]
    options: dict[int, Ints] = {}
    for c in order.tolist():
        ok = ~inst.forbidden_with(c, pool) & (pool != c)
        options[c] = pool[ok]
    demand = np.bincount(np.concatenate(list(options.values())), minlength=inst.n)
    taken = np.zeros(inst.n, dtype=bool)
    a, b = [], []
    for c in order.tolist():
        if taken[c]:
            continue
        candidates = options[c][~taken[options[c]]]
        if not candidates.size:
            continue  # the search and the repairs will try again
        cost = inst.cost_allowed(np.full(candidates.size, c), candidates)
        partner = int(candidates[np.lexsort((cost, demand[candidates]))[0]])
        taken[c] = taken[partner] = True
        a.append(c)
        b.append(partner)
    return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)


class _Pairs:
    """The pairs as two arrays with room for the free agents' new pairs."""

    def __init__(self, a: Ints, b: Ints, room: int):
        self.m = a.size
        self.a = np.empty(a.size + room, dtype=np.int64)
        self.b = np.empty(a.size + room, dtype=np.int64)
        self.a[: self.m], self.b[: self.m] = a, b

    def view(self) -> tuple[Ints, Ints]:
        return self.a[: self.m], self.b[: self.m]

    def append(self, x: int, y: int) -> None:
        self.a[self.m], self.b[self.m] = x, y
        self.m += 1

    def remove(self, k: int) -> tuple[int, int]:
        pair = int(self.a[k]), int(self.b[k])
        self.m -= 1
        self.a[k], self.b[k] = self.a[self.m], self.b[self.m]
        return pair

    def entries(self, inst: Instance, x: int, skip: int = -1) -> list[tuple[int, int, int]]:
        """(k, c, d) for the first SWAP_CANDIDATES pairs k = (c, d) where x may meet c."""
        a, b = self.view()
        ka = np.flatnonzero(~inst.forbidden_with(x, a))[:SWAP_CANDIDATES]
        kb = np.flatnonzero(~inst.forbidden_with(x, b))[:SWAP_CANDIDATES]
        found = list(zip(ka.tolist(), a[ka].tolist(), b[ka].tolist(), strict=True))
        found += list(zip(kb.tolist(), b[kb].tolist(), a[kb].tolist(), strict=True))
        return [entry for entry in found if entry[0] != skip][:SWAP_CANDIDATES]


def repair(
    inst: Instance, a: Ints, b: Ints, trio: list[int], free: list[int]
) -> tuple[Ints, Ints, list[int], list[int]]:
    """Place the free agents: with each other, through one or two pairs, by Edmonds, or as
    the trio's third."""
    if trio and free:
        # The trio's slot may serve an agent who fits nowhere else; it is rebuilt at the end.
        a, b = np.append(a, trio[0]), np.append(b, trio[1])
        free = [*free, trio[2]]
        trio = []
    pairs = _Pairs(a, b, room=len(free) + 1)
    free = _augment(inst, pairs, free)
    if len(free) > 1 and 2 * pairs.m + len(free) <= EXACT_LIMIT:
        free = _augment_exact(inst, pairs, free)
    if free and not trio and pairs.m:
        trio, free = _insert_trio(inst, pairs, free)
    a, b = pairs.view()
    return a.copy(), b.copy(), trio, free


def _augment(inst: Instance, pairs: _Pairs, free: list[int]) -> list[int]:
    left: list[int] = []
    waiting = sorted(free)
    budget = FIVE_BUDGET
    while waiting:
        u = waiting.pop(0)
        others = np.array(waiting, dtype=np.int64)
        if others.size:
            ok = ~inst.forbidden_with(u, others)
            if ok.any():  # u-v
                candidates = others[ok]
                v = int(candidates[np.argmin(inst.cost_allowed(np.full(ok.sum(), u), candidates))])
                pairs.append(u, v)
                waiting.remove(v)
                continue
        v, budget = _through_pairs(inst, pairs, u, others, budget) if others.size else (-1, 0)
        if v >= 0:
            waiting.remove(v)
        else:
            left.append(u)
    return left


def _through_pairs(
    inst: Instance, pairs: _Pairs, u: int, others: Ints, budget: int
) -> tuple[int, int]:
    """Place u and one of `others` through one pair (u-c, d-v) or two (u-c, d-e, f-v).
    Returns v (or -1) and what is left of the budget for the second kind."""
    entries = pairs.entries(inst, u)
    for k, c, d in entries:
        ok = ~inst.forbidden_with(d, others)
        if ok.any():
            v = int(others[np.argmax(ok)])
            pairs.a[k], pairs.b[k] = u, c
            pairs.append(d, v)
            return v, budget
    for v in others.tolist():
        if budget <= 0:
            break
        budget -= 1
        ends = pairs.entries(inst, v)  # (j, f, e): v-f, and e is set free
        if not entries or not ends:
            continue
        ds = np.array([d for _, _, d in entries], dtype=np.int64)
        es = np.array([e for _, _, e in ends], dtype=np.int64)
        ok = ~inst.forbidden(np.repeat(ds, es.size), np.tile(es, ds.size))
        for hit in np.flatnonzero(ok).tolist():
            (k, c, d), (j, f, e) = entries[hit // es.size], ends[hit % es.size]
            if j != k:
                pairs.a[k], pairs.b[k] = u, c
                pairs.a[j], pairs.b[j] = d, e
                pairs.append(f, v)
                return v, budget
    return -1, budget


def _augment_exact(inst: Instance, pairs: _Pairs, free: list[int]) -> list[int]:
    a, b = pairs.view()
    vertices = a.tolist() + b.tolist() + free
    local = {x: k for k, x in enumerate(vertices)}
    m = len(vertices)
    arr = np.array(vertices, dtype=np.int64)
    free_local = {local[x] for x in free}
    adjacency: list[list[int]] = []
    for k in range(m):
        ok = ~inst.forbidden_with(vertices[k], arr)
        ok[k] = False
        neighbours = np.flatnonzero(ok).tolist()
        # Free vertices first: most augmenting paths end at the first vertex looked at.
        adjacency.append(
            [x for x in neighbours if x in free_local]
            + [x for x in neighbours if x not in free_local]
        )
    match = [-1] * m
    for c, d in zip(a.tolist(), b.tolist(), strict=True):
        match[local[c]], match[local[d]] = local[d], local[c]
    augment_matching(adjacency, match, sorted(free_local))
    new = [(vertices[k], vertices[match[k]]) for k in range(m) if match[k] > k]
    pairs.m = 0
    for x, y in new:
        pairs.append(x, y)
    return [vertices[k] for k in range(m) if match[k] == -1]


def _insert_trio(inst: Instance, pairs: _Pairs, free: list[int]) -> tuple[list[int], list[int]]:
    """Make the trio: a free agent joins the pair that fits them best; failing that, a free
    agent u takes the place of d in a pair (c, d) and d, who may meet more people, joins a pair.
    """
    best: tuple[int, int, int] | None = None
    for u in free:
        k, value = _best_pair_for(inst, pairs, u)
        if k >= 0 and (best is None or value > best[0]):
            best = (value, u, k)
    if best is not None:
        _, u, k = best
        return [*pairs.remove(k), u], [x for x in free if x != u]
    hopeless: set[int] = set()  # no pair but their own would take them
    for u in free:
        for k, c, d in pairs.entries(inst, u):
            if d in hopeless or len(hopeless) >= SWAP_CANDIDATES:
                continue
            j, _ = _best_pair_for(inst, pairs, d, skip=k)
            if j >= 0:
                pairs.a[k], pairs.b[k] = u, c
                return [*pairs.remove(j), d], [x for x in free if x != u]
            hopeless.add(d)
    return [], free


def _best_pair_for(inst: Instance, pairs: _Pairs, u: int, skip: int = -1) -> tuple[int, int]:
    """The pair u may join as a third, and the score it adds; (-1, 0) when there is none."""
    a, b = pairs.view()
    value = inst.score_from(u, a) + inst.score_from(u, b)
    if skip >= 0:
        value[skip] = -FORBIDDEN_COST
    k = int(np.argmax(value)) if value.size else -1
    if k < 0 or value[k] <= -FORBIDDEN_COST // 2:
        return -1, 0
    return k, int(value[k])
