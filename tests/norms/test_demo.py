"""The norms of `riposte demo` (riposte/norms/demo.py): authorisations from the 2020 crisis in
every status and kind, with their evidence and debate, one consultation open now that the demo
agent can vote in, one closed and sealed, decisions and dates coming up; a history that reads in
order; rebuilt the same for a seed."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from riposte.core.models import AuditEntry, Comment, Follow, Notification
from riposte.directory.demo import DEMO_DOMAIN, ROLE_LOGINS
from riposte.directory.models import Agent
from riposte.initiatives.models import Initiative
from riposte.norms import ballots
from riposte.norms import demo as norms_demo
from riposte.norms.models import (
    Argument,
    Ballot,
    Choice,
    Consultation,
    Decision,
    Endorsement,
    Method,
    Norm,
    NormKind,
    NormStatus,
    Outcome,
    Reminder,
    Voter,
)


@pytest.fixture
def demo(db) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, verbosity=0, size="small", seed=93)
    return out.getvalue()


def _own():
    """The norms module's own demo norms: the workshops demo adds one more, made from a
    milestone ("hacker les CTAP"), with dates of its own."""
    return Norm.objects.filter(workshop_milestones__isnull=True)


def _state() -> list:
    return [
        list(
            _own().order_by("title").values_list(
                "title", "status", "kind", "version", "review_on", "sunset_on", "created_at",
                "proposed_by__email",
            )
        ),
        sorted(Argument.objects.values_list("title", "author__email", "endorsements_count")),
        sorted(Voter.objects.values_list("consultation__question", "agent__email", "voted_at")),
    ]  # fmt: skip


def test_every_status_and_kind_with_evidence_and_debate(demo) -> None:
    assert "15 norms" in demo
    norms = _own()
    assert 12 <= norms.count() <= 20
    assert set(norms.values_list("status", flat=True)) == set(NormStatus.values)
    assert set(norms.values_list("kind", flat=True)) == set(NormKind.values)
    lockdown = norms.filter(origin_event__name="Confinement du printemps 2020")
    assert lockdown.count() >= 10
    assert not norms.filter(origin_date=None).exists()
    assert not norms.filter(granted_by="").exists()
    for norm in norms:
        assert norm.testimonies.exists(), norm.title
        assert norm.arguments.exists(), norm.title
    # Reworded by different people: some norms have 3 versions by 3 authors.
    reworded = norms.annotate(
        n=Count("versions"), authors=Count("versions__author", distinct=True)
    ).filter(n__gte=2, authors__gte=2)
    assert reworded.count() >= 5
    assert reworded.filter(n=3, authors__gte=2).exists()
    # Scopes from the demo directory, and the cooperations and initiatives that relied on them.
    assert norms.filter(services__code="DPAS-05").exists()
    assert norms.filter(cooperations__title="Prêt d'ordinateurs aux collégiens").exists()
    assert norms.exclude(cooperations=None).distinct().count() >= 8
    assert norms.exclude(initiatives=None).distinct().count() >= 4
    # One came from an initiative that needed it; another initiative still waits for its own.
    signature = norms.get(initiatives__title="Généraliser la signature électronique des parapheurs")
    assert signature.initiatives.get().needs_authorisation
    waiting = Initiative.objects.get(
        title="Redistribuer les repas non servis des cantines des collèges"
    )
    assert waiting.needs_authorisation and waiting.authorisation and not waiting.norms.exists()
    # Both sides argued, endorsed (the count is the rows), and replied to.
    assert {"pour", "contre"} <= set(Argument.objects.values_list("side", flat=True))
    for argument in Argument.objects.annotate(rows=Count("endorsements")):
        assert argument.endorsements_count == argument.rows
    assert Endorsement.objects.count() >= 100
    replies = Comment.objects.filter(content_type=ContentType.objects.get_for_model(Argument))
    assert replies.count() >= 5
    # The demo agent has a proposal under debate, a testimony and an argument of their own.
    agent = Agent.objects.get(email=f"agent@{DEMO_DOMAIN}")
    assert norms.filter(proposed_by=agent, status=NormStatus.DEBATE).exists()
    assert agent.norm_testimonies.exists() and agent.norm_arguments.exists()


def test_decisions_dates_due_soon_and_lapsed_authorisations(demo) -> None:
    today = timezone.localdate()
    for norm in _own().filter(
        status__in=(NormStatus.SUSTAINED, NormStatus.ADAPTED, NormStatus.WITHDRAWN)
    ):
        decision = norm.decisions.get()
        assert decision.decided_on <= today
        if decision.outcome == Outcome.WITHDRAW:
            assert decision.next_review_on is None and norm.review_on is None
        else:
            assert decision.next_review_on > today and norm.review_on == decision.next_review_on
        if decision.outcome == Outcome.ADAPT:
            assert norm.text == decision.new_text
            assert norm.versions.get(number=norm.version).author == decision.decided_by
    assert set(Decision.objects.values_list("outcome", flat=True)) == set(Outcome.values)
    # Reviews and sunsets within 30 days: the calendar has content, and the reminders the worker
    # sent a month before are there, dated the morning they went.
    soon = [n for n in _own() if n.next_date and n.next_date <= today + dt.timedelta(days=30)]
    assert len(soon) >= 3
    assert all(n.next_date >= today for n in _own() if n.next_date)
    assert (
        _own()
        .filter(status=NormStatus.TEMPORARY, sunset_on__lte=today + dt.timedelta(days=30))
        .exists()
    )
    reminded = {r.norm_id for r in Reminder.objects.filter(days_before=30)}
    assert reminded == {n.pk for n in soon}
    for reminder in Reminder.objects.all():
        sent = timezone.localtime(reminder.sent_at).date()
        assert sent == reminder.due_on - dt.timedelta(days=reminder.days_before)
    # Nobody decided on the expired ones: the worker turned them "expirée" after their sunset.
    for norm in _own().filter(status=NormStatus.EXPIRED):
        assert norm.sunset_on < today and not norm.decisions.exists()
        lapse = norm.status_changes.get(after=NormStatus.EXPIRED)
        assert lapse.by is None
        assert timezone.localtime(lapse.at).date() == norm.sunset_on + dt.timedelta(days=1)
    # Old news is read and will not be e-mailed; the running consultation's is not.
    old = Notification.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=60))
    assert old.exists() and not old.filter(read_at=None).exists()
    assert not old.filter(emailed_at=None).exists()
    assert Notification.objects.filter(read_at=None, url__startswith="/norms/").exists()  # fmt: skip


def test_one_open_consultation_the_demo_agent_can_vote_in(demo) -> None:
    running = Consultation.objects.filter(sealed_at=None)
    assert running.count() == 1
    consultation = running.get()
    assert consultation.is_open() and consultation.secret and consultation.method == Method.VOTE
    assert consultation.norm.status == NormStatus.DEBATE
    voters = Voter.objects.filter(consultation=consultation)
    assert voters.count() >= 10
    assert Ballot.objects.filter(consultation=consultation).count() == voters.count()
    # Secret: no ballot names its voter.
    assert not Ballot.objects.filter(consultation=consultation, voter__isnull=False).exists()
    # None of the demo logins has voted: each can, in a browser.
    logins = Agent.objects.filter(email__in=[f"{k}@{DEMO_DOMAIN}" for _r, k, *_ in ROLE_LOGINS])
    assert logins.count() == len(ROLE_LOGINS)
    assert not voters.filter(agent__in=logins).exists()
    agent = logins.get(email=f"agent@{DEMO_DOMAIN}")
    assert ballots.my_ballot(consultation=consultation, agent=agent) is None
    before = voters.count()
    ballots.vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    assert voters.count() == Ballot.objects.filter(consultation=consultation).count() == before + 1
    assert ballots.my_ballot(consultation=consultation, agent=agent).choice == Choice.FOR


def test_the_sealed_consent_consultation_its_decision_and_a_history_in_order(demo) -> None:
    sealed = Consultation.objects.get(sealed_at__isnull=False)
    assert sealed.method == Method.CONSENT and sealed.closes_at < timezone.now()
    assert sealed.opens_at < sealed.closes_at <= sealed.sealed_at
    assert sealed.result["voters"] == sealed.voters.count() >= sealed.quorum > 0
    assert sealed.result["unanswered"] == 0
    objections = sealed.ballots.filter(choice=Choice.OBJECTION)
    assert objections.exists()
    for objection in objections:
        assert objection.reason and objection.answer and objection.answered_by.role == "facilitator"
    decision = Decision.objects.get(consultation=sealed)
    assert decision.norm == sealed.norm and decision.outcome == Outcome.ADAPT
    assert decision.decided_on > timezone.localdate(sealed.closes_at)
    for voter in sealed.voters.all():
        assert sealed.opens_at <= voter.voted_at <= sealed.closes_at

    # Every consultation: one ballot per voter, each voter once.
    for consultation in Consultation.objects.all():
        assert consultation.voters.count() == consultation.ballots.count()

    # Each norm's history reads in order: proposed, reworded, debated, decided or lapsed.
    now = timezone.now()
    for norm in _own():
        changes = list(norm.status_changes.order_by("at", "id"))
        assert changes[0].before == "" and changes[0].at == norm.created_at
        for earlier, later in itertools.pairwise(changes):
            assert later.before == earlier.after and later.at >= earlier.at
        assert changes[-1].after == norm.status
        versions = list(norm.versions.order_by("number"))
        assert [v.number for v in versions] == list(range(1, norm.version + 1))
        assert versions[0].created_at == norm.created_at
        assert all(a.created_at <= b.created_at for a, b in itertools.pairwise(versions))
        assert norm.updated_at == max(changes[-1].at, versions[-1].created_at) <= now
        for row in [*norm.testimonies.all(), *norm.arguments.all()]:
            assert norm.created_at <= row.created_at <= now
        for decision in norm.decisions.all():
            assert timezone.localdate(norm.created_at) <= decision.decided_on
    assert not AuditEntry.objects.filter(at__gt=now).exists()


def test_the_same_seed_gives_the_same_norms_and_reset_rebuilds(demo) -> None:
    first = _state()
    # The norms alone: removed with what hangs on them, then rebuilt the same.
    norms_demo.demo_reset()
    assert not Norm.objects.exists() and not Consultation.objects.exists()
    assert not Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Argument)
    ).exists()
    assert not Follow.objects.filter(content_type=ContentType.objects.get_for_model(Norm)).exists()
    assert not AuditEntry.objects.filter(action__startswith="norm.").exists()
    assert not Notification.objects.filter(url__startswith="/norms/").exists()
    norms_demo.demo_build(seed=93)
    assert _state() == first
    # The whole demo, reset and rebuilt by the command.
    out = io.StringIO()
    call_command("demo", stdout=out, verbosity=0, size="small", seed=93, reset=True)
    assert _state() == first
    assert "15 norms" in out.getvalue()
