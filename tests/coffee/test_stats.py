"""The statistics (riposte/coffee/stats.py) and their page: counts per round that add up, new
cross-service ties counted once, the engine's distances, purged rounds read from their report, and
a page for facilitators that names nobody."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from riposte.coffee import stats
from riposte.coffee.models import Group, Round
from riposte.directory.models import Commune, Site
from tests.coffee.stats_builders import make_round, person, tree


@pytest.fixture
def people(db) -> dict:
    services = tree()
    commune = Commune.objects.first() or Commune.objects.create(
        insee_code="93008", name="Bobigny", latitude=48.9, longitude=2.4
    )
    s1 = Site.objects.create(name="Hôtel du département", commune=commune)
    s2 = Site.objects.create(name="Immeuble Européen", commune=commune)
    return {
        "a1": person("a1@example.org", services["A1"], s1),
        "a1b": person("a1b@example.org", services["A1"], s1),
        "a2": person("a2@example.org", services["A2"], s1),
        "b1": person("b1@example.org", services["B1"], s2),
        "b1b": person("b1b@example.org", services["B1"], s1),
        "lonely": person("lonely@example.org", services["A1"], s1),
    }


@pytest.fixture
def two_rounds(people) -> tuple[Round, Round]:
    p = people
    # Round 1: A1-B1 on two sites (4 + 1 = 5) and A1-A2 on one site (2); 4 answers only.
    first = make_round(
        1, [[p["a1"], p["b1"]], [p["a1b"], p["a2"]]], met=[[True, True], [False, None]]
    )
    # Round 2: A1-B1 again (not a new tie) and a trio A2, B1, A1 on one site (4, 2, 4).
    second = make_round(
        2,
        [[p["a1"], p["b1"]], [p["a2"], p["b1b"], p["a1b"]]],
        met=[[True, True], [False, True, True]],
        unplaced=[p["lonely"]],
    )
    return first, second


def test_rounds_add_up(two_rounds) -> None:
    second, first = stats.rounds_stats()  # the latest first

    assert (first.number, second.number) == (1, 2)
    assert (first.due, first.placed, first.unplaced, first.groups) == (4, 4, 0, 2)
    assert (second.due, second.placed, second.unplaced, second.groups) == (6, 5, 1, 2)
    assert (first.answered, first.met) == (3, 2)
    assert (second.answered, second.met) == (5, 4)


def test_distances_are_the_engines_scores(two_rounds) -> None:
    second, first = stats.rounds_stats()

    assert first.distances == {5: 1, 2: 1}
    # A trio counts its three pairs.
    assert second.distances == {5: 1, 4: 2, 2: 1}
    assert second.pairs == 4


def test_a_tie_is_new_once_and_only_across_services(people) -> None:
    p = people
    make_round(1, [[p["a1"], p["b1"]], [p["a1b"], p["lonely"]]])  # the second pair: one service
    make_round(2, [[p["b1"], p["a1"]], [p["a2"], p["b1b"]]])

    second, first = stats.rounds_stats()

    assert first.new_ties == 1
    assert second.new_ties == 1  # a1-b1 met in round 1: only a2-b1b is new


def test_the_share_of_meetings_needs_enough_answers(two_rounds) -> None:
    second, first = stats.rounds_stats()

    assert first.met_share is None  # 3 answers: a pair's answer would show
    assert second.met_share == pytest.approx(4 / 5)


def test_overview(two_rounds) -> None:
    summary = stats.overview()

    assert summary.placed == 9
    assert (summary.answered, summary.met) == (8, 6)
    assert summary.met_share == pytest.approx(6 / 8)
    assert summary.new_ties == 4  # round 1: 2; round 2: a2-b1b and b1b-a1b
    assert summary.distances == [(0, 0), (1, 0), (2, 2), (3, 0), (4, 2), (5, 2)]
    assert summary.mean_distance == pytest.approx((2 * 2 + 4 * 2 + 5 * 2) / 6)


def test_a_purged_round_keeps_its_figures(two_rounds) -> None:
    first, _second = two_rounds
    before = next(s for s in stats.rounds_stats() if s.number == 1)
    first.report = {**first.report, stats.STATS_KEY: stats.round_snapshot(first)}
    first.save(update_fields=["report"])
    Group.objects.filter(round=first).delete()

    after = next(s for s in stats.rounds_stats() if s.number == 1)

    assert after.purged and not before.purged
    assert after.as_dict() == before.as_dict()


def test_rounds_that_did_not_run_are_left_out(two_rounds) -> None:
    Round.objects.create(number=3, scheduled_on=two_rounds[1].scheduled_on.replace(day=28))

    assert [s.number for s in stats.rounds_stats()] == [2, 1]


def test_no_round_at_all(db) -> None:
    summary = stats.overview()

    assert summary.rounds == [] and summary.distances == []
    assert summary.met_share is None and summary.mean_distance is None


def test_the_page_shows_the_figures_and_names_nobody(client, facilitator, two_rounds, people):
    client.force_login(facilitator)

    response = client.get(reverse("coffee:stats"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Participation per round" in html and "Distribution of pair distances" in html
    assert "80 %" in html  # round 2: 4 yes out of 5 answers
    assert "3 answers: not shown" in html  # round 1
    for agent in people.values():
        assert agent.email not in html
        # As a word: the page's random CSRF token may hold "a1" or "b1" by chance.
        assert not re.search(rf"\b{re.escape(agent.first_name)}\b", html)
    # The charts are drawn as SVG and hidden from screen readers: the table says the same.
    assert 'aria-hidden="true"' in html and "<table" in html


def test_the_page_before_any_round(client, facilitator) -> None:
    client.force_login(facilitator)

    response = client.get(reverse("coffee:stats"))

    assert response.status_code == 200
    assert "No round has run yet." in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("agent", 403), ("moderator", 403), ("admin", 200)])
def test_who_may_see_the_page(client, actors, role, status) -> None:
    client.force_login(actors[role])

    assert client.get(reverse("coffee:stats")).status_code == status


def test_the_worker_purge_keeps_the_counts(two_rounds, settings) -> None:
    from riposte.coffee.tasks import coffee_purge

    first, _second = two_rounds
    before = {s.number: s for s in stats.rounds_stats()}
    settings.COFFEE_RETENTION_DAYS = 1
    coffee_purge.call(today=(first.scheduled_on + dt.timedelta(days=3)).isoformat())

    after = {s.number: s for s in stats.rounds_stats()}

    assert after[1].purged and not after[2].purged
    for name in ("due", "placed", "unplaced", "groups", "answered", "met"):
        assert getattr(after[1], name) == getattr(before[1], name), name
    # What the purge did not keep is unknown, not zero.
    if stats.STATS_KEY not in Round.objects.get(pk=first.pk).report:
        assert after[1].new_ties is None


def _with_wishes(rnd: Round, *, asked: int, got: int, sites: tuple, services: tuple) -> Round:
    """The counts round_make_groups adds to the report (preferences.Counts.as_report)."""
    rnd.report = {
        **rnd.report,
        "asked_three": asked,
        "got_three": got,
        "preferences": {
            "sites": {"met": sites[0], "unmet": sites[1]},
            "services": {"met": services[0], "unmet": services[1]},
        },
    }
    rnd.save(update_fields=["report"])
    return rnd


def test_the_wishes_are_read_from_the_report_and_summed(two_rounds) -> None:
    first, second = two_rounds
    _with_wishes(second, asked=3, got=3, sites=(2, 1), services=(1, 0))

    latest, earliest = stats.rounds_stats()
    summary = stats.overview()

    assert earliest.wishes is None  # made before the wishes were counted
    assert latest.wishes == stats.Wishes(
        asked_three=3, got_three=3, preferences_met=3, preferences_unmet=1
    )
    assert latest.wishes.preferences == 4
    assert summary.wishes == latest.wishes
    _with_wishes(first, asked=2, got=0, sites=(0, 0), services=(1, 1))
    assert stats.overview().wishes == stats.Wishes(5, 3, 4, 2)


def test_the_wishes_survive_the_purge(two_rounds, settings) -> None:
    from riposte.coffee.tasks import coffee_purge

    first, _second = two_rounds
    _with_wishes(first, asked=2, got=0, sites=(1, 1), services=(0, 0))
    settings.COFFEE_RETENTION_DAYS = 1
    coffee_purge.call(today=(first.scheduled_on + dt.timedelta(days=3)).isoformat())

    purged = next(s for s in stats.rounds_stats() if s.number == 1)

    assert purged.purged
    assert purged.wishes == stats.Wishes(2, 0, 1, 1)
    assert Round.objects.get(pk=first.pk).report[stats.STATS_KEY]["wishes"] == {
        "asked_three": 2,
        "got_three": 0,
        "preferences_met": 1,
        "preferences_unmet": 1,
    }


def test_a_snapshot_from_before_the_wishes_reads_them_from_the_report(two_rounds) -> None:
    first, _second = two_rounds
    snapshot = {k: v for k, v in stats.round_snapshot(first).items() if k != "wishes"}
    _with_wishes(first, asked=4, got=3, sites=(0, 2), services=(0, 0))
    first.report = {**first.report, stats.STATS_KEY: snapshot, "purged_on": "2026-03-01"}
    first.save(update_fields=["report"])
    Group.objects.filter(round=first).delete()

    purged = next(s for s in stats.rounds_stats() if s.number == 1)

    assert purged.purged and purged.wishes == stats.Wishes(4, 3, 0, 2)


def test_the_page_shows_the_wishes_per_round(client, facilitator, two_rounds) -> None:
    _first, second = two_rounds
    _with_wishes(second, asked=3, got=2, sites=(2, 1), services=(4, 0))
    client.force_login(facilitator)

    html = client.get(reverse("coffee:stats")).content.decode()

    assert "Groups of three (got / asked)" in html and "Whom to meet (met / asked)" in html
    assert "<td>2 / 3</td><td>6 / 7</td>" in html  # round 2
    assert html.count("not counted") == 2 + 1  # round 1's two cells, and the explanation
    assert "2 of the 3 members placed who asked for one" in html
    assert "6 of 7 preferences met" in html
