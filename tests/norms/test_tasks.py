"""The worker's jobs: sealing closed consultations, reminders, sunsets."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from riposte.core.models import Notification
from riposte.core.scheduler import periodic_jobs
from riposte.directory.models import Role
from riposte.norms.announcements import consultations_announce_due
from riposte.norms.ballots import vote_cast
from riposte.norms.models import Choice, Consultation, Electorate, NormStatus, Reminder, StatusCause
from riposte.norms.queries import NormFilters, norms_list
from riposte.norms.services import norm_put_to_debate
from riposte.norms.tasks import consultations_seal_due, norms_remind_and_expire
from tests.norms.builders import close, make_consultation, make_norm


def test_the_worker_schedules_the_norms_jobs():
    names = {job.name for job in periodic_jobs()}
    assert {"norms.announce", "norms.seal", "norms.remind"} <= names


def test_closed_consultations_are_sealed_and_their_voters_told(facilitator, agent):
    consultation = make_consultation(norm=make_norm(by=facilitator), by=facilitator)
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    assert consultations_seal_due.call() == 0

    close(consultation)
    assert consultations_seal_due.call() == 1
    assert consultations_seal_due.call() == 0
    consultation.refresh_from_db()
    assert consultation.sealed_at is not None
    assert Notification.objects.filter(recipient=agent, message__contains="clos").count() == 1


def test_reminders_go_out_once_before_each_date(facilitator, decision_maker, settings):
    settings.NORMS_REMINDER_DAYS = [7, 1]
    today = timezone.localdate()
    norm = make_norm(by=facilitator, review_on=today + dt.timedelta(days=7))

    assert norms_remind_and_expire.call(today=today.isoformat()) == {"reminded": 1, "expired": 0}
    assert norms_remind_and_expire.call(today=today.isoformat()) == {"reminded": 0, "expired": 0}
    later = today + dt.timedelta(days=6)
    assert norms_remind_and_expire.call(today=later.isoformat())["reminded"] == 1

    assert Reminder.objects.filter(norm=norm).count() == 2
    # The proposer follows it; decision-makers are always told of reviews.
    assert Notification.objects.filter(recipient=facilitator).count() == 2
    assert Notification.objects.filter(recipient=decision_maker).count() == 2


def test_a_temporary_authorisation_expires_after_its_sunset(facilitator):
    today = timezone.localdate()
    norm = make_norm(by=facilitator, status=NormStatus.TEMPORARY,
                     sunset_on=today + dt.timedelta(days=1))  # fmt: skip
    assert norms_remind_and_expire.call(today=(today + dt.timedelta(days=1)).isoformat())[
        "expired"] == 0  # fmt: skip

    result = norms_remind_and_expire.call(today=(today + dt.timedelta(days=2)).isoformat())

    norm.refresh_from_db()
    assert result["expired"] == 1
    assert norm.status == NormStatus.EXPIRED
    change = norm.status_changes.first()
    assert (change.before, change.after, change.by) == (
        NormStatus.TEMPORARY,
        NormStatus.EXPIRED,
        None,
    )
    assert Notification.objects.filter(recipient=facilitator, message__contains="expir").exists()
    assert change.cause == StatusCause.SUNSET and change.reason == ""


def test_putting_it_up_for_debate_does_not_stop_the_sunsets_clock(facilitator, agent):
    """Only a decision keeps a temporary authorisation past its sunset (and clears it)."""
    today = timezone.localdate()
    norm = make_norm(by=facilitator, status=NormStatus.TEMPORARY,
                     sunset_on=today + dt.timedelta(days=5), review_on=today + dt.timedelta(days=3))  # fmt: skip
    assert (norm.next_date, norm.next_is_sunset) == (today + dt.timedelta(days=3), False)
    norm_put_to_debate(norm=norm, by=facilitator)
    norm.review_on = None
    norm.save()
    assert (norm.next_date, norm.next_is_sunset) == (norm.sunset_on, True)
    assert norms_list(NormFilters(due_within_days=5)).get() == norm

    result = norms_remind_and_expire.call(today=(today + dt.timedelta(days=6)).isoformat())

    norm.refresh_from_db()
    assert result["expired"] == 1
    assert norm.status == NormStatus.EXPIRED


def test_the_agents_asked_are_told_once_the_consultation_opens(facilitator, agent, moderator):
    """Not before its opening date; once; the followers outside the electorate are told it is
    open; the agents not asked hear nothing."""
    norm = make_norm(by=facilitator)
    consultation = make_consultation(norm=norm, by=facilitator, opened=False,
                                     electorate=Electorate.ROLE, role=Role.AGENT)  # fmt: skip
    assert consultations_announce_due.call() == 0
    assert not Notification.objects.exists()

    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert consultations_announce_due.call() == 1
    assert consultations_announce_due.call() == 0

    told = dict(Notification.objects.values_list("recipient__email", "message"))
    assert set(told) == {agent.email, facilitator.email}  # not the moderator: not asked
    # In each recipient's language (here the default, French).
    assert told[agent.email].startswith("Votre vote est demandé sur « ")
    assert told[facilitator.email].startswith("Une consultation est ouverte sur « ")  # a follower


def test_a_consultation_opened_now_is_announced_on_commit(
    facilitator, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(norm=make_norm(by=facilitator), by=facilitator)

    consultation.refresh_from_db()
    assert consultation.announced_at is not None
    assert Notification.objects.filter(recipient=agent, message__startswith="Votre vote").exists()


def test_a_decisions_scope_is_told_once(facilitator, decision_maker, agent):
    from riposte.norms.announcements import decision_tell_scope
    from riposte.norms.services import DecisionData, decision_record

    norm = make_norm(by=facilitator)
    made = decision_record(norm=norm, by=decision_maker, data=DecisionData(
        outcome="keep", rationale="Utile.", decided_on=timezone.localdate(),
        next_review_on=timezone.localdate() + dt.timedelta(days=90)))  # fmt: skip
    before = Notification.objects.filter(recipient=agent).count()

    assert decision_tell_scope.call(decision_id=made.pk) == 1  # the agent: not a follower
    assert decision_tell_scope.call(decision_id=made.pk) == 0
    assert Notification.objects.filter(recipient=agent).count() == before + 1


def test_a_decision_whose_job_was_lost_is_told_by_the_sweep(facilitator, decision_maker, agent):
    """The worker stopped between the decision's commit and its job: a minute later, the sweep
    tells the voters and the scope, once."""
    from riposte.norms.announcements import decisions_tell_due
    from riposte.norms.models import Decision
    from riposte.norms.services import DecisionData, decision_record

    norm = make_norm(by=facilitator)
    consultation = make_consultation(norm=norm, by=facilitator)
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    close(consultation)
    made = decision_record(norm=norm, by=decision_maker, data=DecisionData(  # names none
        outcome="keep", rationale="Utile.", decided_on=timezone.localdate(),
        next_review_on=timezone.localdate() + dt.timedelta(days=90)))  # fmt: skip
    assert made.consultation == consultation  # the one that waited, settled and linked
    assert not Notification.objects.filter(recipient=agent).exists()  # no job ran (no commit)

    assert decisions_tell_due.call() == 0  # within its minute: the job may still come
    Decision.objects.filter(pk=made.pk).update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert decisions_tell_due.call() >= 1
    assert decisions_tell_due.call() == 0
    assert Notification.objects.filter(recipient=agent, message__startswith="Décision").count() == 1
