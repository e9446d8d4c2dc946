"""The coffee pairing engine: time and score at scale, and against networkx's exact matching.

    PYTHONPATH=. .venv/bin/python bench/coffee_pair.py                 # everything (~15 min)
    PYTHONPATH=. .venv/bin/python bench/coffee_pair.py --engine 1000,10000,100000 --exact none
    PYTHONPATH=. .venv/bin/python bench/coffee_pair.py --engine none --exact 200,201,500

Organisations from bench/coffee_generate.py (history: 8 rounds made by the engine; 1 % of the
agents exclude 1 to 3 others). The process is pinned to one core (`sched_setaffinity`, as
`taskset -c 0`). Every result is checked here, independently of the engine: each agent in at
most one group, only pairs and at most one trio (only when the number placed is odd), no
forbidden pair (recomputed from the history and exclusions with Python sets), scores
recomputed with `pair_score`.

Reference for the score:
- even counts: networkx `max_weight_matching(maxcardinality=True)` on all allowed pairs,
  weighted by the score: the exact optimum with everyone placed.
- odd counts, one trio: no exact solver. Lower bound: the exact matching (one agent left out),
  then that agent added to the pair where it adds most. Upper bound: take the optimum's trio
  (a, b, c); without c it is a matching, worth at most the exact matching M, so
  OPT <= M + max over c of (the two best allowed scores of c). The engine's ratio is given
  against both.
- every count: the bound of the objective itself, sum of depths + number of pairs (+ for the
  trio, the trio's depths + 2), reached when every pair is from different directions and sites.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.coffee_generate import SHAPES, agents_make, exclusions_make, history_make
from riposte.coffee.engine import (
    DEFAULT_COOLDOWN,
    Agent,
    Meeting,
    Pairing,
    coffee_pair,
    pair_score,
    path_levels,
    recent_pairs,
)


def forbidden_set(history: list[Meeting], exclusions: list[tuple[str, str]]) -> set[frozenset]:
    forbidden = recent_pairs(history, cooldown=DEFAULT_COOLDOWN)
    return forbidden | {frozenset(pair) for pair in exclusions}


def check(agents: list[Agent], pairing: Pairing, forbidden: set[frozenset]) -> dict:
    """Recompute everything from the groups; raise on a broken rule."""
    by_id = {a.id: a for a in agents}
    seen: set[str] = set()
    bad_pairs = 0
    score = 0
    trios = 0
    for group in pairing.groups:
        assert len(group) in (2, 3), group
        trios += len(group) == 3
        for member in group:
            assert member not in seen, f"{member} placed twice"
            seen.add(member)
        for x, y in combinations(group, 2):
            bad_pairs += frozenset((x, y)) in forbidden
            score += pair_score(by_id[x], by_id[y])
    unplaced = {u.agent for u in pairing.unplaced}
    assert not unplaced & seen
    assert seen | unplaced == set(by_id), "someone neither placed nor reported"
    assert trios <= 1 and (trios == 1) == (len(seen) % 2 == 1)
    assert score == pairing.score
    return {"score": score, "forbidden": bad_pairs, "unplaced": len(unplaced), "trios": trios}


def objective_bound(agents: list[Agent], pairing: Pairing) -> int:
    depth = {a.id: len(path_levels(a.service_path)) for a in agents}
    bound = 0
    for group in pairing.groups:
        bound += sum(depth[x] + depth[y] + 1 for x, y in combinations(group, 2))
    return bound


def tree_site_bound(agents: list[Agent]) -> int | None:
    """For an even count, everyone in pairs: the score is sum of depths + n/2 - cost, and the
    cost is at least 2 * sum over tree nodes of max(0, size - n/2) (a node's agents can meet
    at most n - size outsiders) plus sum over sites of max(0, size - n/2). Same bound as the
    engine's early stop (engine_arrays.Instance.cost_lower_bound), computed here separately."""
    n = len(agents)
    if n % 2:
        return None
    nodes: Counter[tuple[str, ...]] = Counter()
    for a in agents:
        levels = path_levels(a.service_path)
        nodes.update(levels[: d + 1] for d in range(len(levels)))
    sites = Counter(a.site for a in agents)
    depths = sum(len(path_levels(a.service_path)) for a in agents)
    cost = 2 * sum(max(0, s - n // 2) for s in nodes.values())
    cost += sum(max(0, s - n // 2) for s in sites.values())
    return depths + n // 2 - cost


def instance(
    n: int, seed: int, shape: str
) -> tuple[list[Agent], list[Meeting], list[tuple[str, str]]]:
    agents = agents_make(n, seed=seed, shape=shape)
    history = history_make(agents, rounds=8, seed=seed)
    return agents, history, exclusions_make(agents, seed=seed)


def run_engine(sizes: list[int], runs: int, shape: str) -> None:
    if not sizes:
        return
    print(f"\n## Engine (one core), shape {shape}")
    print(
        "| agents | history rows | exclusions | time (median of runs) | runs | groups | trio "
        "| unplaced | forbidden pairs | score | objective bound | tree + sites bound "
        "| score / bound |"
    )
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        agents, history, exclusions = instance(n, seed=n, shape=shape)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            pairing = coffee_pair(agents=agents, history=history, exclusions=exclusions, seed=7)
            times.append(time.perf_counter() - start)
        result = check(agents, pairing, forbidden_set(history, exclusions))
        bound = objective_bound(agents, pairing)
        tight = tree_site_bound(agents) or bound
        print(
            f"| {n:,} | {len(history):,} | {len(exclusions):,} | **{statistics.median(times):.2f} s** "
            f"| {', '.join(f'{t:.2f}' for t in times)} | {len(pairing.groups):,} | {result['trios']} "
            f"| {result['unplaced']} | {result['forbidden']} | {result['score']:,} | {bound:,} "
            f"| {tight:,} | **{result['score'] / tight:.4f}** |",
            flush=True,
        )


def exact_reference(agents: list[Agent], forbidden: set[frozenset]) -> dict:
    """networkx's optimum (and, for an odd count, the trio's bounds), timed."""
    import networkx as nx

    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(a.id for a in agents)
    for a, b in combinations(agents, 2):
        if frozenset((a.id, b.id)) not in forbidden:
            graph.add_edge(a.id, b.id, weight=pair_score(a, b))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    reference = {
        "matching": sum(graph[x][y]["weight"] for x, y in matching),
        "seconds": time.perf_counter() - start,
        "measured": time.strftime("%Y-%m-%d %H:%M UTC"),
        "load": os.getloadavg()[0],
    }
    if len(agents) % 2:
        (left,) = set(graph) - {x for pair in matching for x in pair}
        reference["insertion"] = max(
            graph[left][x]["weight"] + graph[left][y]["weight"]
            for x, y in matching
            if graph.has_edge(left, x) and graph.has_edge(left, y)
        )
        reference["top2"] = max(
            sum(sorted(d["weight"] for _, _, d in graph.edges(v, data=True))[-2:]) for v in graph
        )
    return reference


def instance_digest(agents: list[Agent], forbidden: set[frozenset]) -> str:
    text = repr([(a.id, a.service_path, a.site) for a in agents])
    text += repr(sorted(tuple(sorted(pair)) for pair in forbidden))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_exact(sizes: list[int], shape: str, cache_path: Path | None) -> None:
    if not sizes:
        return
    cache = json.loads(cache_path.read_text()) if cache_path and cache_path.exists() else {}
    print(f"\n## Against networkx's exact matching, shape {shape}")
    print(
        "| agents | engine time | engine score | networkx time | exact (even) or lower bound "
        "(odd) | upper bound (odd) | engine / exact or lower | engine / upper | objective bound "
        "| forbidden pairs |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        agents, history, exclusions = instance(n, seed=n, shape=shape)
        forbidden = forbidden_set(history, exclusions)
        start = time.perf_counter()
        pairing = coffee_pair(agents=agents, history=history, exclusions=exclusions, seed=7)
        engine_time = time.perf_counter() - start
        result = check(agents, pairing, forbidden)
        key = f"{shape}/{n}/{instance_digest(agents, forbidden)}"
        cached = key in cache
        if not cached:
            cache[key] = exact_reference(agents, forbidden)
            if cache_path:
                cache_path.parent.mkdir(parents=True, exist_ok=True)
                cache_path.write_text(json.dumps(cache, indent=1))
        ref = cache[key]
        exact, upper, ratio_upper = ref["matching"], "", ""
        if n % 2:
            upper_value = exact + ref["top2"]
            exact += ref["insertion"]
            upper = f"{upper_value:,}"
            ratio_upper = f"{result['score'] / upper_value:.4f}"
        nx_time = f"{ref['seconds']:.1f} s" + (
            f" (cached: {ref['measured']}, load {ref['load']:.1f})" if cached else ""
        )
        print(
            f"| {n:,} | {engine_time:.3f} s | {result['score']:,} | {nx_time} | {exact:,} "
            f"| {upper} | **{result['score'] / exact:.4f}** | {ratio_upper} "
            f"| {objective_bound(agents, pairing):,} | {result['forbidden']} |",
            flush=True,
        )


def adversarial_agents(rng: random.Random, n: int, shape: str) -> list[Agent]:
    """Small instances built to be hard: one direction only, one huge direction and site,
    a flat organisation (3 directions, 2 sites), or a random tree."""
    agents = []
    for i in range(n):
        if shape == "one direction":
            levels = ["D0", f"S{rng.randrange(3)}", f"U{rng.randrange(3)}", f"V{rng.randrange(2)}"]
            path, site = "/".join(levels[: rng.randint(1, 4)]), rng.choice("xxxyz")
        elif shape == "skewed":
            direction = 0 if rng.random() < 0.7 else rng.randrange(1, 6)
            levels = [f"D{direction}", f"S{rng.randrange(4)}", f"U{rng.randrange(3)}"]
            path = "/".join(levels[: rng.randint(1, 3)])
            site = "x" if rng.random() < 0.6 else str(rng.randrange(8))
        elif shape == "flat":
            path, site = f"D{rng.randrange(3)}", rng.choice("xy")
        else:
            levels = [f"D{rng.randrange(5)}", f"S{rng.randrange(5)}", f"U{rng.randrange(3)}"]
            path, site = "/".join(levels[: rng.randint(1, 3)]), str(rng.randrange(6))
        agents.append(Agent(f"a{i}", path, site))
    return agents


def run_adversarial(count: int) -> None:
    """Against networkx on small hard instances, with a dense history: 7 rounds made by the
    engine itself (cooldown 6, so the 6 last count) and n/2 random exclusions."""
    import networkx as nx

    if not count:
        return
    print(f"\n## Adversarial small instances ({count} per shape, 40 to 240 agents)")
    print(
        "| shape | instances | optimal | worst ratio | mean ratio | engine time | networkx time |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for shape in ("one direction", "skewed", "flat", "random tree"):
        ratios, engine_time, nx_time = [], 0.0, 0.0
        for t in range(count):
            rng = random.Random(t)
            n = rng.choice([40, 100, 160, 240])
            agents = adversarial_agents(rng, n, shape)
            history: list[Meeting] = []
            for r in range(1, 8):
                past = coffee_pair(agents=agents, history=history, seed=r * 100 + t)
                history += [Meeting(*pair, r) for g in past.groups for pair in combinations(g, 2)]
            exclusions = [(f"a{rng.randrange(n)}", f"a{rng.randrange(n)}") for _ in range(n // 2)]
            exclusions = [(x, y) for x, y in exclusions if x != y]
            forbidden = forbidden_set(history, exclusions)
            start = time.perf_counter()
            pairing = coffee_pair(agents=agents, history=history, exclusions=exclusions, seed=t)
            engine_time += time.perf_counter() - start
            result = check(agents, pairing, forbidden)
            assert result["forbidden"] == 0 and result["unplaced"] == 0
            start = time.perf_counter()
            graph = nx.Graph()
            for a, b in combinations(agents, 2):
                if frozenset((a.id, b.id)) not in forbidden:
                    graph.add_edge(a.id, b.id, weight=pair_score(a, b))
            matching = nx.max_weight_matching(graph, maxcardinality=True)
            nx_time += time.perf_counter() - start
            ratios.append(result["score"] / sum(graph[x][y]["weight"] for x, y in matching))
        print(
            f"| {shape} | {count} | {sum(r >= 1 for r in ratios)} | **{min(ratios):.4f}** "
            f"| {statistics.mean(ratios):.4f} | {engine_time:.1f} s | {nx_time:.1f} s |",
            flush=True,
        )


def sizes_arg(text: str) -> list[int]:
    return [] if text == "none" else [int(x) for x in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="1000,10000,100000", type=sizes_arg)
    parser.add_argument("--exact", default="200,201,500,501,1000,2000", type=sizes_arg)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--adversarial", type=int, default=30, help="instances per shape")
    parser.add_argument("--core", type=int, default=0, help="the one core to run on")
    parser.add_argument(
        "--exact-cache",
        type=Path,
        default=Path("bench/out/coffee_exact.json"),
        help="networkx's optima by instance digest: the optimum does not depend on the engine, "
        "and takes up to an hour at 2,000 agents ('none' to recompute)",
    )
    parser.add_argument("--shape", default=",".join(SHAPES), type=lambda text: text.split(","))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})
    print(
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; Python {platform.python_version()}; "
        f"cores allowed: {sorted(os.sched_getaffinity(0))}; load {os.getloadavg()}"
    )
    for shape in args.shape:
        run_engine(args.engine, args.runs, shape)
    run_adversarial(args.adversarial)
    for shape in args.shape:
        cache = None if str(args.exact_cache) == "none" else args.exact_cache
        run_exact(args.exact, shape, cache)
    print(f"\nload at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
