"""Organisations for the coffee pairing benchmark (bench/coffee_pair.py, bench/README.md §6).

    PYTHONPATH=. .venv/bin/python bench/coffee_generate.py --agents 100000 --out bench/out/coffee

writes agents.csv (`id,service_path,site`) and history.csv (`a,b,round`) for `riposte coffee-pair`.

The shape is a département's: 10 directions of very unequal size (solidarity, with social work
and child welfare, is a third of the staff; the smallest have a few percent), ~100 services,
~400 units; most agents sit in a unit (3 levels), some in a service, a few at the direction.
30 sites: the headquarters holds about a quarter of the staff, and each direction has its own
local sites (social services' circonscriptions, roads depots...), so that direction and site are
correlated, as in life. `--shape concentrated` is the hard case: one direction holds 70 % of
the staff and the headquarters 60 %, so many pairs must share a direction or a site and the
objective's bound cannot be reached; the exact comparison then means something. The history pairs, in each past round, the agents due that round
(weekly, fortnightly or monthly) across directions as the engine would (agents sorted by
direction in a random order, i with i + n/2), so the pairs it forbids are pairs the engine
likes. It does not call the engine, so that an instance, and networkx's optimum of it, stay the
same when the engine changes.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from riposte.coffee.engine import Agent, Meeting

DIRECTIONS = [
    # (code, share of the staff, services)
    ("DGA-SOL", 0.34, 26),
    ("DGA-EDU", 0.16, 14),
    ("DGA-ENV", 0.12, 12),
    ("DGA-RES", 0.09, 10),
    ("DGA-TER", 0.08, 9),
    ("DGA-CUL", 0.06, 8),
    ("DGA-ECO", 0.05, 7),
    ("DGA-NUM", 0.04, 6),
    ("DGA-CAB", 0.03, 4),
    ("DGA-AUD", 0.03, 4),
]
SITES = 30
HEADQUARTERS_SHARE = 0.25


def organisation(rng: random.Random) -> list[tuple[str, float, list[str]]]:
    """(direction, share, [service paths with their units]) with ~100 services, ~400 units."""
    tree = []
    for code, share, services in DIRECTIONS:
        paths = []
        for s in range(services):
            service = f"{code}/S{s:02d}"
            paths.append(service)
            paths += [f"{service}/U{u}" for u in range(rng.randint(2, 6))]
        tree.append((code, share, paths))
    return tree


SHAPES = ("departement", "concentrated")


def agents_make(count: int, *, seed: int = 1, shape: str = "departement") -> list[Agent]:
    rng = random.Random(seed)
    tree = organisation(rng)
    shares = [share for _, share, _ in tree]
    headquarters = HEADQUARTERS_SHARE
    if shape == "concentrated":
        shares = [0.70] + [0.30 / (len(shares) - 1)] * (len(shares) - 1)
        headquarters = 0.60
    # Each direction works on the headquarters and on 3 to 8 local sites of its own (some shared).
    local_sites = {code: rng.sample(range(1, SITES), rng.randint(3, 8)) for code, _, _ in tree}
    # Services and units have very unequal sizes too.
    weights = {code: [rng.paretovariate(1.5) for _ in paths] for code, _, paths in tree}
    agents = []
    for i in range(count):
        code, _, paths = rng.choices(tree, weights=shares)[0]
        level = rng.random()
        if level < 0.04:
            path = code  # direction staff
        else:
            path = rng.choices(paths, weights=weights[code])[0]
            if level < 0.20:
                path = "/".join(path.split("/")[:2])  # service staff
        if rng.random() < headquarters:
            site = 0
        elif rng.random() < 0.85:
            site = rng.choice(local_sites[code])
        else:
            site = rng.randrange(1, SITES)
        agents.append(Agent(f"a{i:06d}", path, f"site-{site:02d}"))
    return agents


def history_make(agents: list[Agent], *, rounds: int = 8, seed: int = 1) -> list[Meeting]:
    """Past rounds 1..rounds, each pairing the agents due across directions."""
    rng = random.Random(seed + 1)
    # Weekly, fortnightly or monthly: due in a round with probability 1, 1/2 or 1/4.
    every = {agent.id: rng.choice((1, 1, 2, 4)) for agent in agents}
    history: list[Meeting] = []
    for r in range(1, rounds + 1):
        due = [a for a in agents if r % every[a.id] == 0 or rng.random() < 0.05]
        rank = {code: rng.random() for code, _, _ in DIRECTIONS}
        keyed = [(rank[a.service_path.split("/")[0]], rng.random(), a.id) for a in due]
        keyed.sort()
        half = len(keyed) // 2
        history += [Meeting(keyed[k][2], keyed[k + half][2], r) for k in range(half)]
    return history


def exclusions_make(
    agents: list[Agent], *, share: float = 0.01, seed: int = 1
) -> list[tuple[str, str]]:
    """1 % of the agents exclude 1 to 3 others (not in the CSV files: an engine input)."""
    rng = random.Random(seed + 2)
    ids = [a.id for a in agents]
    pairs = []
    for agent_id in rng.sample(ids, int(len(ids) * share)):
        pairs += [(agent_id, other) for other in rng.sample(ids, 3)[: rng.randint(1, 3)]]
    return [(x, y) for x, y in pairs if x != y]


def write(out: Path, agents: list[Agent], history: list[Meeting]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "agents.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "service_path", "site"])
        writer.writerows((a.id, a.service_path, a.site) for a in agents)
    with (out / "history.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a", "b", "round"])
        writer.writerows((m.a, m.b, m.round) for m in history)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="departement")
    parser.add_argument("--out", type=Path, default=Path("bench/out/coffee"))
    args = parser.parse_args()
    agents = agents_make(args.agents, seed=args.seed, shape=args.shape)
    history = history_make(agents, rounds=args.rounds, seed=args.seed)
    write(args.out, agents, history)
    print(f"{len(agents)} agents, {len(history)} history rows in {args.out}")


if __name__ == "__main__":
    main()
