"""The members' wishes over the engine's groups (riposte.coffee.preferences): trios only of those
who asked for three, swaps for "other sites" / "other services" that break no rule, the counts
of the report, and properties on instances hypothesis makes up."""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riposte.coffee.engine import Agent, Meeting, Pairing, coffee_pair, group_score
from riposte.coffee.preferences import (
    Counts,
    Meet,
    Wish,
    forbidden_pairs,
    preferences_apply,
)

THREE = Wish(size=3)
SITES = Wish(meet=Meet.OTHER_SITES)
SERVICES = Wish(meet=Meet.OTHER_SERVICES)


def agents_of(*rows: tuple[int, str, str]) -> list[Agent]:
    return [Agent(agent_id, path, site) for agent_id, path, site in rows]


def pairing_of(agents: list[Agent], *groups: tuple[int, ...]) -> Pairing:
    """Groups as if the engine had made them (the tests choose them)."""
    by_id = {a.id: a for a in agents}
    return Pairing(
        groups=tuple(groups),
        group_scores=tuple(group_score([by_id[x] for x in g]) for g in groups),
        unplaced=(),
    )


def apply(agents, pairing, wishes, forbidden=(), seed=0):
    return preferences_apply(
        pairing=pairing,
        agents=agents,
        wishes=wishes,
        forbidden={frozenset(p) for p in forbidden},
        seed=seed,
    )


def as_sets(grouping) -> set[frozenset[int]]:
    return {frozenset(g) for g in grouping.groups}


def far_apart(n: int) -> list[Agent]:
    """n agents in n different directions, on two sites: every pair allowed and scoring."""
    return agents_of(*((i, f"D{i}/S{i}", "xy"[i % 2]) for i in range(1, n + 1)))


# --- step 1: group size ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "trios", "left"),
    [(1, 0, 1), (2, 0, 2), (3, 2, 0), (4, 2, 1), (5, 2, 2), (6, 4, 0), (7, 4, 1)],
)
def test_pairs_who_all_asked_for_three_become_trios(pairs, trios, left):
    agents = far_apart(2 * pairs)
    pairing = pairing_of(agents, *((2 * i + 1, 2 * i + 2) for i in range(pairs)))

    grouping = apply(agents, pairing, dict.fromkeys(range(1, 2 * pairs + 1), THREE))

    sizes = Counter(len(g) for g in grouping.groups)
    assert (sizes[3], sizes[2]) == (trios, left)
    assert grouping.trios_made == trios
    assert grouping.counts.asked_three == 2 * pairs
    assert grouping.counts.got_three == 3 * trios
    assert sorted(x for g in grouping.groups for x in g) == list(range(1, 2 * pairs + 1))


def test_the_pair_that_scores_least_is_the_one_shared_out():
    agents = agents_of(
        (1, "A", "s"), (2, "A", "s"),  # 0: the one to dissolve
        (3, "B/C", "s"), (4, "D/E", "t"),
        (5, "F/G", "s"), (6, "H/I", "t"),
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4), (5, 6))

    grouping = apply(agents, pairing, dict.fromkeys(range(1, 7), THREE))

    trios = as_sets(grouping)
    assert len(trios) == 2 and all(len(t) == 3 for t in trios)
    assert {frozenset({3, 4}), frozenset({5, 6})} == {t - {1, 2} for t in trios}
    by_id = {a.id: a for a in agents}
    assert grouping.score == sum(group_score([by_id[x] for x in t]) for t in trios)
    assert grouping.score > pairing.score  # a trio counts three pairs


def test_a_member_who_fits_nowhere_leaves_the_pairs_as_they_are():
    agents = far_apart(6)
    pairing = pairing_of(agents, (1, 2), (3, 4), (5, 6))
    # 1 met 3, 4, 5 and 6 within the cooldown: 1 fits in no other pair, and no other pair can
    # be shared out, since one of its two would have to join 1.
    forbidden = [(1, 3), (1, 4), (1, 5), (1, 6)]

    grouping = apply(agents, pairing, dict.fromkeys(range(1, 7), THREE), forbidden)

    assert as_sets(grouping) == as_sets(pairing)
    assert grouping.trios_made == 0
    assert grouping.counts == Counts(asked_three=6, got_three=0)


