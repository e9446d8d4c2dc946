"""Local search for the pairing engine: swaps between pairs that lower the total cost.

Pairs are two arrays, `a[k]` with `b[k]`. Every budget counts work (rounds, pairs looked at),
never seconds, so that a seed gives the same groups on any machine. Gains are computed as if the
new pairs were allowed; the few moves chosen are then checked against the forbidden pairs.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from riposte.coffee.engine_arrays import FORBIDDEN_COST, Instance, Ints

# Rounds of the sampled search: on the benchmark, nothing more is gained after ~40.
MAX_ROUNDS = 120
PATIENCE = 12
# Random partners each costly pair is offered per round of the sampled search.
SAMPLES = 8
# Work of the exhaustive searches, in pairs looked at, with STEP_COST more per step for its
# fixed cost (a dozen numpy calls). 3,000,000 is about 1 s on the benchmark's machine, and lets
# instances of a few thousand agents end 2-optimal.
POLISH_BUDGET = 3_000_000
STEP_COST = 1_000
# First legs of a 3-opt move tried per costly pair and direction.
LEGS = 8
# A best move found forbidden is replaced by the next best, this many times at most.
RETRIES = 4


def improve_sampled(
    inst: Instance,
    a: Ints,
    b: Ints,
    rng: np.random.Generator,
    max_rounds: int = MAX_ROUNDS,
    target: int = 0,
) -> tuple[Ints, Ints]:
    """2-opt, vectorised: each round, every costly pair looks at SAMPLES random pairs and takes
    the best swap, (a, b) + (c, d) -> (a, c) + (b, d) or (a, d) + (b, c), if it lowers the cost
    (or keeps it, every other round, so that a costly pair can travel to where a swap fixes it).
    Stops early at `target`, a cost no pairing can beat.
    """
    a, b = a.copy(), b.copy()
    m = a.size
    if m < 2:
        return a, b
    cost = inst.cost(a, b)
    best_total, stale = int(cost.sum()), 0
    for round_no in range(max_rounds):
        bad = np.flatnonzero(cost > 0)
        if bad.size == 0 or stale >= PATIENCE or best_total <= target:
            break
        rng.shuffle(bad)
        i = np.repeat(bad, SAMPLES)
        j = rng.integers(0, m, size=i.size)
        ai, bi, aj, bj = a[i], b[i], a[j], b[j]
        old = cost[i] + cost[j]
        g1 = old - inst.cost_allowed(ai, aj) - inst.cost_allowed(bi, bj)  # (ai, aj) + (bi, bj)
        g2 = old - inst.cost_allowed(ai, bj) - inst.cost_allowed(bi, aj)  # (ai, bj) + (bi, aj)
        gain = np.maximum(g1, g2)
        gain[i == j] = -1
        gain = gain.reshape(bad.size, SAMPLES)
        pick = np.argmax(gain, axis=1)
        best = gain[np.arange(bad.size), pick]
        rows = np.arange(bad.size) * SAMPLES + pick
        take = best > 0
        if round_no % 2:
            take |= (best == 0) & (rng.random(bad.size) < 0.5)
        rows = rows[take]
        # Moves must not share a pair: drop a partner that moves itself, or is taken twice.
        ii, jj = i[rows], j[rows]
        _, first = np.unique(jj, return_index=True)
        keep = np.zeros(jj.size, dtype=bool)
        keep[first] = True
        keep &= ~np.isin(jj, ii)
        rows = rows[keep]
        ii, jj, second = i[rows], j[rows], (g2 > g1)[rows]
        ai, bi, aj, bj = a[ii], b[ii], a[jj], b[jj]
        new_bi = np.where(second, bj, aj)
        new_bj = np.where(second, aj, bj)
        ok = ~(inst.forbidden(ai, new_bi) | inst.forbidden(bi, new_bj))
        ii, jj = ii[ok], jj[ok]
        a[ii], b[ii], a[jj], b[jj] = ai[ok], new_bi[ok], bi[ok], new_bj[ok]
        cost[ii], cost[jj] = inst.cost(a[ii], b[ii]), inst.cost(a[jj], b[jj])
        total = int(cost.sum())
        if total < best_total:
            best_total, stale = total, 0
        else:
            stale += 1
    return a, b


def polish(
    inst: Instance, a: Ints, b: Ints, budget: int = POLISH_BUDGET, target: int = 0
) -> tuple[Ints, Ints]:
    """Exhaustive 2-opt, then 3-opt, again while 3-opt finds something and the budget lasts,
    unless the cost is already `target`, which no pairing can beat."""
    while budget > 0 and int(inst.cost(a, b).sum()) > target:
        a, b, spent = _two_opt(inst, a, b, budget, target)
        a, b, improved, spent3 = _three_opt(inst, a, b, budget - spent, target)
        budget -= spent + spent3
        if not improved:
            break
    return a, b


def _two_opt(inst: Instance, a: Ints, b: Ints, budget: int, target: int) -> tuple[Ints, Ints, int]:
    """Each costly pair against every other pair, best swap first. A pair that found nothing
    is looked at again only once a move has changed it (don't-look bits)."""
    cost = inst.cost(a, b)
    m = a.size
    spent = 0
    queue = deque(np.flatnonzero(cost > 0).tolist())
    queued = set(queue)
    while queue and spent < budget and int(cost.sum()) > target:
        i = queue.popleft()
        queued.discard(i)
        if cost[i] == 0:
            continue
        spent += m + STEP_COST
        ai, bi = np.full(m, a[i]), np.full(m, b[i])
        old = cost[i] + cost
        x1, y1 = inst.cost_allowed(ai, a), inst.cost_allowed(bi, b)  # (a_i, a_j) + (b_i, b_j)
        x2, y2 = inst.cost_allowed(ai, b), inst.cost_allowed(bi, a)  # (a_i, b_j) + (b_i, a_j)
        gain = np.concatenate([old - x1 - y1, old - x2 - y2])
        gain[[i, m + i]] = -1
        for _ in range(RETRIES):
            k = int(np.argmax(gain))
            if gain[k] <= 0:
                break
            j = k % m
            c, d = (a[j], b[j]) if k < m else (b[j], a[j])
            if inst.allowed(int(a[i]), int(c)) and inst.allowed(int(b[i]), int(d)):
                a[i], b[i], a[j], b[j] = a[i], c, b[i], d
                cost[i], cost[j] = inst.pair_cost(a[i], b[i]), inst.pair_cost(a[j], b[j])
                for p in (i, j):
                    if cost[p] > 0 and p not in queued:
                        queue.append(p)
                        queued.add(p)
                break
            gain[k] = -1
    return a, b, spent


def _three_opt(
    inst: Instance, a: Ints, b: Ints, budget: int, target: int
) -> tuple[Ints, Ints, bool, int]:
    """(x, y) + (c, d) + (e, f) -> (x, c) + (d, e) + (f, y), for a costly pair (x, y): the
    first leg among the LEGS best for x, the last pair any. One pass over the costly pairs."""
    cost = inst.cost(a, b)
    m = a.size
    spent = 0
    improved = False
    pair_of = np.concatenate([np.arange(m), np.arange(m)])
    for i in np.flatnonzero(cost > 0).tolist():
        if spent >= budget or int(cost.sum()) <= target:
            break
        if cost[i] == 0:
            continue
        ends = np.concatenate([a, b])
        for x, y in ((int(a[i]), int(b[i])), (int(b[i]), int(a[i]))):
            # First leg: x meets an end c of pair j, whose other end d is then free.
            first = cost[i] + cost[pair_of] - inst.cost_from(x, ends)
            first[[i, m + i]] = -FORBIDDEN_COST
            spent += 2 * m + STEP_COST
            legs = np.argsort(-first, kind="stable")[:LEGS]
            if _three_opt_legs(inst, a, b, cost, i, x, y, legs[first[legs] > 0], first):
                improved = True
                spent += LEGS * (m + STEP_COST)
                break
            spent += LEGS * (m + STEP_COST)
    return a, b, improved, spent


def _three_opt_legs(
    inst: Instance,
    a: Ints,
    b: Ints,
    cost: Ints,
    i: int,
    x: int,
    y: int,
    legs: Ints,
    first: Ints,
) -> bool:
    m = a.size
    for leg in legs.tolist():
        j = leg % m
        c, d = (int(a[j]), int(b[j])) if leg < m else (int(b[j]), int(a[j]))
        dd, yy = np.full(m, d), np.full(m, y)
        base = first[leg] + cost
        g1 = base - inst.cost_allowed(dd, a) - inst.cost_allowed(b, yy)  # (d, e) + (f, y)
        g2 = base - inst.cost_allowed(dd, b) - inst.cost_allowed(a, yy)  # (d, f) + (e, y)
        gain = np.concatenate([g1, g2])
        gain[[i, j, m + i, m + j]] = -1
        for _ in range(RETRIES):
            k = int(np.argmax(gain))
            if gain[k] <= 0:
                break
            p = k % m
            e, f = (int(a[p]), int(b[p])) if k < m else (int(b[p]), int(a[p]))
            if inst.allowed(d, e) and inst.allowed(f, y):
                a[i], b[i], a[j], b[j], a[p], b[p] = x, c, d, e, f, y
                cost[[i, j, p]] = inst.cost(a[[i, j, p]], b[[i, j, p]])
                return True
            gain[k] = -1
    return False
