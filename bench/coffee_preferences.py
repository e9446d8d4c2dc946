"""The coffee round's second pass, the members' wishes (riposte/coffee/preferences.py): time,
what it obtains, what it costs in score, and independent checks.

    PYTHONPATH=. .venv/bin/python bench/coffee_preferences.py        # 1k/8k/100k, 2 shapes,
                                                                     # 3 runs (~1.5 min)
    PYTHONPATH=. .venv/bin/python bench/coffee_preferences.py --agents 100000 --runs 1
    PYTHONPATH=. .venv/bin/python bench/coffee_preferences.py --agents 8000 --three 0.5 --out none

What runs is what `rounds.round_make_groups` runs, without Django: `engine.coffee_pair`, then
`preferences.forbidden_pairs` and `preferences.preferences_apply`, with the same seed for both.
Three timings, each on one core (`sched_setaffinity`, as `taskset -c 0`), `--runs` times:
(a) the engine alone; (b) the pass alone: `forbidden_pairs` + `preferences_apply` on (a)'s
groups (the round computes the forbidden pairs for the pass only); (c) both, one after the other.

The organisations, history (8 rounds, cooldown 6) and exclusions (1 % of the agents exclude 1 to
3 others) are coffee_pair.py's (`instance(n, seed=n, shape)`, from bench/coffee_generate.py).
The wishes are drawn with `--wish-seed`, independently of service, site and each other:
- `--three 0.30` ask for a group of three (the others for two);
- `--sites 0.20` "other sites", `--services 0.20` "other services", the rest (60 %) "surprise".
Why these shares: they are an assumption, not a measure (no members' figures are available
here). The form's defaults are "two" and "surprise" (models.Membership); the assumption is that
most members keep a default and a minority changes each setting. The options let anyone try
other spreads. Before step 1a (re-pairing the askers), the share of trios got followed `--three`:
the engine pairs without the wishes, and step 1 only joins pairs whose two members asked.

`--shape` (default: both of coffee_generate's): in "departement" the engine's groups already
meet nearly every "other sites / other services"; "concentrated" (headquarters at 60 %) is where
step 2 has work. A trio scores its three pairs, so the total score goes up with the trios; the
loss is given on the mean score of a pair of people who meet, engine's groups vs final groups.

Checked here, not with the pass's code (the script exits with 1 if one fails):
- groups of 2 or 3, nobody in two groups;
- nobody lost: the members placed are exactly the engine's placed, the unplaced are the engine's;
- no forbidden pair in any group: the pairs that met in the last 6 rounds of the history and the
  exclusions, recomputed here from the raw lists with Python sets;
- at most one trio holds someone who did not ask for three, and only when the engine made a trio
  (its odd one, whose members step 2 may swap);
- the scores, recomputed with `engine.pair_score`; the pass's counts (trios got / asked, "other
  sites" and "other services" met / asked), recomputed from the groups;
- the same groups on every run (the pass is deterministic for a seed).
The same counts on the engine's groups alone are given as the baseline: what the members would
get without the pass.
"""

from __future__ import annotations

import argparse
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

from bench.coffee_generate import SHAPES
from bench.coffee_pair import check as engine_check
from bench.coffee_pair import instance, sizes_arg
from riposte.coffee.engine import (
    DEFAULT_COOLDOWN,
    Agent,
    AgentId,
    Meeting,
    coffee_pair,
    pair_score,
    path_levels,
)
from riposte.coffee.preferences import Meet, Wish, forbidden_pairs, preferences_apply


class CheckFailed(Exception):
    pass


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def wishes_make(
    agents: list[Agent], *, three: float, sites: float, services: float, seed: int
) -> dict[AgentId, Wish]:
    rng = random.Random(seed)
    wishes = {}
    for agent in agents:
        size = 3 if rng.random() < three else 2
        draw = rng.random()
        if draw < sites:
            meet = Meet.OTHER_SITES
        elif draw < sites + services:
            meet = Meet.OTHER_SERVICES
        else:
            meet = Meet.SURPRISE
        wishes[agent.id] = Wish(size=size, meet=meet)
    return wishes


def forbidden_here(history: list[Meeting], exclusions: list[tuple[str, str]]) -> set[frozenset]:
    """From the raw lists: met in one of the last DEFAULT_COOLDOWN rounds, or excluded."""
    latest = max(m.round for m in history)
    met = {frozenset((m.a, m.b)) for m in history if m.round > latest - DEFAULT_COOLDOWN}
    return met | {frozenset(pair) for pair in exclusions if pair[0] != pair[1]}


