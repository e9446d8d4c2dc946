"""Field initiatives: what an agent brings forward, who supports it, where it stands, who helps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from riposte.directory.models import SupportProfile

TITLE_MAX = 200
LISTED = Q(submitted_at__isnull=False, merged_into__isnull=True)
TEXT_MAX = 5000


class Theme(models.Model):
    """A theme initiatives are filed under; the list is data, loaded by a migration."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name


class Stage(models.TextChoices):
    """The way of an initiative, from spotted to sustained or spread (or given up)."""

    SPOTTED = "reperee", _("Spotted")
    QUALIFIED = "qualifiee", _("Qualified")
    SUPPORTED = "accompagnee", _("Supported")
    ACCELERATED = "acceleree", _("Accelerated")
    SUSTAINED = "perennisee", _("Sustained")
    SPREAD = "essaimee", _("Spread")
    ABANDONED = "abandonnee", _("Abandoned")


class Initiative(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    problem = models.TextField(_("the problem"), max_length=TEXT_MAX, blank=True)
    idea = models.TextField(_("the idea"), max_length=TEXT_MAX, blank=True)
    beneficiaries = models.TextField(_("who benefits"), max_length=TEXT_MAX, blank=True)
    tried = models.TextField(_("what has been tried"), max_length=TEXT_MAX, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,  # an author's initiatives are never lost with their account
        related_name="initiatives",
        verbose_name=_("author"),
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coauthored_initiatives",
        verbose_name=_("co-authors"),
    )
    services = models.ManyToManyField(
        "directory.Service", blank=True, related_name="initiatives", verbose_name=_("services")
    )
    communes = models.ManyToManyField(
        "directory.Commune", blank=True, related_name="initiatives", verbose_name=_("communes")
    )
    whole_department = models.BooleanField(_("the whole département"), default=False)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="initiatives", verbose_name=_("themes")
    )

    # What the initiative needs to go on.
    needs_time = models.BooleanField(_("time"), default=False)
    needs_budget = models.BooleanField(_("a budget"), default=False)
    budget_estimate = models.PositiveIntegerField(_("budget estimate (€)"), null=True, blank=True)
    needs_partners = models.TextField(_("partners"), max_length=TEXT_MAX, blank=True)
    needs_authorisation = models.BooleanField(_("an authorisation or a derogation"), default=False)
    authorisation = models.TextField(_("which authorisation"), max_length=TEXT_MAX, blank=True)

    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.SPOTTED
    )
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    # Null while a draft: drafts are seen by their authors only.
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # The similarity index (riposte/initiatives/similarity.py): the text's embedding, and when it
    # or the initiative's visibility last changed, so each process refreshes only what changed.
    embedding = models.BinaryField(null=True, editable=False)
    indexed_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        # The list's orders, over what it shows (submitted, not merged): most recent first.
        indexes = [
            models.Index(
                fields=["submitted_at", "id"], name="initiative_listed", condition=LISTED
            ),
            models.Index(
                fields=["stage", "submitted_at", "id"], name="initiative_listed_stage",
                condition=LISTED,
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="initiative_title_not_empty"),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="initiative_stage_valid"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="initiative_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(submitted_at__isnull=False),
                name="initiative_merged_was_submitted",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None

    def is_author(self, agent: object) -> bool:
        agent_pk = getattr(agent, "pk", None)
        return agent_pk is not None and (
            self.author_id == agent_pk or self.coauthors.filter(pk=agent_pk).exists()
        )


class StageChange(models.Model):
    """One move of an initiative from a stage to another: who, when and why. Never edited."""

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("why"), max_length=TEXT_MAX)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="stage_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.from_stage} → {self.to_stage}"


class Support(models.Model):
    """ "Je soutiens": once per agent and initiative."""

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="supports")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "agent"], name="support_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} ♥ {self.initiative_id}"


class Contribution(models.Model):
    """ "Je veux contribuer": an offer of help from any agent, with the skill they bring."""

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="contributions")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="contributions"
    )
    skill = models.CharField(_("what I can bring"), max_length=200)
    message = models.TextField(_("message"), max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "agent"], name="contribution_once"),
            models.CheckConstraint(condition=~Q(skill=""), name="contribution_has_skill"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} → {self.initiative_id}: {self.skill}"


class HelpRequest(models.Model):
    """A request to the support team for one profile (design, legal...), from triage to done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        ASSIGNED = "assigned", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    initiative = models.ForeignKey(Initiative, models.CASCADE, related_name="help_requests")
    profile = models.CharField(_("profile"), max_length=20, choices=SupportProfile.choices)
    message = models.TextField(_("what help is needed"), max_length=TEXT_MAX, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="help_assignments",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    help_given = models.TextField(_("help given"), max_length=TEXT_MAX, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [models.Index(fields=["status", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(profile__in=SupportProfile.values), name="help_request_profile_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "assigned", "done", "cancelled"]),
                name="help_request_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(assignee__isnull=False),
                name="help_request_assigned_has_assignee",
            ),
            # One live request per profile: asking twice for design help adds nothing.
            models.UniqueConstraint(
                fields=["initiative", "profile"],
                condition=Q(status__in=["open", "assigned"]),
                name="help_request_one_live_per_profile",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.profile} ({self.status})"
