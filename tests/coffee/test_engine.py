"""The pairing engine (riposte.coffee.engine): the objective, the cooldown, exclusions, who is
left out and why, determinism, and the score against networkx's exact optimum."""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx
import pytest

from riposte.coffee.engine import (
    Agent,
    Meeting,
    UnplacedReason,
    coffee_pair,
    cooldown_threshold,
    group_score,
    pair_score,
    recent_pairs,
)


def agents_of(*rows: tuple[object, str, str]) -> list[Agent]:
    return [Agent(agent_id, path, site) for agent_id, path, site in rows]  # type: ignore[arg-type]


def placed(pairing) -> list:
    return [member for group in pairing.groups for member in group]


def organisation(n: int, seed: int, *, concentrated: bool = False) -> list[Agent]:
    """A small service tree: 6 directions, 3 services each, 3 units each, paths of depth 1-3."""
    rng = random.Random(seed)
    agents = []
    for i in range(n):
        direction = 0 if concentrated and rng.random() < 0.7 else rng.randrange(6)
        levels = [f"D{direction}", f"S{rng.randrange(3)}", f"U{rng.randrange(3)}"]
        path = "/".join(levels[: rng.choice((1, 2, 3, 3))])
        site = 0 if rng.random() < (0.6 if concentrated else 0.2) else rng.randrange(1, 8)
        agents.append(Agent(f"a{i:03d}", path, f"site{site}"))
    return agents


def past_rounds(agents: list[Agent], rounds: int, seed: int) -> list[Meeting]:
    """Rounds made by the engine itself: the pairs it would make again are the forbidden ones."""
    history: list[Meeting] = []
    for r in range(1, rounds + 1):
        pairing = coffee_pair(agents=agents, history=history, seed=seed * 100 + r)
        history += [Meeting(x, y, r) for group in pairing.groups for x, y in combinations(group, 2)]
    return history


def forbidden_of(history, exclusions, cooldown=6) -> set[frozenset]:
    return recent_pairs(history, cooldown=cooldown) | {frozenset(e) for e in exclusions}


def test_pair_score_is_tree_distance_plus_one_for_another_site():
    ase, pmi, dsi = "DGA-SOL/DEF/ASE", "DGA-SOL/DEF/PMI", "DGA-RES/DSI"
    assert pair_score(Agent(1, ase, "Bobigny"), Agent(2, ase, "Bobigny")) == 0
    assert pair_score(Agent(1, ase, "Bobigny"), Agent(2, pmi, "Bobigny")) == 2
    assert pair_score(Agent(1, ase, "Bobigny"), Agent(2, pmi, "Montreuil")) == 3
    assert pair_score(Agent(1, ase, "Bobigny"), Agent(2, dsi, "Montreuil")) == 3 + 2 + 1
    # A parent and its child: one level apart.
    assert pair_score(Agent(1, "DGA-SOL/DEF", "x"), Agent(2, ase, "x")) == 1
    # Levels are split on "/" and compared without surrounding spaces.
    assert pair_score(Agent(1, " DGA-SOL / DEF ", "x"), Agent(2, "DGA-SOL/DEF", "x")) == 0


def test_trio_scores_the_sum_of_its_three_pairs():
    a, b, c = Agent(1, "A/B", "x"), Agent(2, "A/C", "y"), Agent(3, "D", "x")
    assert group_score([a, b, c]) == pair_score(a, b) + pair_score(a, c) + pair_score(b, c)
    assert group_score([a, b, c]) == 3 + 4 + 3


def test_cooldown_forbids_rounds_after_latest_minus_cooldown():
    history = [Meeting("a", "b", 4), Meeting("a", "c", 5), Meeting("b", "c", 10)]
    # Latest round 10, cooldown 6: rounds 5 to 10 count, round 4 no longer does.
    assert cooldown_threshold(history, cooldown=6) == 5
    assert recent_pairs(history, cooldown=6) == {frozenset("ac"), frozenset("bc")}
    assert recent_pairs(history, cooldown=1) == {frozenset("bc")}
    assert recent_pairs(history, cooldown=0) == set()
    assert recent_pairs([], cooldown=6) == set()
    # The round model passes the last round it ran, which may have had no meeting.
    assert recent_pairs(history, cooldown=6, latest_round=14) == {frozenset("bc")}


