"""The register: norms and authorisations, their versions, status history and testimonies."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
TEXT_MAX = 10_000


class NormKind(models.TextChoices):
    AUTHORISATION = "autorisation", _("Authorisation / delegation")
    DEROGATION = "derogation", _("Derogation")
    PROCEDURE = "procedure", _("Procedure")
    INTERNAL_RULE = "regle_interne", _("Internal rule")


class NormStatus(models.TextChoices):
    TEMPORARY = "temporaire", _("Temporary")
    DEBATE = "en_debat", _("Under debate")
    SUSTAINED = "perennisee", _("Made permanent")
    ADAPTED = "adaptee", _("Adapted")
    WITHDRAWN = "retiree", _("Withdrawn")
    EXPIRED = "expiree", _("Expired")


# Still in force: what an agent may rely on today.
IN_FORCE = (NormStatus.TEMPORARY, NormStatus.DEBATE, NormStatus.SUSTAINED, NormStatus.ADAPTED)
# The statuses in which a sunset date applies: a temporary authorisation lapses on it unless a
# decision keeps it, and putting it up for debate does not stop the clock (a decision clears it).
LAPSING = (NormStatus.TEMPORARY, NormStatus.DEBATE)


class Norm(models.Model):
    """A norm or an authorisation opened (or wished for) by an organisation.

    `title` and `text` are the current version's; every change of them adds a `NormVersion`, and
    `version` is the number of the latest one (the edit form posts it back: a stale save is refused).
    """

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("what it allows, in plain words"), max_length=TEXT_MAX)
    kind = models.CharField(_("kind"), max_length=20, choices=NormKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=NormStatus.choices, default=NormStatus.DEBATE
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # Where it comes from: the emergency, the decision or note that opened it, when, and who.
    origin_event = models.ForeignKey(
        "cooperations.Event",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="norms",
        verbose_name=_("emergency"),
    )
    origin = models.CharField(_("decision or note that opened it"), max_length=300, blank=True)
    origin_date = models.DateField(_("opened on"), null=True, blank=True)
    granted_by = models.CharField(_("granted by"), max_length=200, blank=True)

    # Who it applies to. Nothing chosen means everyone.
    services = models.ManyToManyField(
        "directory.Service", blank=True, related_name="norms", verbose_name=_("services")
    )
    sites = models.ManyToManyField(
        "directory.Site", blank=True, related_name="norms", verbose_name=_("sites")
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)

    # A temporary authorisation lapses on its sunset date (the worker turns it "expirée"); any
    # other is reviewed on its review date. Reminders go out before either.
    review_on = models.DateField(_("review date"), null=True, blank=True, db_index=True)
    sunset_on = models.DateField(_("sunset date"), null=True, blank=True, db_index=True)

    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        blank=True,
        related_name="norms",
        verbose_name=_("initiatives that need or relied on it"),
    )
    cooperations = models.ManyToManyField(
        "cooperations.Cooperation",
        blank=True,
        related_name="norms",
        verbose_name=_("cooperations that relied on it"),
    )

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="proposed_norms",
        verbose_name=_("proposed by"),
    )
    # Folded title and text (riposte.core.text.fold), for an accent-blind search.
    search_key = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("norm or authorisation")
        verbose_name_plural = _("norms and authorisations")
        indexes = [models.Index(fields=["status", "-updated_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="norm_title_not_empty"),
            models.CheckConstraint(condition=~Q(text=""), name="norm_text_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=NormStatus.values), name="norm_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("norms:detail", args=[self.pk])

    @property
    def lapses_on(self) -> dt.date | None:
        """The sunset date, while it applies (LAPSING)."""
        return self.sunset_on if self.status in LAPSING else None

    @property
    def next_date(self) -> dt.date | None:
        """The first date something is due: its sunset while it applies, or its review."""
        dates = [d for d in (self.lapses_on, self.review_on) if d is not None]
        return min(dates) if dates else None

    @property
    def next_is_sunset(self) -> bool:
        return self.lapses_on is not None and self.next_date == self.lapses_on


class NormVersion(models.Model):
    """One state of a norm's title and text: who wrote it, when, and why."""

    norm = models.ForeignKey(Norm, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX)
    text = models.TextField(max_length=TEXT_MAX)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    # The version a decision "adapt" wrote: the page says so in the reader's language.
    decision = models.ForeignKey(
        "norms.Decision", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["norm", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["norm", "number"], name="norm_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="norm_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.norm_id} v{self.number}"


class StatusCause(models.TextChoices):
    """What moved a status besides a person's own words (shown in the reader's language)."""

    NONE = "", ""
    CONSULTATION = "consultation", _("a consultation opened")
    SUNSET = "sunset", _("its sunset date passed")


class StatusChange(models.Model):
    """Every change of a norm's status, with who (None: the worker), when and why: `reason` in
    the words of whoever changed it (a decision's rationale), `cause` when the change follows
    from something else."""

    norm = models.ForeignKey(Norm, models.CASCADE, related_name="status_changes")
    before = models.CharField(max_length=20, choices=NormStatus.choices, blank=True)
    after = models.CharField(max_length=20, choices=NormStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    cause = models.CharField(max_length=20, choices=StatusCause.choices, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["norm", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.norm_id}: {self.before} → {self.after}"


class Testimony(models.Model):
    """ "J'ai utilisé cette autorisation": what it made possible, what went wrong."""

    norm = models.ForeignKey(Norm, models.CASCADE, related_name="testimonies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="norm_testimonies"
    )
    made_possible = models.TextField(_("what it made possible"), max_length=5000)
    went_wrong = models.TextField(_("what went wrong"), max_length=5000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        constraints = [
            models.CheckConstraint(condition=~Q(made_possible=""), name="testimony_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.norm_id}"


class Reminder(models.Model):
    """A reminder sent before a review or sunset date: the unique constraint sends each once."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("review")
        SUNSET = "sunset", _("sunset")

    norm = models.ForeignKey(Norm, models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["norm", "kind", "due_on", "days_before"], name="norm_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(days_before__gte=0), name="norm_reminder_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.norm_id} {self.kind} {self.due_on} -{self.days_before}d"


__all__ = [
    "IN_FORCE",
    "LAPSING",
    "Norm",
    "NormKind",
    "NormStatus",
    "NormVersion",
    "Reminder",
    "StatusChange",
    "Testimony",
]
