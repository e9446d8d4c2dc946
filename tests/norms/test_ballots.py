"""Votes: who may, when, how often; what a secret ballot keeps secret; results and the seal."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from riposte.core.models import AuditEntry
from riposte.directory.models import Agent, Role, Service
from riposte.norms.ballots import (
    VoteRefused,
    ballot_key,
    consultation_seal,
    my_ballot,
    objection_answer,
    results_compute,
    results_visible,
    vote_cast,
)
from riposte.norms.models import Ballot, Choice, Consultation, Electorate, Method, Voter
from tests.norms.builders import close, make_consultation, make_norm


@pytest.fixture
def consultation(facilitator):
    return make_consultation(norm=make_norm(by=facilitator), by=facilitator)


def colleagues(count: int, **fields) -> list[Agent]:
    return [Agent.objects.create_user(f"voter{i}@example.org", "x", **fields) for i in range(count)]


def test_an_agent_votes_once_and_may_change_until_the_close(consultation, agent):
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    vote_cast(consultation=consultation, agent=agent, choice=Choice.AGAINST)

    assert Voter.objects.filter(consultation=consultation).count() == 1
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    assert my_ballot(consultation=consultation, agent=agent).choice == Choice.AGAINST


def test_the_database_refuses_a_second_voter_row_or_ballot(consultation, agent):
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)

    with pytest.raises(IntegrityError), transaction.atomic():
        Voter.objects.create(consultation=consultation, agent=agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            consultation=consultation, key=ballot_key(consultation.pk, agent.pk), choice="pour"
        )


def test_a_vote_before_the_opening_or_after_the_close_is_refused(facilitator, agent):
    later = make_consultation(norm=make_norm(by=facilitator), by=facilitator, opened=False)
    with pytest.raises(VoteRefused) as refused:
        vote_cast(consultation=later, agent=agent, choice=Choice.FOR)
    assert refused.value.code == "not_open"

    closed = make_consultation(norm=make_norm(by=facilitator, title="Autre"), by=facilitator)
    vote_cast(consultation=closed, agent=facilitator, choice=Choice.FOR)
    close(closed)
    for choice in (Choice.FOR, Choice.AGAINST):  # a first vote, and a change
        for who in (agent, facilitator):
            with pytest.raises(VoteRefused) as refused:
                vote_cast(consultation=closed, agent=who, choice=choice)
            assert refused.value.code == "closed"
    assert my_ballot(consultation=closed, agent=facilitator).choice == Choice.FOR
    assert Voter.objects.filter(consultation__in=[later, closed]).count() == 1


def test_a_choice_of_the_other_method_is_refused(consultation, agent):
    with pytest.raises(VoteRefused) as refused:
        vote_cast(consultation=consultation, agent=agent, choice=Choice.CONSENT)
    assert refused.value.code == "invalid_choice"
    assert not Voter.objects.exists()


def test_only_the_electorate_votes(facilitator, service):
    other = Service.objects.create(code="DRH", name="RH", level="direction")
    unit = Service.objects.create(code="DEF-01-A", name="Cellule", level="unit", parent=service)
    inside, below, outside = (
        Agent.objects.create_user("in@example.org", "x", service=service),
        Agent.objects.create_user("below@example.org", "x", service=unit),
        Agent.objects.create_user("out@example.org", "x", service=other),
    )
    by_service = make_consultation(
        norm=make_norm(by=facilitator), by=facilitator,
        electorate=Electorate.SERVICE, service=service,
    )  # fmt: skip
    vote_cast(consultation=by_service, agent=inside, choice=Choice.FOR)
    vote_cast(consultation=by_service, agent=below, choice=Choice.FOR)
    with pytest.raises(PermissionDenied):
        vote_cast(consultation=by_service, agent=outside, choice=Choice.FOR)

    by_role = make_consultation(
        norm=make_norm(by=facilitator, title="Autre"), by=facilitator,
        electorate=Electorate.ROLE, role=Role.FACILITATOR,
    )  # fmt: skip
    vote_cast(consultation=by_role, agent=facilitator, choice=Choice.FOR)
    with pytest.raises(PermissionDenied):
        vote_cast(consultation=by_role, agent=inside, choice=Choice.FOR)

    assert results_compute(by_service).eligible == 3  # inside, below, and the facilitator's DEF
    assert results_compute(by_service).voters == 2


def test_a_secret_ballot_keeps_no_link_to_its_voter(consultation, agent):
    vote_cast(consultation=consultation, agent=agent, choice=Choice.AGAINST)

    ballot = Ballot.objects.get()
    assert ballot.voter is None
    assert agent.email not in str(ballot.__dict__)
    assert not any(f.get_internal_type() == "DateTimeField" for f in Ballot._meta.fields)
    entry = AuditEntry.objects.get(action="norm.vote")
    assert entry.actor == agent
    assert "choice" not in entry.changes
    assert Choice.AGAINST not in str(entry.changes)


def test_a_secret_vote_writes_nothing_of_the_choice_to_the_logs(consultation, agent, caplog):
    """Through the page and the API, every logger at DEBUG (all propagate to the root, where
    caplog listens): no line holds the voter's choice. Nothing logs a vote today; this keeps a
    log line added later from giving who chose what. SQL is not logged (django.db.backends
    stays at INFO, settings.LOGGING)."""
    from django.test import Client

    from riposte.directory.services import api_token_create

    caplog.set_level(logging.DEBUG)
    page = Client()
    page.force_login(agent)
    page.post(f"/norms/consultations/{consultation.pk}/vote/", {"choice": Choice.AGAINST})
    _token, raw = api_token_create(agent=agent, name="logs")
    Client().post(
        f"/api/norms/{consultation.norm_id}/votes",
        {"choice": Choice.ABSTAIN},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert Ballot.objects.get().choice == Choice.ABSTAIN  # both votes were taken
    said = [Choice.AGAINST, Choice.ABSTAIN, str(Choice.AGAINST.label), str(Choice.ABSTAIN.label)]
    for record in caplog.records:
        line = record.getMessage()
        assert not any(word in line for word in said), line


def test_a_public_ballot_says_who_chose_what(facilitator, agent):
    public = make_consultation(norm=make_norm(by=facilitator), by=facilitator, secret=False)
    vote_cast(consultation=public, agent=agent, choice=Choice.AGAINST)

    assert Ballot.objects.get().voter == agent
    assert AuditEntry.objects.get(action="norm.vote").changes["choice"] == Choice.AGAINST


def test_secret_results_are_hidden_until_the_close_public_ones_are_not(facilitator):
    secret = make_consultation(norm=make_norm(by=facilitator), by=facilitator)
    public = make_consultation(
        norm=make_norm(by=facilitator, title="B"), by=facilitator, secret=False
    )

    assert not results_visible(secret)
    assert results_visible(public)
    assert results_visible(close(secret))


def test_results_count_distinct_voters_and_the_quorum(facilitator):
    norm = make_norm(by=facilitator)
    voters = colleagues(3)  # 4 agents asked, with the facilitator
    consultation = make_consultation(norm=norm, by=facilitator, quorum=4)
    for voter, choice in zip(voters, [Choice.FOR, Choice.FOR, Choice.AGAINST], strict=True):
        vote_cast(consultation=consultation, agent=voter, choice=choice)
    vote_cast(consultation=consultation, agent=voters[2], choice=Choice.ABSTAIN)

    results = results_compute(consultation)
    assert results.counts == {Choice.FOR: 2, Choice.AGAINST: 0, Choice.ABSTAIN: 1}
    assert (results.voters, results.quorum_reached, results.outcome) == (3, False, Choice.FOR)


def test_consent_needs_a_reason_for_an_objection_which_is_answered_anonymously(facilitator, agent):
    consultation = make_consultation(
        norm=make_norm(by=facilitator), by=facilitator, method=Method.CONSENT
    )
    with pytest.raises(VoteRefused) as refused:
        vote_cast(consultation=consultation, agent=agent, choice=Choice.OBJECTION, reason="  ")
    assert refused.value.code == "reason"

    ballot = vote_cast(
        consultation=consultation, agent=agent, choice=Choice.OBJECTION,
        reason="Le seuil est trop haut.",
    )  # fmt: skip
    assert results_compute(consultation).unanswered == 1
    with pytest.raises(PermissionDenied):
        objection_answer(ballot=ballot, by=agent, answer="Non.")
    with pytest.raises(ValidationError, match="answered after its close"):
        objection_answer(ballot=ballot, by=facilitator, answer="Trop tôt.")
    close(consultation)
    objection_answer(ballot=ballot, by=facilitator, answer="Le seuil sera revu à 1 000 €.")

    results = results_compute(consultation)
    assert (results.unanswered, results.outcome) == (0, "objection")
    assert Ballot.objects.get().voter is None


def test_the_seal_freezes_the_result_once_and_only_after_the_close(consultation, agent):
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    assert consultation_seal(consultation=consultation) is False

    close(consultation)
    assert consultation_seal(consultation=consultation) is True
    assert consultation_seal(consultation=consultation) is False

    consultation.refresh_from_db()
    assert consultation.result["counts"][Choice.FOR] == 1
    assert consultation.result["voters"] == 1
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() + dt.timedelta(days=1)
    )
    consultation.refresh_from_db()
    with pytest.raises(VoteRefused):  # sealed: closed even if its dates were moved
        vote_cast(consultation=consultation, agent=agent, choice=Choice.AGAINST)


def test_one_consultation_at_a_time_on_a_norm(facilitator):
    from django.core.exceptions import ValidationError

    norm = make_norm(by=facilitator)
    make_consultation(norm=norm, by=facilitator)
    with pytest.raises(ValidationError):
        make_consultation(norm=norm, by=facilitator)


def test_a_consultation_closing_in_the_past_is_refused(facilitator):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        make_consultation(norm=make_norm(by=facilitator), by=facilitator,
                          opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(days=1))  # fmt: skip
    assert "closes_at" in refused.value.message_dict


def test_nobody_voted_is_not_a_tie(consultation):
    assert results_compute(consultation).outcome == "none"