def tally(
    groups: tuple[tuple, ...], agents: list[Agent], wishes: dict[AgentId, Wish]
) -> dict[str, int]:
    """The counts of the report, from the groups: trios got / asked; "other sites" and "other
    services" met / asked (an empty site or service is nobody's, so it is always met)."""
    site = {a.id: a.site for a in agents}
    path = {a.id: "/".join(path_levels(a.service_path)) for a in agents}
    out = Counter(asked_three=0, got_three=0, sites_met=0, sites_asked=0)
    out.update(services_met=0, services_asked=0)
    for group in groups:
        for x in group:
            wish = wishes[x]
            if wish.size == 3:
                out["asked_three"] += 1
                out["got_three"] += len(group) == 3
            trait = {Meet.OTHER_SITES: site, Meet.OTHER_SERVICES: path}.get(wish.meet)
            if trait is None:
                continue
            out[f"{wish.meet}_asked"] += 1
            out[f"{wish.meet}_met"] += not trait[x] or all(
                trait[o] != trait[x] for o in group if o != x
            )
    return dict(out)


def check(
    agents: list[Agent],
    wishes: dict[AgentId, Wish],
    pairing,
    grouping,
    forbidden: set[frozenset],
) -> dict:
    """Everything the pass promises, recomputed from its groups; raises CheckFailed."""
    by_id = {a.id: a for a in agents}
    engine_placed = {x for g in pairing.groups for x in g}
    seen: set[str] = set()
    bad_pairs, not_asked_trios, score = [], [], 0
    for group, group_score in zip(grouping.groups, grouping.group_scores, strict=True):
        require(len(group) in (2, 3), f"group of {len(group)}: {group}")
        for x in group:
            require(x not in seen, f"{x} in two groups")
            seen.add(x)
        pairs = [(x, y) for x, y in combinations(group, 2)]
        bad_pairs += [p for p in pairs if frozenset(p) in forbidden]
        recomputed = sum(pair_score(by_id[x], by_id[y]) for x, y in pairs)
        require(recomputed == group_score, f"score of {group}: {group_score} != {recomputed}")
        score += recomputed
        if len(group) == 3 and any(wishes[x].size != 3 for x in group):
            not_asked_trios.append(group)
    require(not bad_pairs, f"forbidden pairs in groups: {bad_pairs[:5]}")
    require(seen == engine_placed, f"placed: {len(seen)} vs the engine's {len(engine_placed)}")
    require(grouping.unplaced == pairing.unplaced, "the unplaced changed")
    engine_trios = [g for g in pairing.groups if len(g) == 3]
    require(
        len(not_asked_trios) <= len(engine_trios),
        f"trios with someone who asked for two: {not_asked_trios}, engine's trio: {engine_trios}",
    )
    require(score == grouping.score, "total score")
    counts = tally(grouping.groups, agents, wishes)
    c = grouping.counts
    theirs = {
        "asked_three": c.asked_three,
        "got_three": c.got_three,
        "sites_met": c.sites_met,
        "sites_asked": c.sites_met + c.sites_unmet,
        "services_met": c.services_met,
        "services_asked": c.services_met + c.services_unmet,
    }
    require(counts == theirs, f"counts: the pass says {theirs}, recomputed {counts}")
    return {"counts": counts, "not_asked_trios": len(not_asked_trios)}


def pairs_met(groups: tuple[tuple, ...]) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def summary(times: list[float]) -> dict:
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": times}


def run_size(n: int, shape: str, args: argparse.Namespace) -> dict:
    agents, history, exclusions = instance(n, seed=n, shape=shape)
    wishes = wishes_make(
        agents, three=args.three, sites=args.sites, services=args.services, seed=args.wish_seed
    )
    forbidden = forbidden_here(history, exclusions)
    seed = args.seed

    def engine():
        return coffee_pair(agents=agents, history=history, exclusions=exclusions, seed=seed)

    def second_pass(pairing):
        return preferences_apply(
            pairing=pairing,
            agents=agents,
            wishes=wishes,
            forbidden=forbidden_pairs(history=history, exclusions=exclusions),
            seed=seed,
        )

    def both():
        pairing = engine()
        return pairing, second_pass(pairing)

    times: dict[str, list[float]] = {"engine": [], "pass": [], "both": []}
    outcomes = set()
    for _ in range(args.runs):
        pairing, t = timed(engine)
        times["engine"].append(t)
        grouping, t = timed(lambda: second_pass(pairing))  # noqa: B023 - called at once
        times["pass"].append(t)
        (pairing, grouping), t = timed(both)
        times["both"].append(t)
        outcomes.add((pairing.groups, grouping.groups))
    require(len(outcomes) == 1, f"{len(outcomes)} different results over {args.runs} runs")
    engine_result = engine_check(agents, pairing, forbidden)
    require(engine_result["forbidden"] == 0, "the engine made a forbidden pair")
    checked = check(agents, wishes, pairing, grouping, forbidden)
    baseline = tally(pairing.groups, agents, wishes)
    # A trio scores its three pairs, so the total goes up with the trios: what compares is the
    # mean score of a pair of people who meet.
    before = pairing.score / pairs_met(pairing.groups)
    after = grouping.score / pairs_met(grouping.groups)
    return {
        "shape": shape,
        "agents": n,
        "history_rows": len(history),
        "exclusions": len(exclusions),
        "forbidden_pairs": len(forbidden),
        "wishes": dict(Counter(f"{w.size}/{w.meet}" for w in wishes.values())),
        "seconds": {k: summary(v) for k, v in times.items()},
        "groups": len(grouping.groups),
        "trios": sum(len(g) == 3 for g in grouping.groups),
        "unplaced": len(grouping.unplaced),
        "trios_made": grouping.trios_made,
        "swaps": grouping.swaps,
        "engine_score": pairing.score,
        "score": grouping.score,
        "engine_per_pair": before,
        "per_pair": after,
        "loss_percent": 100 * (1 - after / before),
        "counts": checked["counts"],
        "counts_engine_alone": baseline,
        "trios_with_someone_who_asked_two": checked["not_asked_trios"],
    }