def test_a_pair_that_cannot_be_shared_out_stays_and_may_still_take_someone_in():
    agents = agents_of(
        (1, "A/B", "s"), (2, "C/D", "t"),  # 5: shared out last
        (3, "E", "s"), (4, "E", "s"),  # 0: tried first, but 3 and 4 may not join 1
        (5, "F", "s"), (6, "G", "s"),  # 2: tried next, but 5 and 6 may not join 2
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4), (5, 6))
    forbidden = [(1, 3), (1, 4), (2, 5), (2, 6)]

    grouping = apply(agents, pairing, dict.fromkeys(range(1, 7), THREE), forbidden)

    assert as_sets(grouping) == {frozenset({3, 4, 2}), frozenset({5, 6, 1})}
    assert grouping.trios_made == 2


def test_who_asked_for_three_is_paired_again_with_another_who_did():
    """(1, 2), (3, 4), ... each of one who asked for three and one who did not: re-paired two by
    two, the askers make three pairs, then two trios; the others stay in pairs."""
    agents = far_apart(12)
    pairing = pairing_of(agents, *((i, i + 1) for i in range(1, 12, 2)))
    wishes = {i: THREE for i in range(1, 12, 2)}

    grouping = apply(agents, pairing, wishes)

    assert grouping.askers_paired == 3
    assert (grouping.counts.asked_three, grouping.counts.got_three) == (6, 6)
    trios = [set(g) for g in grouping.groups if len(g) == 3]
    assert len(trios) == 2 and set().union(*trios) == {1, 3, 5, 7, 9, 11}
    assert {frozenset(g) for g in grouping.groups if len(g) == 2} <= {
        frozenset(p) for p in combinations(range(2, 13, 2), 2)
    }


def test_an_asker_is_not_paired_again_into_a_forbidden_pair():
    agents = far_apart(4)
    pairing = pairing_of(agents, (1, 2), (3, 4))
    wishes = {1: THREE, 3: THREE}

    assert apply(agents, pairing, wishes, forbidden=[(1, 3)]).askers_paired == 0
    assert apply(agents, pairing, wishes, forbidden=[(2, 4)]).askers_paired == 0
    assert as_sets(apply(agents, pairing, wishes)) == {frozenset({1, 3}), frozenset({2, 4})}


def test_the_engines_trio_when_the_count_is_odd_stays_whatever_its_members_asked():
    agents = far_apart(7)
    pairing = pairing_of(agents, (1, 2, 3), (4, 5), (6, 7))

    grouping = apply(agents, pairing, {1: THREE})

    assert as_sets(grouping) == as_sets(pairing)
    assert grouping.group_scores == pairing.group_scores
    assert (grouping.counts.asked_three, grouping.counts.got_three) == (1, 1)


# --- step 2: whom to meet --------------------------------------------------------------------


def test_other_sites_swaps_for_the_partner_that_costs_least():
    agents = agents_of(
        (1, "A", "s"), (2, "A", "s"),  # 1 wants another site
        (3, "B", "t"), (4, "B", "t"),  # 1 with 3 or 4: +3 +3 on 0
        (5, "C/D/E", "t"), (6, "C/D/E", "t"),  # 1 with 5 or 6: +5 +5 on 0, the best
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4), (5, 6))

    grouping = apply(agents, pairing, {1: SITES})

    groups = as_sets(grouping)
    assert frozenset({3, 4}) in groups
    assert {frozenset({1, 5}), frozenset({2, 6})} == groups - {frozenset({3, 4})} or {
        frozenset({1, 6}),
        frozenset({2, 5}),
    } == groups - {frozenset({3, 4})}
    assert grouping.score == 10 and grouping.swaps == 1
    assert (grouping.counts.sites_met, grouping.counts.sites_unmet) == (1, 0)


def test_other_services_means_another_full_service_path():
    agents = agents_of(
        (1, "A/B", "s"), (2, "A/B", "t"),  # the same service: 1's wish not met
        (3, "A/B/C", "s"), (4, "A", "t"),  # a unit below, a direction above: other services
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4))

    grouping = apply(agents, pairing, {1: SERVICES, 3: SERVICES, 4: SERVICES})

    for group in grouping.groups:
        paths = [next(a.service_path for a in agents if a.id == x) for x in group]
        assert len(set(paths)) == len(paths)
    assert grouping.counts.services_met == 3 and grouping.counts.services_unmet == 0


def test_an_unknown_site_or_service_is_nobodys():
    agents = agents_of((1, "", ""), (2, "", ""))
    pairing = pairing_of(agents, (1, 2))

    grouping = apply(agents, pairing, {1: SITES, 2: SERVICES})

    assert as_sets(grouping) == as_sets(pairing)
    assert grouping.counts == Counts(sites_met=1, services_met=1)