def test_the_best_pairs_are_not_repeated_within_the_cooldown():
    agents = agents_of((1, "A", "x"), (2, "B", "y"), (3, "A", "x"), (4, "B", "y"))
    first = coffee_pair(agents=agents, seed=1)
    # The two best pairs each join A and B across sites: (1, 2) + (3, 4) or (1, 4) + (2, 3).
    assert first.score == 2 * 3
    history = [Meeting(x, y, 1) for x, y in first.groups]
    second = coffee_pair(agents=agents, history=history, seed=1)
    assert not {frozenset(g) for g in second.groups} & {frozenset(g) for g in first.groups}
    assert second.score == 2 * 3  # the other cross pairing
    third = coffee_pair(
        agents=agents,
        history=[*history, *(Meeting(x, y, 2) for x, y in second.groups)],
        seed=1,
    )
    # Both cross pairings are in the cooldown: only same-direction pairs are left.
    assert third.score == 0 and len(third.groups) == 2
    # Outside the cooldown, the first pairing is allowed again.
    later = coffee_pair(agents=agents, history=history, cooldown=1, latest_round=2, seed=1)
    assert later.score == 2 * 3


def test_exclusions_hold_in_both_directions_and_ignore_agents_not_due():
    agents = agents_of((1, "A", "x"), (2, "B", "y"), (3, "A", "x"), (4, "B", "y"))
    pairing = coffee_pair(agents=agents, exclusions=[(1, 2), (4, 1), (99, 1)], seed=3)
    assert {frozenset(g) for g in pairing.groups} == {frozenset((1, 3)), frozenset((2, 4))}


def test_an_agent_who_excluded_everyone_is_unplaced_with_a_reason():
    agents = organisation(9, seed=2)
    loner = agents[4].id
    pairing = coffee_pair(agents=agents, exclusions=[(loner, a.id) for a in agents], seed=0)
    assert [(u.agent, u.reason) for u in pairing.unplaced] == [
        (loner, UnplacedReason.NO_ALLOWED_PARTNER)
    ]
    assert sorted(placed(pairing)) == sorted(a.id for a in agents if a.id != loner)
    assert [len(g) for g in pairing.groups] == [2, 2, 2, 2]  # 8 placed: no trio


def test_alone_or_nobody():
    assert coffee_pair(agents=[]).groups == ()
    alone = coffee_pair(agents=agents_of(("x", "A", "s")))
    assert alone.groups == () and alone.unplaced[0].reason == UnplacedReason.NO_ALLOWED_PARTNER
    two_who_excluded = coffee_pair(
        agents=agents_of((1, "A", "s"), (2, "B", "t")), exclusions=[(2, 1)]
    )
    assert two_who_excluded.groups == ()
    assert {u.agent for u in two_who_excluded.unplaced} == {1, 2}


def test_no_compatible_group_when_the_only_partner_is_taken():
    # 1 and 3 may only meet 2, and may not be together: one pair, and one left out.
    agents = agents_of((1, "A", "s"), (2, "B", "t"), (3, "C", "u"))
    pairing = coffee_pair(agents=agents, exclusions=[(1, 3)], seed=0)
    assert len(pairing.groups) == 1 and 2 in pairing.groups[0]
    (left,) = pairing.unplaced
    assert left.reason == UnplacedReason.NO_COMPATIBLE_GROUP and left.agent in (1, 3)


def test_a_sparse_compatibility_graph_still_places_everyone():
    # Only the chain 0-1-2-3-4-5 may meet: the engine must find 0-1, 2-3, 4-5.
    agents = agents_of(*((i, f"D{i % 2}", "s") for i in range(6)))
    chain = {frozenset((i, i + 1)) for i in range(5)}
    exclusions = [(x, y) for x, y in combinations(range(6), 2) if frozenset((x, y)) not in chain]
    for seed in range(5):
        pairing = coffee_pair(agents=agents, exclusions=exclusions, seed=seed)
        assert {frozenset(g) for g in pairing.groups} == {
            frozenset((0, 1)),
            frozenset((2, 3)),
            frozenset((4, 5)),
        }


def test_an_odd_count_makes_exactly_one_trio_of_compatible_agents():
    agents = organisation(31, seed=5)
    history = past_rounds(agents, 4, seed=5)
    pairing = coffee_pair(agents=agents, history=history, seed=9)
    assert sorted(len(g) for g in pairing.groups) == [2] * 14 + [3]
    assert not pairing.unplaced
    forbidden = forbidden_of(history, [])
    for group in pairing.groups:
        assert not any(frozenset(p) in forbidden for p in combinations(group, 2))


