"""Votes cast at the same instant, on PostgreSQL: many agents at once, and the same agent from two
tabs at once, through the service and through the API. Whatever the interleaving, the count is
exactly the number of distinct eligible voters: one Voter row and one Ballot row each.

SQLite takes one writer at a time, so it cannot show a race: these tests run on PostgreSQL only
(DATABASE_URL=postgres://... uv run pytest tests/norms/test_votes_concurrency.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.test import Client

from riposte.directory.models import Agent, Service
from riposte.directory.services import api_token_create
from riposte.norms.ballots import VoteRefused, ballot_key, vote_cast
from riposte.norms.models import Ballot, Consultation, Electorate, Voter
from tests.norms.builders import make_consultation, make_norm

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a race needs concurrent writers: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]

ELIGIBLE = 12
TWO_TABS = 4  # the first agents also vote from a second tab at the same instant
CHOICES = ("pour", "contre", "abstention")


def _race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job in its own thread (its own database connection), all released at once.
    Returns each job's result, or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:  # the test looks at each outcome, refusals included
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a vote never finished"
    return results


@pytest.fixture
def electorate(facilitator) -> dict[str, Any]:
    """A consultation of one direction's agents: ELIGIBLE agents in a service under it, and two
    agents of another direction who are not asked."""
    direction = Service.objects.create(code="DSOL", name="Solidarités", level="direction")
    unit = Service.objects.create(
        code="DSOL-1", name="Insertion", level="service", parent=direction
    )
    other = Service.objects.create(code="DRH", name="Ressources humaines", level="direction")
    eligible = [
        Agent.objects.create_user(f"voter{i}@example.org", "x", service=unit)
        for i in range(ELIGIBLE)
    ]
    outside = [
        Agent.objects.create_user(f"outside{i}@example.org", "x", service=other) for i in range(2)
    ]
    norm = make_norm(by=facilitator)
    consultation = make_consultation(
        norm=norm, by=facilitator, electorate=Electorate.SERVICE, service=direction
    )
    return {"norm": norm, "consultation": consultation, "eligible": eligible, "outside": outside}


def _assert_one_ballot_each(consultation: Consultation, voters: list[Agent]) -> None:
    voter_ids = list(
        Voter.objects.filter(consultation=consultation).values_list("agent_id", flat=True)
    )
    assert sorted(voter_ids) == sorted(a.pk for a in voters)
    keys = set(Ballot.objects.filter(consultation=consultation).values_list("key", flat=True))
    assert Ballot.objects.filter(consultation=consultation).count() == len(voters) == len(keys)
    assert keys == {ballot_key(consultation.pk, a.pk) for a in voters}


def test_concurrent_votes_through_the_service(electorate) -> None:
    consultation = electorate["consultation"]
    eligible, outside = electorate["eligible"], electorate["outside"]

    def cast(agent: Agent, choice: str) -> Callable[[], Any]:
        return lambda: vote_cast(consultation=consultation, agent=agent, choice=choice).choice

    for round_ in range(3):  # first votes, then two rounds of changed votes
        jobs = [cast(a, CHOICES[(i + round_) % 3]) for i, a in enumerate(eligible)]
        # The same agents from a second tab, with another answer, at the same instant.
        jobs += [cast(a, CHOICES[(i + round_ + 1) % 3]) for i, a in enumerate(eligible[:TWO_TABS])]
        jobs += [cast(a, "pour") for a in outside]
        jobs += [cast(eligible[-1], "objection")]  # not an answer of this method

        results = _race(jobs)

        assert results[: ELIGIBLE + TWO_TABS] == [
            *(CHOICES[(i + round_) % 3] for i in range(ELIGIBLE)),
            *(CHOICES[(i + round_ + 1) % 3] for i in range(TWO_TABS)),
        ], results
        assert all(isinstance(r, PermissionDenied) for r in results[-3:-1])
        assert isinstance(results[-1], VoteRefused) and results[-1].code == "invalid_choice"
        _assert_one_ballot_each(consultation, eligible)
        # Each two-tab agent's ballot is one of the two answers sent, whichever came last.
        for i, agent in enumerate(eligible[:TWO_TABS]):
            ballot = Ballot.objects.get(key=ballot_key(consultation.pk, agent.pk))
            assert ballot.choice in {CHOICES[(i + round_) % 3], CHOICES[(i + round_ + 1) % 3]}


def test_concurrent_votes_through_the_api(electorate) -> None:
    norm, consultation = electorate["norm"], electorate["consultation"]
    eligible, outside = electorate["eligible"], electorate["outside"]
    tokens = {a.pk: api_token_create(agent=a, name="bench")[1] for a in eligible + outside}

    def post(agent: Agent, choice: str, session: bool = False) -> Callable[[], int]:
        def job() -> int:
            if session:
                client = Client()
                client.force_login(agent)
            else:
                client = Client(headers={"Authorization": f"Bearer {tokens[agent.pk]}"})
            response = client.post(
                f"/api/norms/{norm.pk}/votes", {"choice": choice}, content_type="application/json"
            )
            return response.status_code

        return job

    for round_ in range(2):
        jobs = [post(a, CHOICES[(i + round_) % 3]) for i, a in enumerate(eligible)]
        # A second tab of the same agents: by token, and by session for two of them.
        jobs += [post(a, "abstention", session=i < 2) for i, a in enumerate(eligible[:TWO_TABS])]
        jobs += [post(a, "pour") for a in outside]

        statuses = _race(jobs)

        assert all(s in (200, 201) for s in statuses[: ELIGIBLE + TWO_TABS]), statuses
        if round_ == 1:  # everyone had voted: every answer is a change
            assert set(statuses[: ELIGIBLE + TWO_TABS]) == {200}
        assert statuses[-2:] == [403, 403]
        _assert_one_ballot_each(consultation, eligible)
