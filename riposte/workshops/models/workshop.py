"""A workshop in the "three steps" format: its axes, their steps, and who takes part."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX = 200
PITCH_MAX = 20_000
GUEST_NAME_MAX = 120


class WorkshopStatus(models.TextChoices):
    PREPARING = "preparing", _("In preparation")
    LIVE = "live", _("Live")
    # A workshop (masculine in French: "clos"), not a consultation ("close").
    CLOSED = "closed", pgettext_lazy("workshop", "Closed")


class Workshop(models.Model):
    """One afternoon (or morning) of work: a pitch, axes, each worked in steps; then a roadmap.

    `revision` goes up by one at every change of the board: a page that receives change number
    n + 2 after n knows it missed one and reloads the board (see consumers.py)."""

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    group_name = models.CharField(_("group"), max_length=TITLE_MAX, blank=True)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    pitch = models.TextField(_("pitch (Markdown)"), max_length=PITCH_MAX, blank=True)
    pitch_html = models.TextField(editable=False, default="")
    status = models.CharField(
        _("status"), max_length=12, choices=WorkshopStatus.choices, default=WorkshopStatus.PREPARING
    )
    dots_per_participant = models.PositiveSmallIntegerField(_("dots per participant"), default=5)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="workshops_facilitated",
        verbose_name=_("facilitators"),
    )
    # "Bring everyone": the axis every participant's board scrolls to.
    focus_axis = models.ForeignKey(
        "workshops.Axis", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="workshops_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="workshop_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=WorkshopStatus.values), name="workshop_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(dots_per_participant__gte=1, dots_per_participant__lte=50),
                name="workshop_dots_1_to_50",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == WorkshopStatus.CLOSED


class Participant(models.Model):
    """An agent, or an external guest known by name only. A guest enters through a secret link
    that opens this workshop and no other; only a digest of its key is stored."""

    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="participants")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,  # their notes are the workshop's record
        null=True,
        blank=True,
        related_name="workshop_participations",
    )
    guest_name = models.CharField(_("guest's name"), max_length=GUEST_NAME_MAX, blank=True)
    guest_key_digest = models.CharField(max_length=64, blank=True, editable=False)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "agent"],
                condition=Q(agent__isnull=False),
                name="workshop_participant_once",
            ),
            models.UniqueConstraint(
                fields=["guest_key_digest"],
                condition=~Q(guest_key_digest=""),
                name="workshop_guest_key_unique",
            ),
            # An agent, or a named guest with a key: never both, never neither.
            models.CheckConstraint(
                condition=(Q(agent__isnull=False) & Q(guest_name="") & Q(guest_key_digest=""))
                | (Q(agent__isnull=True) & ~Q(guest_name="") & ~Q(guest_key_digest="")),
                name="workshop_participant_agent_or_guest",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.agent) if self.agent is not None else self.guest_name

    @property
    def is_guest(self) -> bool:
        return self.agent_id is None


class Axis(models.Model):
    workshop = models.ForeignKey(Workshop, models.CASCADE, related_name="axes")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["workshop", "position", "id"]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="workshop_axis_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class StepKind(models.TextChoices):
    """The three steps of the format; a facilitator may add steps of their own ("other")."""

    WHERE = "where", _("Where to go?")
    RESOURCES = "resources", _("With which resources or levers?")
    STAGES = "stages", _("Through which stages?")
    OTHER = "other", _("Other")


class Step(models.Model):
    """A column of sticky notes. Locked: nobody posts or moves notes in it any more. Hidden: each
    participant sees only their own notes until the facilitator reveals them."""

    axis = models.ForeignKey(Axis, models.CASCADE, related_name="steps")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    kind = models.CharField(max_length=12, choices=StepKind.choices, default=StepKind.OTHER)
    position = models.PositiveSmallIntegerField(default=0)
    is_locked = models.BooleanField(_("locked"), default=False)
    notes_hidden = models.BooleanField(_("notes hidden until revealed"), default=False)

    class Meta:
        ordering = ["axis", "position", "id"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="workshop_step_title_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=StepKind.values), name="workshop_step_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title