def test_a_swap_never_takes_a_met_preference_away():
    agents = agents_of(
        (1, "A", "s"), (2, "B", "s"),  # 1 wants another site: only 3 works on t
        (3, "C", "t"), (4, "D", "s"),  # 4 wants another site too, and has 3
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4))

    grouping = apply(agents, pairing, {1: SITES, 4: SITES})

    assert as_sets(grouping) == as_sets(pairing)
    assert grouping.swaps == 0
    assert (grouping.counts.sites_met, grouping.counts.sites_unmet) == (1, 1)


def test_a_swap_never_makes_a_forbidden_pair():
    agents = agents_of((1, "A", "s"), (2, "B", "s"), (3, "C", "t"), (4, "D", "t"))
    pairing = pairing_of(agents, (1, 2), (3, 4))

    grouping = apply(agents, pairing, {1: SITES}, forbidden=[(3, 1), (1, 4)])

    assert as_sets(grouping) == as_sets(pairing)
    assert grouping.counts.sites_unmet == 1


@pytest.mark.parametrize("size", [2, 3])
def test_a_trio_of_those_who_asked_for_three_is_not_broken_for_another_site(size):
    agents = agents_of(
        *((i, f"D{i}", "t") for i in range(1, 7)),  # six who asked for three, on site t
        (7, "X", "s"), (8, "Y", "s"),  # 7 wants another site: only a swap with a trio would do
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4), (5, 6), (7, 8))
    # Asking for two, 7 may not enter a trio; asking for three, 7 would send a member of the
    # trio to a pair with 8, and that member asked for three too.
    seven = Wish(size=size, meet=Meet.OTHER_SITES)

    grouping = apply(agents, pairing, {**dict.fromkeys(range(1, 7), THREE), 7: seven})

    assert frozenset({7, 8}) in as_sets(grouping)
    assert grouping.counts == Counts(asked_three=6 + (size == 3), got_three=6, sites_unmet=1)


def test_the_engines_trio_swaps_nobody_who_asked_for_two_into_another_trio():
    agents = agents_of(
        *((i, f"D{i}", "t") for i in range(1, 7)),  # six who asked for three, on site t
        (7, "X", "s"), (8, "Y", "s"), (9, "Z", "t"),  # the engine's trio; 7 wants another site
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4), (5, 6), (7, 8, 9))

    grouping = apply(agents, pairing, {**dict.fromkeys(range(1, 7), THREE), 7: SITES})

    assert frozenset({7, 8, 9}) in as_sets(grouping)
    assert grouping.counts == Counts(asked_three=6, got_three=6, sites_unmet=1)


def test_the_engines_trio_may_take_in_anyone_for_a_preference():
    agents = agents_of(
        (1, "A", "s"), (2, "B", "s"),  # 1 wants another site
        (3, "C", "t"), (4, "D", "s"), (5, "E", "s"),  # the engine's trio, nobody asked for three
    )  # fmt: skip
    pairing = pairing_of(agents, (1, 2), (3, 4, 5))

    grouping = apply(agents, pairing, {1: SITES})

    assert sorted(map(len, grouping.groups)) == [2, 3]
    assert grouping.counts == Counts(sites_met=1)


def test_surprise_changes_nothing():
    agents = far_apart(9)
    pairing = pairing_of(agents, (1, 2), (3, 4, 5), (6, 7), (8, 9))

    grouping = apply(agents, pairing, {})

    assert grouping.groups == pairing.groups and grouping.group_scores == pairing.group_scores
    assert grouping.counts == Counts() and grouping.swaps == grouping.trios_made == 0


def test_forbidden_pairs_are_the_engines():
    history = [Meeting(1, 2, 1), Meeting(3, 4, 5), Meeting(5, 5, 6)]

    forbidden = forbidden_pairs(history=history, exclusions=[(6, 7), (8, 8)], cooldown=2)

    assert forbidden == {frozenset({3, 4}), frozenset({6, 7})}  # round 1 is out of the cooldown
    assert forbidden_pairs(history=history, exclusions=[], cooldown=0) == set()


# --- properties ------------------------------------------------------------------------------

PATHS = ["", "A", "A/B", "A/B/C", "A/E", "F", "F/G", "I/J"]


