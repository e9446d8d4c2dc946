"""Debriefs ("retours d'expérience"): what the people of a cooperation learned, in a structured
form. Each invited person contributes; a facilitator consolidates the contributions into one text,
every saved state of which is kept as a numbered revision; then it is reviewed and published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

FIELD_MAX = 5000

# The structured form, in the order it is asked and shown. The labels and the questions are
# what an agent reads: plain words, one question each.
DEBRIEF_FIELDS: tuple[tuple[str, _StrPromise, _StrPromise], ...] = (
    ("context", _("Context"), _("What was the emergency, who was there, what had to be done?")),
    ("what_worked", _("What worked"), _("What went well, and why?")),
    ("what_blocked", _("What blocked"), _("What slowed you down or stopped you?")),
    (
        "levers",
        _("Levers used"),
        _("Rules, tools, people or money that made it possible (a derogation, a shared file…)."),
    ),
    ("do_again", _("What to do again"), _("What you would do the same way next time.")),
    ("avoid", _("What to avoid"), _("What you would not do again.")),
    (
        "advice",
        _("Advice to a colleague"),
        _("What you would tell a colleague facing the same emergency tomorrow."),
    ),
)
FIELD_NAMES: tuple[str, ...] = tuple(name for name, _label, _question in DEBRIEF_FIELDS)


def _not_all_empty(prefix: str = "") -> Q:
    empty = Q(**{f"{prefix}{name}": "" for name in FIELD_NAMES})
    return ~empty


class DebriefStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class Debrief(models.Model):
    """The debrief of one cooperation. Its consolidated content (the fields below) is written by
    facilitators; `version` is the number of its latest revision (0: nothing written yet), which
    the editing form carries so that a stale form is refused instead of overwriting."""

    # A debrief is data that must never be lost: its cooperation cannot be deleted under it.
    cooperation = models.OneToOneField(
        "cooperations.Cooperation",
        models.PROTECT,
        related_name="debrief",
        verbose_name=_("cooperation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DebriefStatus.choices, default=DebriefStatus.DRAFT
    )
    context = models.TextField(_("context"), max_length=FIELD_MAX, blank=True)
    what_worked = models.TextField(_("what worked"), max_length=FIELD_MAX, blank=True)
    what_blocked = models.TextField(_("what blocked"), max_length=FIELD_MAX, blank=True)
    levers = models.TextField(_("levers used"), max_length=FIELD_MAX, blank=True)
    do_again = models.TextField(_("what to do again"), max_length=FIELD_MAX, blank=True)
    avoid = models.TextField(_("what to avoid"), max_length=FIELD_MAX, blank=True)
    advice = models.TextField(_("advice to a colleague"), max_length=FIELD_MAX, blank=True)
    themes = models.ManyToManyField(
        "initiatives.Theme", blank=True, related_name="debriefs", verbose_name=_("themes")
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="DebriefInvitation",
        through_fields=("debrief", "agent"),
        related_name="debrief_invitations",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The revision that was published: what the guide quotes, even if the debrief goes back to
    # draft afterwards.
    published_revision = models.ForeignKey(
        "DebriefRevision", models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("debrief")
        verbose_name_plural = _("debriefs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DebriefStatus.values), name="debrief_status_valid"
            ),
            # Published means: by someone, at some time, with content (a revision).
            models.CheckConstraint(
                condition=~Q(status=DebriefStatus.PUBLISHED)
                | Q(
                    published_at__isnull=False,
                    published_revision__isnull=False,
                    version__gte=1,
                ),
                name="debrief_published_has_revision",
            ),
            models.CheckConstraint(
                condition=~Q(status=DebriefStatus.REVIEW) | Q(submitted_at__isnull=False),
                name="debrief_review_was_submitted",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Debrief: %(title)s") % {"title": self.cooperation.title})

    def get_absolute_url(self) -> str:
        return reverse("cooperations:debrief", args=[self.cooperation_id])

    @property
    def is_published(self) -> bool:
        return self.status == DebriefStatus.PUBLISHED

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def sections(self) -> list[tuple[str, str, str]]:
        """(name, label, text) of the consolidated fields that say something, in order."""
        return [
            (name, str(label), getattr(self, name))
            for name, label, _question in DEBRIEF_FIELDS
            if getattr(self, name)
        ]


class DebriefInvitation(models.Model):
    """A person a facilitator asked to contribute: once per debrief."""

    debrief = models.ForeignKey(Debrief, models.CASCADE, related_name="invitations")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["debrief", "agent"], name="debrief_invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} → debrief {self.debrief_id}"


class DebriefContribution(models.Model):
    """One person's answers to the structured form: one per person, editable until publication."""

    debrief = models.ForeignKey(Debrief, models.CASCADE, related_name="contributions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,  # what someone wrote is not lost with their account
        related_name="debrief_contributions",
        verbose_name=_("author"),
    )
    context = models.TextField(_("context"), max_length=FIELD_MAX, blank=True)
    what_worked = models.TextField(_("what worked"), max_length=FIELD_MAX, blank=True)
    what_blocked = models.TextField(_("what blocked"), max_length=FIELD_MAX, blank=True)
    levers = models.TextField(_("levers used"), max_length=FIELD_MAX, blank=True)
    do_again = models.TextField(_("what to do again"), max_length=FIELD_MAX, blank=True)
    avoid = models.TextField(_("what to avoid"), max_length=FIELD_MAX, blank=True)
    advice = models.TextField(_("advice to a colleague"), max_length=FIELD_MAX, blank=True)
    themes = models.ManyToManyField(
        "initiatives.Theme", blank=True, related_name="+", verbose_name=_("themes")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("contribution to a debrief")
        verbose_name_plural = _("contributions to debriefs")
        constraints = [
            models.UniqueConstraint(fields=["debrief", "author"], name="debrief_contribution_once"),
            models.CheckConstraint(
                condition=_not_all_empty(), name="debrief_contribution_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} on debrief {self.debrief_id}"

    def content(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def sections(self) -> list[tuple[str, str, str]]:
        return [
            (name, str(label), getattr(self, name))
            for name, label, _question in DEBRIEF_FIELDS
            if getattr(self, name)
        ]


class DebriefRevision(models.Model):
    """A saved state of a debrief's consolidated content: numbered from 1, never edited."""

    debrief = models.ForeignKey(Debrief, models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    # {"fields": {name: text}, "themes": [slug, ...]}
    content = models.JSONField(default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            # Two facilitators saving at once cannot both make revision N: one of them is told.
            models.UniqueConstraint(fields=["debrief", "number"], name="debrief_revision_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="debrief_revision_from_1"),
        ]

    def __str__(self) -> str:
        return f"debrief {self.debrief_id} r{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "cooperations:debrief-revision", args=[self.debrief.cooperation_id, self.number]
        )

    @property
    def fields(self) -> dict[str, str]:
        stored = self.content.get("fields", {})
        return {name: stored.get(name, "") for name in FIELD_NAMES}


__all__ = [
    "DEBRIEF_FIELDS",
    "FIELD_NAMES",
    "Debrief",
    "DebriefContribution",
    "DebriefInvitation",
    "DebriefRevision",
    "DebriefStatus",
]
