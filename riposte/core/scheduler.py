"""Periodic jobs, enqueued by `riposte worker` when they fall due (no cron needed).

Each job names the slot it is due for (a day, an hour...). A `ScheduledRun` row per (job, slot) is
inserted before enqueuing; its unique constraint means that with N workers, one enqueues.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from riposte.core.models import ScheduledRun


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    # Given the local time, the slot it is due for, or None when nothing is due yet.
    slot: Callable[[dt.datetime], str | None]
    enqueue: Callable[[], object]


def daily_at(hour: int) -> Callable[[dt.datetime], str | None]:
    def slot(now: dt.datetime) -> str | None:
        return now.date().isoformat() if now.hour >= hour else None

    return slot


def every_minutes(minutes: int) -> Callable[[dt.datetime], str | None]:
    def slot(now: dt.datetime) -> str | None:
        return f"{now:%Y-%m-%dT%H}:{now.minute - now.minute % minutes:02d}"

    return slot


def periodic_jobs() -> list[PeriodicJob]:
    from riposte.coffee.room_tasks import presence_purge_stale
    from riposte.coffee.tasks import coffee_purge, coffee_round_weekly, weekly_at
    from riposte.core.tasks import send_daily_digests
    from riposte.norms.announcements import consultations_announce_due, decisions_tell_due
    from riposte.norms.tasks import consultations_seal_due, norms_remind_and_expire
    from riposte.workshops.tasks import milestones_remind

    return [
        PeriodicJob(
            "core.daily_digest", daily_at(settings.DIGEST_HOUR), send_daily_digests.enqueue
        ),
        # An open consultation's electorate is told within a minute; so is its result sealed.
        PeriodicJob("norms.announce", every_minutes(1), consultations_announce_due.enqueue),
        PeriodicJob("norms.tell", every_minutes(1), decisions_tell_due.enqueue),
        PeriodicJob("norms.seal", every_minutes(1), consultations_seal_due.enqueue),
        PeriodicJob("norms.remind", daily_at(6), norms_remind_and_expire.enqueue),
        PeriodicJob("coffee.presence_purge", every_minutes(5), presence_purge_stale.enqueue),
        PeriodicJob(
            "coffee.round",
            weekly_at(settings.COFFEE_ROUND_WEEKDAY, settings.COFFEE_ROUND_HOUR),
            coffee_round_weekly.enqueue,
        ),
        PeriodicJob("coffee.purge", daily_at(3), coffee_purge.enqueue),
        PeriodicJob("workshops.remind", daily_at(6), milestones_remind.enqueue),
    ]


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    local_now = timezone.localtime(now)
    enqueued = []
    for job in periodic_jobs():
        slot = job.slot(local_now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot)
                job.enqueue()
        except IntegrityError:
            continue  # another worker took this occurrence
        enqueued.append(job.name)
    return enqueued
