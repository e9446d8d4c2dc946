"""The workshops module's worker job: remind the owner of a milestone before its due date.

Once a day (riposte.core.scheduler), each open milestone whose due date is at most the largest of
WORKSHOPS_REMINDER_DAYS away gets the reminder of the nearest threshold still ahead (14 days
before, 3 days before, on the day). A MilestoneReminder row per (milestone, due date, threshold)
makes each one go out once, whichever worker runs the job and however often; a worker that was
stopped for a few days sends the reminder that is still relevant, not the ones it missed. A new
due date gets new reminders.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy

from riposte.core.notifications import notification_send
from riposte.workshops.milestones import milestone_url
from riposte.workshops.models import Milestone, MilestoneReminder, MilestoneStatus


@task()
def milestones_remind(today: str | None = None) -> int:
    """Remind owners of the milestones falling due; returns how many reminders went out."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    thresholds = sorted({d for d in settings.WORKSHOPS_REMINDER_DAYS if d >= 0})
    if not thresholds:
        return 0
    due = Milestone.objects.filter(
        status=MilestoneStatus.OPEN,
        owner__isnull=False,
        owner__is_active=True,
        due_on__gte=day,
        due_on__lte=day + dt.timedelta(days=thresholds[-1]),
    ).select_related("owner", "axis__workshop")
    sent = 0
    for milestone in due:
        assert milestone.due_on is not None and milestone.owner is not None
        left = (milestone.due_on - day).days
        days_before = next(d for d in thresholds if d >= left)
        try:
            with transaction.atomic():
                MilestoneReminder.objects.create(
                    milestone=milestone, due_on=milestone.due_on, days_before=days_before
                )
                notification_send(
                    recipients=[milestone.owner],
                    actor=None,
                    message=(
                        gettext_lazy("The milestone “%(milestone)s” (workshop “%(workshop)s”) "
                                     "is due today")
                        if left == 0
                        else gettext_lazy("The milestone “%(milestone)s” (workshop "
                                          "“%(workshop)s”) is due on %(date)s")
                    ),
                    params={
                        "milestone": milestone.title,
                        "workshop": milestone.axis.workshop.title,
                        "date": milestone.due_on.strftime("%d/%m/%Y"),
                    },
                    url=milestone_url(milestone),
                )  # fmt: skip
        except IntegrityError:
            continue  # already reminded (a second run, or another worker)
        sent += 1
    return sent
