"""Properties of the pairing engine, on instances hypothesis makes up (and shrinks on failure):
nobody twice in a round, no forbidden pair, everyone placed or reported (and reported only when
no larger placement exists), a trio only when the number placed is odd, and at most one, the
same groups for the same seed."""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riposte.coffee.engine import (
    Agent,
    Meeting,
    UnplacedReason,
    coffee_pair,
    group_score,
    recent_pairs,
)

PATHS = ["", "A", "A/B", "A/B/C", "A/B/D", "A/E", "F", "F/G", "F/G/H", "I/J"]


@st.composite
def instances(draw, max_agents=36):
    n = draw(st.integers(min_value=0, max_value=max_agents))
    agents = [
        Agent(i, draw(st.sampled_from(PATHS)), draw(st.sampled_from("xyz"))) for i in range(n)
    ]
    pair = st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0)))
    # Up to ~n^2/2 meetings and exclusions: from none to nearly everyone forbidden.
    limit = max(1, n * n // 2)
    history = [
        Meeting(a, b, r)
        for (a, b), r in draw(st.lists(st.tuples(pair, st.integers(1, 12)), max_size=limit))
        if a != b
    ]
    exclusions = draw(st.lists(pair, max_size=draw(st.sampled_from([0, n, limit]))))
    cooldown = draw(st.integers(0, 8))
    seed = draw(st.integers(0, 2**32 - 1))
    return agents, history, exclusions, cooldown, seed


def forbidden_of(history, exclusions, cooldown) -> set[frozenset]:
    pairs = recent_pairs(history, cooldown=cooldown) | {frozenset(e) for e in exclusions}
    return {p for p in pairs if len(p) == 2}


def allowed_graph(agents, forbidden) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(a.id for a in agents)
    graph.add_edges_from(
        (a.id, b.id) for a, b in combinations(agents, 2) if frozenset((a.id, b.id)) not in forbidden
    )
    return graph


def max_cardinality(agents, forbidden) -> int:
    graph = allowed_graph(agents, forbidden)
    return len(nx.max_weight_matching(graph, maxcardinality=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_engine_properties(instance):
    agents, history, exclusions, cooldown, seed = instance
    pairing = coffee_pair(
        agents=agents, history=history, exclusions=exclusions, cooldown=cooldown, seed=seed
    )
    forbidden = forbidden_of(history, exclusions, cooldown)
    members = [m for group in pairing.groups for m in group]
    unplaced = {u.agent: u.reason for u in pairing.unplaced}

    # Nobody twice; everyone placed or reported, not both.
    assert len(members) == len(set(members))
    assert set(members).isdisjoint(unplaced)
    assert set(members) | set(unplaced) == {a.id for a in agents}

    # Pairs, and one trio exactly when the number placed is odd.
    sizes = [len(g) for g in pairing.groups]
    assert set(sizes) <= {2, 3}
    assert sizes.count(3) == len(members) % 2

    # No forbidden pair, even inside the trio.
    for group in pairing.groups:
        for pair in combinations(group, 2):
            assert frozenset(pair) not in forbidden

    # Reported only when no group could take them: a "no partner" agent has none at all,
    # two unplaced agents may not meet, and no larger placement exists.
    for agent_id, reason in unplaced.items():
        if reason == UnplacedReason.NO_ALLOWED_PARTNER:
            assert all(frozenset((agent_id, a.id)) in forbidden for a in agents if a.id != agent_id)
    for x, y in combinations(unplaced, 2):
        assert frozenset((x, y)) in forbidden
    assert len(members) >= 2 * max_cardinality(agents, forbidden)

    # Scores as the objective says.
    by_id = {a.id: a for a in agents}
    assert pairing.group_scores == tuple(group_score([by_id[m] for m in g]) for g in pairing.groups)

    # Deterministic for a seed, whatever the order of the input.
    shuffled = agents[:]
    random.Random(seed).shuffle(shuffled)
    again = coffee_pair(
        agents=shuffled,
        history=history[::-1],
        exclusions=exclusions,
        cooldown=cooldown,
        seed=seed,
    )
    assert again == pairing


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_agents=11))
def test_nobody_is_left_out_who_could_be_placed(instance):
    """The most agents any pairs-plus-one-trio can place, by brute force over the trios."""
    agents, history, exclusions, cooldown, seed = instance
    pairing = coffee_pair(
        agents=agents, history=history, exclusions=exclusions, cooldown=cooldown, seed=seed
    )
    graph = allowed_graph(agents, forbidden_of(history, exclusions, cooldown))
    best = 2 * len(nx.max_weight_matching(graph, maxcardinality=True))
    for trio in combinations(graph, 3):
        if all(graph.has_edge(x, y) for x, y in combinations(trio, 2)):
            rest = graph.subgraph(set(graph) - set(trio))
            best = max(best, 3 + 2 * len(nx.max_weight_matching(rest, maxcardinality=True)))
    assert sum(len(g) for g in pairing.groups) == best
