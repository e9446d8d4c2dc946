"""Rounds from the database: who is due, the engine's input, idempotence, slots, exclusions,
and the members' wishes (group size, whom to meet) with their counts in the report."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import pytest

from riposte.coffee.models import Group, GroupMember, Membership, Preference, Round
from riposte.coffee.preferences import Meet
from riposte.coffee.rounds import engine_input, members_due, round_for, service_paths
from riposte.coffee.services import exclusion_add, round_run
from tests.coffee.round_builders import MONDAY, member, membership, org, site

pytestmark = pytest.mark.django_db
RUN_AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # 9:00 in Paris, before the first slot


def groups_of(round_: Round) -> list[set[int]]:
    by_group: dict[int, set[int]] = {}
    for group_id, agent_id in GroupMember.objects.filter(round=round_).values_list(
        "group_id", "agent_id"
    ):
        by_group.setdefault(group_id, set()).add(agent_id)
    return list(by_group.values())


def test_service_paths_walk_up_to_the_direction():
    services = org()
    paths = service_paths()
    assert paths[services["A1U"].pk] == "DA/A1/A1U"
    assert paths[services["B1"].pk] == "DB/B1"
    assert paths[services["A"].pk] == "DA"


def test_a_round_pairs_everyone_due_and_a_trio_when_odd():
    services = org()
    people = [member(f"p{i}@example.org", services["A1U" if i % 2 else "B1"]) for i in range(5)]
    outcome = round_run(day=MONDAY, now=RUN_AT)
    assert outcome.ran
    groups = groups_of(outcome.round)
    assert sorted(len(g) for g in groups) == [2, 3]
    assert set().union(*groups) == {p.pk for p in people}
    report = outcome.round.report
    assert report["due"] == 5 and report["placed"] == 5 and report["unplaced"] == []
    assert report["groups"] == 2 and report["trios"] == 1


def test_a_round_run_twice_changes_nothing():
    services = org()
    for i in range(4):
        member(f"p{i}@example.org", services["A1U" if i % 2 else "B1"])
    first = round_run(day=MONDAY, now=RUN_AT)
    before = list(GroupMember.objects.order_by("pk").values_list("group_id", "agent_id"))
    report = first.round.report
    second = round_run(day=MONDAY, now=RUN_AT + dt.timedelta(hours=1))
    assert not second.ran and second.groups == []
    assert list(GroupMember.objects.order_by("pk").values_list("group_id", "agent_id")) == before
    assert Round.objects.count() == 1
    second.round.refresh_from_db()
    assert second.round.report == report
    assert second.round.ran_at == first.round.ran_at


def test_rounds_are_numbered_in_order_and_made_once():
    first = round_for(MONDAY)
    assert round_for(MONDAY) == first
    second = round_for(MONDAY + dt.timedelta(weeks=1))
    assert (first.number, second.number) == (1, 2)


def test_people_who_met_recently_are_not_paired_again():
    services = org()
    a, b, c, d = (member(f"{x}@example.org", services["A1U"]) for x in "abcd")
    met: set[frozenset[int]] = set()
    for week in range(3):  # four people: three rounds make the three different pairings
        outcome = round_run(day=MONDAY + dt.timedelta(weeks=week), now=RUN_AT)
        pairs = {frozenset(g) for g in groups_of(outcome.round)}
        assert not (pairs & met), f"round {week + 1} repeated a pair"
        met |= pairs
    assert len(met) == 6  # every pair of the four, once
    assert {a.pk, b.pk, c.pk, d.pk} == set().union(*met)


def test_the_engine_gets_the_cooldowns_pairs_and_exclusions_both_ways(settings):
    settings.COFFEE_COOLDOWN_ROUNDS = 2
    services = org()
    a, _b, _c, d = (member(f"{x}@example.org", services["A1U"]) for x in "abcd")
    exclusion_add(membership=membership(d), excluded=a)
    for week in range(3):
        round_run(day=MONDAY + dt.timedelta(weeks=week), now=RUN_AT)
    fourth = round_for(MONDAY + dt.timedelta(weeks=3))
    data = engine_input(fourth, members_due(fourth))
    assert data.latest_round == 3 and data.cooldown == 2
    assert {m.round for m in data.history} == {2, 3}  # round 1 is out of the cooldown
    assert (d.pk, a.pk) in data.exclusions
    assert {agent.service_path for agent in data.agents} == {"DA/A1/A1U"}


def test_an_agent_who_excluded_everyone_is_reported_unplaced():
    services = org()
    loner = member("loner@example.org", services["A1U"])
    others = [member(f"o{i}@example.org", services["B1"]) for i in range(4)]
    for other in others:
        exclusion_add(membership=membership(loner), excluded=other)
    outcome = round_run(day=MONDAY, now=RUN_AT)
    report = outcome.round.report
    assert report["unplaced"] == [{"agent": loner.pk, "reason": "no_allowed_partner"}]
    assert report["placed"] == 4
    assert not GroupMember.objects.filter(agent=loner).exists()
    for group in groups_of(outcome.round):
        assert loner.pk not in group


def test_nobody_is_paired_with_someone_they_excluded_or_who_excluded_them():
    services = org()
    people = [member(f"p{i}@example.org", services["A1U" if i < 3 else "B1"]) for i in range(6)]
    # Everyone of B1 excluded by the first of A1U, and the first of B1 excludes the second.
    for other in people[3:]:
        exclusion_add(membership=membership(people[0]), excluded=other)
    exclusion_add(membership=membership(people[3]), excluded=people[1])
    outcome = round_run(day=MONDAY, now=RUN_AT)
    forbidden = {frozenset((people[0].pk, o.pk)) for o in people[3:]} | {
        frozenset((people[3].pk, people[1].pk))
    }
    for group in groups_of(outcome.round):
        for pair in combinations(group, 2):
            assert frozenset(pair) not in forbidden


def test_a_pause_that_ends_on_or_after_the_rounds_date_skips_it():
    services = org()
    member("a@example.org", services["A1U"])
    member("b@example.org", services["B1"])
    on_the_day = member("c@example.org", services["B1"], paused_until=MONDAY)
    # Paused until Wednesday: the pause ends mid-round (in the round's week) -> not due.
    mid_week = member("d@example.org", services["B1"], paused_until=MONDAY + dt.timedelta(days=2))
    ended = member("e@example.org", services["A1U"], paused_until=MONDAY - dt.timedelta(days=1))
    due = {m.agent_id for m in members_due(round_for(MONDAY))}
    assert on_the_day.pk not in due and mid_week.pk not in due
    assert ended.pk in due and len(due) == 3


def test_a_fortnightly_member_sits_out_the_round_after_a_coffee():
    services = org()
    fortnightly = member("f@example.org", services["A1U"], frequency="fortnightly")
    for x in "abc":
        member(f"{x}@example.org", services["B1"])
    round_run(day=MONDAY, now=RUN_AT)
    assert GroupMember.objects.filter(agent=fortnightly).count() == 1
    second = round_for(MONDAY + dt.timedelta(weeks=1))
    assert fortnightly.pk not in {m.agent_id for m in members_due(second)}
    third = round_for(MONDAY + dt.timedelta(weeks=2))
    assert fortnightly.pk in {m.agent_id for m in members_due(third)}


def test_an_inactive_agent_is_not_due():
    services = org()
    gone = member("gone@example.org", services["A1U"])
    member("b@example.org", services["B1"])
    gone.is_active = False
    gone.save()
    assert [m.agent.email for m in members_due(round_for(MONDAY))] == ["b@example.org"]


def test_a_group_gets_the_first_common_half_day_of_the_week():
    services = org()
    member("a@example.org", services["A1U"], availability=["tue-pm", "thu-am"])
    member("b@example.org", services["B1"], availability=["mon-am", "thu-am", "tue-pm"])
    outcome = round_run(day=MONDAY, now=RUN_AT)
    (group,) = outcome.groups
    local = group.slot_start.astimezone(dt.timezone(dt.timedelta(hours=1)))  # Paris in March
    assert (local.date(), local.hour, local.minute) == (MONDAY + dt.timedelta(days=1), 14, 0)
    assert group.slot_end - group.slot_start == dt.timedelta(minutes=30)


def test_no_common_half_day_means_no_slot():
    services = org()
    member("a@example.org", services["A1U"], availability=["mon-am"])
    member("b@example.org", services["B1"], availability=["fri-pm"])
    outcome = round_run(day=MONDAY, now=RUN_AT)
    (group,) = outcome.groups
    assert group.slot_start is None and group.slot_end is None
    assert outcome.round.report["without_slot"] == 1


def test_the_same_seed_makes_the_same_groups():
    services = org()
    for i in range(8):
        member(f"p{i}@example.org", services[("A1U", "B1", "A1")[i % 3]])
    first = groups_of(round_run(day=MONDAY, now=RUN_AT).round)
    GroupMember.objects.all().delete()
    Group.objects.all().delete()
    Round.objects.update(ran_at=None, report={})
    again = groups_of(round_run(round_=Round.objects.get(), now=RUN_AT).round)
    assert sorted(map(sorted, first)) == sorted(map(sorted, again))


# --- the members' wishes (riposte.coffee.preferences) -----------------------------------------


def wants(agent, *, group_size: int = 2, preference: str = "surprise") -> None:
    Membership.objects.filter(agent=agent).update(group_size=group_size, preference=preference)


def test_the_wishes_are_the_memberships_choices():
    assert set(Meet) == set(Preference.values)
    assert {value for value, _label in Membership._meta.get_field("group_size").choices} == {2, 3}


def test_members_who_asked_for_three_get_trios():
    services = org()
    codes = ["A", "B", "A1", "B1", "A1U", "A"]
    people = [member(f"p{i}@example.org", services[code]) for i, code in enumerate(codes)]
    for person in people:
        wants(person, group_size=3)

    outcome = round_run(day=MONDAY, now=RUN_AT)

    assert sorted(map(len, groups_of(outcome.round))) == [3, 3]
    report = outcome.round.report
    assert report["groups"] == 2 and report["trios"] == 2 and report["placed"] == 6
    assert (report["asked_three"], report["got_three"]) == (6, 6)
    assert report["score"] == sum(g.score for g in outcome.groups)


def test_who_asked_for_three_among_those_who_asked_for_two_gets_a_pair():
    services = org()
    people = [member(f"p{i}@example.org", services["A1U" if i % 2 else "B1"]) for i in range(4)]
    wants(people[0], group_size=3)

    outcome = round_run(day=MONDAY, now=RUN_AT)

    assert sorted(map(len, groups_of(outcome.round))) == [2, 2]
    assert (outcome.round.report["asked_three"], outcome.round.report["got_three"]) == (1, 0)


def test_other_services_is_honoured_at_a_cost_in_score():
    services = org()
    s1, s2 = site("Bobigny"), site("Saint-Denis")
    # The engine's best (7) pairs B1 with an A1U agent of the other site, and the A1U agent on
    # site 2 with one on site 1: same service. Asking for other services, they get B1 (5).
    asking = member("m@example.org", services["A1U"], site=s2)
    member("p@example.org", services["A1U"], site=s1)
    member("q@example.org", services["A1U"], site=s1)
    b1 = member("b@example.org", services["B1"], site=s2)
    wants(asking, preference="services")

    outcome = round_run(day=MONDAY, now=RUN_AT)

    assert {asking.pk, b1.pk} in groups_of(outcome.round)
    report = outcome.round.report
    assert report["preferences"]["services"] == {"met": 1, "unmet": 0}
    assert report["preferences"]["sites"] == {"met": 0, "unmet": 0}
    assert (report["engine_score"], report["score"]) == (7, 5)


def test_an_unmet_preference_is_counted_not_forced():
    services = org()
    here = site("Bobigny")
    a = member("a@example.org", services["A1U"], site=here)
    member("b@example.org", services["B1"], site=here)
    wants(a, preference="sites")

    outcome = round_run(day=MONDAY, now=RUN_AT)

    assert len(outcome.groups) == 1
    assert outcome.round.report["preferences"]["sites"] == {"met": 0, "unmet": 1}


def test_no_trio_with_someone_excluded():
    services = org()
    people = [member(f"p{i}@example.org", services[("A", "B", "A1")[i % 3]]) for i in range(6)]
    for person in people:
        wants(person, group_size=3)
    # The first excluded everyone but the second: the engine pairs them, and no third may join.
    for other in people[2:]:
        exclusion_add(membership=membership(people[0]), excluded=other)

    outcome = round_run(day=MONDAY, now=RUN_AT)

    groups = groups_of(outcome.round)
    assert {people[0].pk, people[1].pk} in groups
    assert sorted(map(len, groups)) == [2, 2, 2]
    assert (outcome.round.report["asked_three"], outcome.round.report["got_three"]) == (6, 0)
