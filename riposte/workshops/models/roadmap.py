"""The roadmap: each axis's milestones by horizon, who carries them, when, and what they became."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from riposte.workshops.models.board import Note
from riposte.workshops.models.workshop import Axis

MILESTONE_MAX = 300


class Horizon(models.TextChoices):
    """The horizons of the format, in the order of the report."""

    MONTH = "1m", _("1 month")
    SIX_MONTHS = "6m", _("6 months")
    YEAR = "1y", _("1 year")
    TWO_YEARS = "2y", _("2 years")
    IDEAL = "ideal", _("Ideal")

    @property
    def months(self) -> int | None:
        return {"1m": 1, "6m": 6, "1y": 12, "2y": 24}.get(self.value)

    def due_from(self, held_on: dt.date) -> dt.date | None:
        """The due date a milestone of this horizon gets from the workshop's date; the ideal
        has none."""
        months = self.months
        if months is None:
            return None
        years, month = divmod(held_on.month - 1 + months, 12)
        year = held_on.year + years
        # 31 August + 6 months is the last day of February, not an error.
        day = min(held_on.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)


class MilestoneStatus(models.TextChoices):
    OPEN = "open", _("To do")
    # "jalon" is masculine in French: "Fait", not the initiatives' "Terminée".
    DONE = "done", pgettext_lazy("milestone", "Done")
    DROPPED = "dropped", _("Dropped")


class Milestone(models.Model):
    """A milestone of an axis. It may become an initiative, a norm to debate or a cooperation to
    map; the link is kept on both sides (the other module's page shows where it came from)."""

    axis = models.ForeignKey(Axis, models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=MILESTONE_MAX)
    horizon = models.CharField(_("horizon"), max_length=5, choices=Horizon.choices)
    position = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_milestones",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    # A date chosen by hand stays when the milestone moves to another horizon; otherwise the
    # date follows the horizon (milestones.py).
    due_on_by_hand = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN
    )
    done_on = models.DateField(null=True, blank=True)
    source_note = models.ForeignKey(
        Note, models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_milestones",
    )
    norm = models.ForeignKey(
        "norms.Norm", models.SET_NULL, null=True, blank=True, related_name="workshop_milestones"
    )
    cooperation = models.ForeignKey(
        "cooperations.Cooperation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_milestones",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["axis", "position", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="workshop_milestone_not_empty"),
            models.CheckConstraint(
                condition=Q(horizon__in=Horizon.values), name="workshop_milestone_horizon_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values),
                name="workshop_milestone_status_valid",
            ),
            # A note becomes one milestone: making it again finds the one it became.
            models.UniqueConstraint(
                fields=["source_note"],
                condition=Q(source_note__isnull=False),
                name="workshop_milestone_note_once",
            ),
            # Done has a date, and only done has one.
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="workshop_milestone_done_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: dt.date) -> bool:
        return (
            self.status == MilestoneStatus.OPEN and self.due_on is not None and self.due_on < today
        )


class MilestoneReminder(models.Model):
    """A reminder sent before a milestone's due date; the row makes it once only."""

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="reminders")
    due_on = models.DateField()  # the due date it was about: a new date gets new reminders
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "due_on", "days_before"], name="workshop_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} -{self.days_before} d"