def test_same_seed_same_groups_whatever_the_input_order():
    agents = organisation(60, seed=7)
    history = past_rounds(agents, 3, seed=7)
    first = coffee_pair(agents=agents, history=history, seed=42)
    shuffled = agents[:]
    random.Random(1).shuffle(shuffled)
    again = coffee_pair(agents=shuffled, history=history[::-1], seed=42)
    assert again == first
    others = {coffee_pair(agents=agents, history=history, seed=s).groups for s in range(1, 6)}
    assert len(others) > 1  # the seed does change the groups


def test_results_come_sorted_and_scored():
    agents = agents_of((3, "A", "x"), (1, "B", "y"), (2, "A", "y"), (4, "B", "x"))
    pairing = coffee_pair(agents=agents, seed=0)
    assert [g[0] for g in pairing.groups] == sorted(g[0] for g in pairing.groups)
    assert all(list(g) == sorted(g) for g in pairing.groups)
    by_id = {a.id: a for a in agents}
    assert pairing.group_scores == tuple(group_score([by_id[x] for x in g]) for g in pairing.groups)
    assert pairing.score == sum(pairing.group_scores)


def test_ids_may_be_ints_or_strings_and_paths_may_be_empty():
    agents = agents_of((1, "", "x"), ("b", "A", "x"), (2, "A/B", "y"), ("a", "", "y"))
    pairing = coffee_pair(agents=agents, seed=0)
    assert sorted(map(str, placed(pairing))) == ["1", "2", "a", "b"]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate agent id 'x'"):
        coffee_pair(agents=agents_of(("x", "A", "s"), ("x", "B", "t")))


def exact_optimum(agents: list[Agent], forbidden: set[frozenset]) -> int:
    graph = nx.Graph()
    for a, b in combinations(agents, 2):
        if frozenset((a.id, b.id)) not in forbidden:
            graph.add_edge(a.id, b.id, weight=pair_score(a, b))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    assert 2 * len(matching) == len(agents)
    return sum(graph[x][y]["weight"] for x, y in matching)


@pytest.mark.parametrize("concentrated", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_score_is_within_one_percent_of_the_exact_optimum(seed, concentrated):
    agents = organisation(120, seed=seed, concentrated=concentrated)
    history = past_rounds(agents, 6, seed=seed)
    exclusions = [(agents[i].id, agents[(i * 7) % 120].id) for i in range(1, 120, 9)]
    forbidden = forbidden_of(history, exclusions)
    pairing = coffee_pair(agents=agents, history=history, exclusions=exclusions, seed=seed)
    assert len(placed(pairing)) == 120
    for group in pairing.groups:
        assert frozenset(group) not in forbidden
    assert pairing.score >= 0.99 * exact_optimum(agents, forbidden)


def test_ten_thousand_agents_all_placed_none_forbidden():
    agents = organisation(10_001, seed=11, concentrated=True)
    history = past_rounds(agents, 2, seed=11)
    pairing = coffee_pair(agents=agents, history=history, seed=1)
    assert len(placed(pairing)) == len(set(placed(pairing))) == 10_001
    forbidden = forbidden_of(history, [])
    assert not any(
        frozenset(p) in forbidden for group in pairing.groups for p in combinations(group, 2)
    )


def test_without_the_prefix_table_the_groups_are_the_same(monkeypatch):
    # Beyond PREFIX_TABLE_LIMIT distinct paths, common prefixes are compared level by level.
    from riposte.coffee import engine_arrays

    agents = organisation(300, seed=4, concentrated=True)
    history = past_rounds(agents, 3, seed=4)
    with_table = coffee_pair(agents=agents, history=history, seed=5)
    monkeypatch.setattr(engine_arrays, "PREFIX_TABLE_LIMIT", 0)
    assert coffee_pair(agents=agents, history=history, seed=5) == with_table


def test_agents_who_may_meet_few_others_are_placed_at_scale():
    # 12 agents accept only agents 0 and 1: two of them are placed, and everyone else.
    agents = organisation(3001, seed=8)
    ids = [a.id for a in agents]
    picky = ids[2:14]
    exclusions = [(p, q) for p in picky for q in ids[2:] if q != p]
    pairing = coffee_pair(agents=agents, exclusions=exclusions, seed=2)
    assert len(placed(pairing)) == 3001 - 10
    assert {u.agent for u in pairing.unplaced} < set(picky)
    assert all(u.reason == UnplacedReason.NO_COMPATIBLE_GROUP for u in pairing.unplaced)
