"""The coffee machine of `riposte demo` (riposte/coffee/demo.py): members with various
preferences, past rounds with answers so that the statistics have content, the demo agent in a
group of this week's round, the three rooms; rebuilt the same with --reset."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from riposte.coffee import stats
from riposte.coffee.models import (
    CoffeeRoom,
    Exclusion,
    Frequency,
    GroupMember,
    Membership,
    Preference,
    Round,
)
from riposte.directory.demo import DEMO_DOMAIN


@pytest.fixture
def demo(db) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, verbosity=0, size="small", seed=93)
    return out.getvalue()


def test_the_rooms(demo) -> None:
    rooms = {r.name: r for r in CoffeeRoom.objects.all()}

    assert set(rooms) == {
        "La machine à café de Bobigny",
        "Pause des nouveaux arrivants",
        "Café des données",
    }
    assert rooms["La machine à café de Bobigny"].site is not None
    assert rooms["Café des données"].theme and rooms["Pause des nouveaux arrivants"].theme
    assert len({r.room for r in rooms.values()}) == 3  # a video room each


def test_members_have_various_preferences(demo) -> None:
    members = Membership.objects.all()

    assert members.count() == 80
    assert set(members.values_list("frequency", flat=True)) == set(Frequency.values)
    assert set(members.values_list("preference", flat=True)) == set(Preference.values)
    assert set(members.values_list("group_size", flat=True)) == {2, 3}
    assert members.filter(paused_until__gt=timezone.localdate()).count() == 4
    assert members.exclude(availability=[]).exists() and members.filter(availability=[]).exists()
    assert Exclusion.objects.count() == 3


def test_the_demo_agent_has_a_group_this_week(demo) -> None:
    today = timezone.localdate()
    current = Round.objects.get(scheduled_on__gt=today - timezone.timedelta(days=7))

    row = GroupMember.objects.get(round=current, agent__email=f"agent@{DEMO_DOMAIN}")

    assert row.group.members.count() in (2, 3)
    assert row.met is None  # not answered yet: the browser test answers it
    assert "coffee members" in demo


def test_past_rounds_give_the_statistics_content(demo) -> None:
    rounds = stats.rounds_stats()

    assert [r.number for r in rounds] == [4, 3, 2, 1]
    past = rounds[1:]
    assert all(r.placed > 0 and r.answered >= stats.MIN_ANSWERS for r in past)
    assert all(0 < r.met < r.answered for r in past)
    assert rounds[0].answered == 0
    summary = stats.overview(rounds)
    assert summary.new_ties > 0
    # One distance per pair: a pair counts one, a trio three.
    sizes = [len(g) for r in Round.objects.all() for g in _groups(r)]
    assert summary.pairs == sum(1 if n == 2 else 3 for n in sizes) > 0
    assert summary.mean_distance and summary.mean_distance > 2  # the engine goes far
    # Everyone due was placed or reported.
    assert all(r.due == r.placed + r.unplaced for r in rounds)


def _groups(round_: Round) -> list[list[int]]:
    return [list(g.members.values_list("agent_id", flat=True)) for g in round_.groups.all()]


def test_rebuilt_the_same_with_reset(demo) -> None:
    def state() -> list:
        return [
            sorted(Membership.objects.values_list("agent__email", "frequency", "preference")),
            sorted(Round.objects.values_list("number", "scheduled_on")),
            sorted(GroupMember.objects.values_list("round__number", "agent__email", "met")),
        ]

    before = state()
    call_command("demo", stdout=io.StringIO(), verbosity=0, size="small", seed=93, reset=True)

    assert state() == before
    assert CoffeeRoom.objects.count() == 3