@st.composite
def instances(draw, max_agents=30):
    n = draw(st.integers(min_value=0, max_value=max_agents))
    agents = [
        Agent(i, draw(st.sampled_from(PATHS)), draw(st.sampled_from(["", "x", "y", "z"])))
        for i in range(n)
    ]
    wishes = {
        i: Wish(draw(st.sampled_from([2, 3])), draw(st.sampled_from(list(Meet)))) for i in range(n)
    }
    pair = st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0)))
    history = [
        Meeting(a, b, r)
        for (a, b), r in draw(st.lists(st.tuples(pair, st.integers(1, 8)), max_size=n * 2))
        if a != b
    ]
    exclusions = draw(st.lists(pair, max_size=n))
    return agents, wishes, history, exclusions, draw(st.integers(0, 2**32 - 1))


def met(agent: Agent, wish: Wish, group: list[Agent]) -> bool:
    if wish.meet == Meet.OTHER_SITES:
        return not agent.site or all(o.site != agent.site for o in group if o is not agent)
    if wish.meet == Meet.OTHER_SERVICES:
        return not agent.service_path or all(
            o.service_path != agent.service_path for o in group if o is not agent
        )
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.booleans())
def test_properties(instance, sizes_of_two):
    agents, wishes, history, exclusions, seed = instance
    if sizes_of_two:  # nobody asked for three: step 2 alone
        wishes = {x: Wish(2, w.meet) for x, w in wishes.items()}
    pairing = coffee_pair(agents=agents, history=history, exclusions=exclusions, seed=seed)
    forbidden = forbidden_pairs(history=history, exclusions=exclusions)
    grouping = preferences_apply(
        pairing=pairing, agents=agents, wishes=wishes, forbidden=forbidden, seed=seed
    )
    by_id = {a.id: a for a in agents}
    members = [x for g in grouping.groups for x in g]

    # Nobody twice, nobody lost, the unplaced as the engine left them.
    assert len(members) == len(set(members))
    assert sorted(members) == sorted(x for g in pairing.groups for x in g)
    assert grouping.unplaced == pairing.unplaced

    # No forbidden pair (the engine made none, this pass creates none).
    for group in grouping.groups:
        for p in combinations(group, 2):
            assert frozenset(p) not in forbidden

    # Pairs and trios; a trio only of members who asked for three, besides the engine's one.
    assert {len(g) for g in grouping.groups} <= {2, 3}
    mixed = [g for g in grouping.groups if len(g) == 3 and any(wishes[x].size != 3 for x in g)]
    assert len(mixed) <= sum(len(g) == 3 for g in pairing.groups)

    # The engine's pairs of two who asked for three (k), and those of one who did (m): re-paired
    # two by two, these give m // 2 more pairs of askers; k' pairs of askers make 2 * (k' // 3)
    # trios when nothing forbids.
    k = sum(len(g) == 2 and all(wishes[x].size == 3 for x in g) for g in pairing.groups)
    m = sum(len(g) == 2 and sum(wishes[x].size == 3 for x in g) == 1 for g in pairing.groups)
    assert grouping.askers_paired <= m // 2
    trios = sum(len(g) == 3 for g in grouping.groups)
    engine_trios = sum(len(g) == 3 for g in pairing.groups)
    assert trios <= engine_trios + 2 * ((k + grouping.askers_paired) // 3)
    if not forbidden:
        assert grouping.askers_paired == m // 2
        assert trios == engine_trios + 2 * ((k + m // 2) // 3)
    assert grouping.trios_made == trios - engine_trios

    # Scores as the objective says.
    assert grouping.group_scores == tuple(
        group_score([by_id[x] for x in g]) for g in grouping.groups
    )

    # Without step 1, a preference met in the engine's groups stays met.
    after = {x: [by_id[y] for y in g] for g in grouping.groups for x in g}
    if sizes_of_two:
        before = {x: [by_id[y] for y in g] for g in pairing.groups for x in g}
        for x in members:
            if met(by_id[x], wishes[x], before[x]):
                assert met(by_id[x], wishes[x], after[x])

    # The counts, recomputed.
    tally: Counter[str] = Counter()
    for x in members:
        if wishes[x].size == 3:
            tally["asked_three"] += 1
            tally["got_three"] += len(after[x]) == 3
        if wishes[x].meet != Meet.SURPRISE:
            tally[
                f"{wishes[x].meet}_{'met' if met(by_id[x], wishes[x], after[x]) else 'unmet'}"
            ] += 1
    assert grouping.counts == Counts(**tally)

    # Deterministic for a seed, whatever the order of the agents.
    shuffled = agents[:]
    random.Random(seed).shuffle(shuffled)
    again = preferences_apply(
        pairing=pairing,
        agents=shuffled,
        wishes=dict(reversed(wishes.items())),
        forbidden=set(forbidden),
        seed=seed,
    )
    assert again == grouping
