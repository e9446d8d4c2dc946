"""The norms module's worker jobs: seal closed consultations; remind before reviews and sunsets;
let temporary authorisations (and those up for debate) lapse on their sunset date.

Each is idempotent (a unique row or a status check), so a job run twice, or by two workers,
does its work once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy

from riposte.core.follows import followers_of
from riposte.core.notifications import date_param, notification_send
from riposte.directory.models import Agent, Role
from riposte.norms.announcements import consultation_audience, decision_audience
from riposte.norms.ballots import consultation_seal
from riposte.norms.models import LAPSING, Consultation, Norm, NormStatus, Reminder, StatusCause
from riposte.norms.services import norm_status_change


@task()
def consultations_seal_due() -> int:
    """Freeze the result of every consultation whose close has passed; notify its voters."""
    sealed = 0
    due = Consultation.objects.filter(sealed_at__isnull=True, closes_at__lte=timezone.now())
    for consultation in due.select_related("norm"):
        if consultation_seal(consultation=consultation):
            sealed += 1
            norm = consultation.norm
            notification_send(
                recipients=consultation_audience(norm, consultation),
                actor=None,
                message=gettext_lazy("The consultation on “%(norm)s” is closed: see its result"),
                params={"norm": norm.title},
                url=norm.get_absolute_url(),
            )  # fmt: skip
    return sealed


def _reminder_audience(norm: Norm) -> list[Agent]:
    people = {a.pk: a for a in followers_of(norm)}
    people.update({a.pk: a for a in Agent.objects.filter(role=Role.DECISION_MAKER, is_active=True)})
    return list(people.values())


@task()
def norms_remind_and_expire(today: str | None = None) -> dict[str, int]:
    """Once a day: reminders N days before each review or sunset date (settings
    NORMS_REMINDER_DAYS), then the authorisations past their sunset (LAPSING) turn "expirée"."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    reminded = expired = 0
    for days_before in sorted(settings.NORMS_REMINDER_DAYS, reverse=True):
        target = day + dt.timedelta(days=days_before)
        candidates = [
            (Reminder.Kind.SUNSET, Norm.objects.filter(status__in=LAPSING, sunset_on=target)),
            (Reminder.Kind.REVIEW, Norm.objects.filter(review_on=target).exclude(
                status__in=(NormStatus.WITHDRAWN, NormStatus.EXPIRED))),
        ]  # fmt: skip
        for kind, norms in candidates:
            for norm in norms:
                try:
                    with transaction.atomic():
                        Reminder.objects.create(
                            norm=norm, kind=kind, due_on=target, days_before=days_before
                        )
                        notification_send(
                            recipients=_reminder_audience(norm),
                            actor=None,
                            message=(
                                gettext_lazy("“%(norm)s” lapses on %(date)s unless a decision keeps it")
                                if kind == Reminder.Kind.SUNSET
                                else gettext_lazy("“%(norm)s” is due for review on %(date)s")
                            ),
                            params={"norm": norm.title, "date": date_param(target)},
                            url=norm.get_absolute_url(),
                        )  # fmt: skip
                except IntegrityError:
                    continue  # already reminded (another worker, or a second run)
                reminded += 1
    lapsed = Norm.objects.filter(status__in=LAPSING, sunset_on__lt=day)
    for norm_id in lapsed.values_list("pk", flat=True):
        with transaction.atomic():
            norm = Norm.objects.select_for_update().get(pk=norm_id)
            if not norm.lapses_on or norm.lapses_on >= day:
                continue
            norm_status_change(norm=norm, to=NormStatus.EXPIRED, by=None, cause=StatusCause.SUNSET)
            norm.save()
            notification_send(
                recipients=decision_audience(norm, None),
                actor=None,
                message=gettext_lazy("“%(norm)s” has expired: its sunset date has passed"),
                params={"norm": norm.title},
                url=norm.get_absolute_url(),
            )
            expired += 1
    return {"reminded": reminded, "expired": expired}