def share(met: int, asked: int, before: int | None = None) -> str:
    if not asked:
        return "0 / 0"
    text = f"{met:,} / {asked:,} = {100 * met / asked:.0f} %"
    return text if before is None else f"{text} ({100 * before / asked:.0f} %)"


def row(r: dict) -> str:
    s, c, b = r["seconds"], r["counts"], r["counts_engine_alone"]

    def t(key: str) -> str:
        x = s[key]
        return f"{x['median']:.2f} s ({x['min']:.2f}-{x['max']:.2f})"

    return (
        f"| {r['shape']} | {r['agents']:,} | {t('engine')} | **{t('pass')}** | {t('both')} "
        f"| {share(c['got_three'], c['asked_three'], b['got_three'])} "
        f"| {share(c['sites_met'], c['sites_asked'], b['sites_met'])} "
        f"| {share(c['services_met'], c['services_asked'], b['services_met'])} "
        f"| {r['trios_made']:,} / {r['swaps']:,} "
        f"| {r['engine_score']:,} → {r['score']:,} "
        f"| {r['engine_per_pair']:.3f} → {r['per_pair']:.3f} (**{r['loss_percent']:+.2f} %**) |"
    )


HEADER = (
    "| shape | agents | (a) engine | (b) pass | (c) both | trios: got / asked (engine alone) "
    "| other sites: met / asked (engine alone) | other services: met / asked (engine alone) "
    "| trios made / swaps | score: engine → final | score per pair met: engine → final (loss) |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", default="1000,8000,100000", type=sizes_arg)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shape", default=",".join(SHAPES), type=lambda text: text.split(","))
    parser.add_argument("--three", type=float, default=0.30, help="share asking for three")
    parser.add_argument("--sites", type=float, default=0.20, help='share asking "other sites"')
    parser.add_argument("--services", type=float, default=0.20, help='"other services"')
    parser.add_argument("--wish-seed", type=int, default=11)
    parser.add_argument("--seed", type=int, default=7, help="the round's seed (engine and pass)")
    parser.add_argument("--core", type=int, default=0, help="the one core to run on")
    parser.add_argument("--out", default="bench/out/coffee_prefs.json", help="'none': no file")
    args = parser.parse_args()
    if not set(args.shape) <= set(SHAPES):
        parser.error(f"--shape: one of {SHAPES}")
    if args.sites + args.services > 1:
        parser.error("--sites + --services > 1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_start = os.getloadavg()
    print(
        f"{started}; Python {platform.python_version()}; "
        f"cores allowed: {sorted(os.sched_getaffinity(0))}; load {load_start}"
    )
    print(
        f"wishes: three {args.three:.0%}, other sites {args.sites:.0%}, other services "
        f"{args.services:.0%}, surprise {1 - args.sites - args.services:.0%}; "
        f"wish seed {args.wish_seed}, round seed {args.seed}; runs {args.runs}\n"
    )
    print(HEADER, flush=True)
    results, failed = [], None
    for shape in args.shape:
        for n in args.agents:
            try:
                result = run_size(n, shape, args)
            except (CheckFailed, AssertionError) as error:  # AssertionError: coffee_pair.check
                failed = f"{shape} {n}: {error}"
                print(f"| {shape} | {n:,} | CHECK FAILED: {error} |", flush=True)
                break
            results.append(result)
            print(row(result), flush=True)
        if failed:
            break
    load_end = os.getloadavg()
    print(f"\nload at the end: {load_end}")
    if str(args.out) != "none":
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "started": started,
            "python": platform.python_version(),
            "load_start": load_start,
            "load_end": load_end,
            "argv": sys.argv[1:],
            "options": {k: v for k, v in vars(args).items() if k != "out"},
            "failed": failed,
            "results": results,
        }
        out.write_text(json.dumps(report, indent=1, default=str) + "\n")
        print(f"written: {out}")
    if failed:
        print(f"CHECK FAILED: {failed}", file=sys.stderr)
        return 1
    print("every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
