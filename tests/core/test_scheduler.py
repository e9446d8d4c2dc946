"""Periodic jobs enqueued by the worker when due (once per slot, whatever the number of workers),
and the worker itself against the database task backend."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.utils.translation import gettext_lazy

from riposte.core import scheduler
from riposte.core.models import Notification, ScheduledRun
from riposte.core.notifications import notification_send
from riposte.core.scheduler import daily_at, enqueue_due_jobs, every_minutes
from riposte.core.tasks import send_daily_digests, send_notification_email
from riposte.directory.models import Agent

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _core_jobs_only(monkeypatch):
    """These tests are about the scheduler, with the core's job; each module tests its own."""
    every_job = scheduler.periodic_jobs
    monkeypatch.setattr(
        scheduler,
        "periodic_jobs",
        lambda: [job for job in every_job() if job.name.startswith("core.")],
    )


@pytest.fixture
def dummy_tasks(settings):
    """Enqueued tasks are recorded, not run."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.DIGEST_HOUR = 7
    settings.TIME_ZONE = "Europe/Paris"
    backend = task_backends["default"]
    backend.clear()
    return backend


def enqueued_names(backend) -> list[str]:
    return [result.task.name for result in backend.results]


def test_nothing_is_due_before_the_digest_hour(db, dummy_tasks):
    assert enqueue_due_jobs(dt.datetime(2026, 3, 10, 6, 59, tzinfo=PARIS)) == []

    assert dummy_tasks.results == []
    assert not ScheduledRun.objects.exists()


def test_the_digest_is_enqueued_once_a_day_even_when_called_twice(db, dummy_tasks):
    morning = dt.datetime(2026, 3, 10, 7, 0, tzinfo=PARIS)

    assert enqueue_due_jobs(morning) == ["core.daily_digest"]
    assert enqueue_due_jobs(morning + dt.timedelta(hours=5)) == []
    assert (
        enqueue_due_jobs(morning + dt.timedelta(hours=16, minutes=59)) == []
    )  # 23:59 the same day

    assert enqueued_names(dummy_tasks) == [send_daily_digests.name]
    assert list(ScheduledRun.objects.values_list("job", "slot")) == [
        ("core.daily_digest", "2026-03-10")
    ]


def test_the_next_day_has_its_own_digest(db, dummy_tasks):
    enqueue_due_jobs(dt.datetime(2026, 3, 10, 8, 0, tzinfo=PARIS))

    assert enqueue_due_jobs(dt.datetime(2026, 3, 11, 6, 0, tzinfo=PARIS)) == []
    assert enqueue_due_jobs(dt.datetime(2026, 3, 11, 7, 30, tzinfo=PARIS)) == ["core.daily_digest"]

    assert len(dummy_tasks.results) == 2
    assert sorted(ScheduledRun.objects.values_list("slot", flat=True)) == [
        "2026-03-10",
        "2026-03-11",
    ]


def test_the_hour_and_the_day_are_local_time(db, dummy_tasks):
    # 06:30 UTC is 07:30 in Paris in winter: due. 23:30 UTC on the 10th is the 11th in Paris.
    assert enqueue_due_jobs(dt.datetime(2026, 1, 10, 6, 30, tzinfo=dt.UTC)) == ["core.daily_digest"]
    assert (
        enqueue_due_jobs(dt.datetime(2026, 1, 10, 23, 30, tzinfo=dt.UTC)) == []
    )  # 00:30 on the 11th

    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == ["2026-01-10"]


def test_a_run_taken_by_another_worker_is_not_enqueued_again(db, dummy_tasks):
    ScheduledRun.objects.create(job="core.daily_digest", slot="2026-03-10")

    assert enqueue_due_jobs(dt.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)) == []

    assert dummy_tasks.results == []
    assert ScheduledRun.objects.count() == 1


def test_the_digest_hour_is_read_when_the_jobs_run_not_at_import(db, dummy_tasks, settings):
    settings.DIGEST_HOUR = 18

    assert enqueue_due_jobs(dt.datetime(2026, 3, 10, 17, 59, tzinfo=PARIS)) == []
    assert enqueue_due_jobs(dt.datetime(2026, 3, 10, 18, 0, tzinfo=PARIS)) == ["core.daily_digest"]


def test_daily_at_names_the_local_day():
    slot = daily_at(7)

    assert slot(dt.datetime(2026, 3, 10, 6, 59)) is None
    assert slot(dt.datetime(2026, 3, 10, 7, 0)) == "2026-03-10"
    assert slot(dt.datetime(2026, 3, 10, 23, 59)) == "2026-03-10"


def test_every_minutes_names_the_slot_of_the_quarter_or_the_minute():
    assert every_minutes(15)(dt.datetime(2026, 3, 10, 9, 44)) == "2026-03-10T09:30"
    assert every_minutes(1)(dt.datetime(2026, 3, 10, 9, 44)) == "2026-03-10T09:44"


# --- the worker, against the real database backend -----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_notification_email(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    # No periodic job falls due while the test runs: the one queued task is the e-mail.
    settings.DIGEST_HOUR = 24
    recipient = Agent.objects.create_user(
        "ines@example.org", None, first_name="Inès", email_frequency="immediate", language="en"
    )
    # notification_send enqueues after the commit; in autocommit mode that is right away.
    [notification] = notification_send(
        recipients=[recipient],
        actor=None,
        message=gettext_lazy("%(author)s commented on %(target)s"),
        params={"author": "Fanny", "target": "la note"},
    )
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith(send_notification_email.name)
    assert mail.outbox == []  # queued, not sent

    call_command("worker", max_tasks=1, interval=0.1, verbosity=0, stdout=io.StringIO())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ines@example.org"]
    assert mail.outbox[0].subject == "[Riposte] Fanny commented on la note"
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_enqueues_the_due_digest_and_runs_it(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.DIGEST_HOUR = 0  # due at any time of the day
    recipient = Agent.objects.create_user(
        "dora@example.org", None, first_name="Dora", email_frequency="daily", language="fr"
    )
    notification_send(
        recipients=[recipient],
        actor=None,
        message=gettext_lazy("%(author)s commented on %(target)s"),
        params={"author": "Fanny", "target": "la note"},
    )
    assert mail.outbox == []

    call_command("worker", max_tasks=1, interval=0.1, verbosity=0, stdout=io.StringIO())

    assert ScheduledRun.objects.filter(job="core.daily_digest").count() == 1
    assert [m.to for m in mail.outbox] == [["dora@example.org"]]
    assert "Fanny a commenté la note" in mail.outbox[0].body
