"""The worker's jobs: sealing closed consultations, reminders, sunsets."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from riposte.core.models import Notification
from riposte.core.scheduler import periodic_jobs
from riposte.norms.ballots import vote_cast
from riposte.norms.models import Choice, NormStatus, Reminder
from riposte.norms.tasks import consultations_seal_due, norms_remind_and_expire
from tests.norms.builders import close, make_consultation, make_norm


def test_the_worker_schedules_the_norms_jobs():
    names = {job.name for job in periodic_jobs()}
    assert {"norms.seal", "norms.remind"} <= names


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
