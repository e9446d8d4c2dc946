"""Consultations (time-boxed votes on a norm), their ballots, and the decisions that follow.

A ballot is never stored beside its voter when the consultation is secret. `Voter` says who took
part (one row per agent: the database refuses a second); `Ballot` says what was chosen, found
again by a keyed hash of (consultation, agent) so that a voter can change their mind until the
close. Without the server's secret key nothing links the two: a ballot carries no timestamp and a
random id, so neither its order nor its time matches a voter's.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riposte.norms.models.register import Norm

QUESTION_MAX = 300
REASON_MAX = 2000


class Method(models.TextChoices):
    VOTE = "vote", _("Simple vote (for / against / abstain)")
    CONSENT = "consent", _("Consent (consent / objection with a reason)")


class Electorate(models.TextChoices):
    ALL = "all", _("All agents")
    SERVICE = "service", _("The agents of a service")
    ROLE = "role", _("The agents with a role")


class Choice(models.TextChoices):
    FOR = "pour", _("For")
    AGAINST = "contre", _("Against")
    ABSTAIN = "abstention", _("Abstain")
    CONSENT = "consentement", _("Consent")
    OBJECTION = "objection", _("Objection")


CHOICES_BY_METHOD = {
    Method.VOTE: (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN),
    Method.CONSENT: (Choice.CONSENT, Choice.OBJECTION),
}


class Consultation(models.Model):
    norm = models.ForeignKey(Norm, models.CASCADE, related_name="consultations")
    question = models.CharField(_("question"), max_length=QUESTION_MAX)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    electorate = models.CharField(
        _("who may vote"), max_length=10, choices=Electorate.choices, default=Electorate.ALL
    )
    # With electorate=service: the agents of this service and of the services under it.
    service = models.ForeignKey(
        "directory.Service",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    role = models.CharField(_("role"), max_length=20, blank=True)
    quorum = models.PositiveIntegerField(_("quorum (minimum number of voters)"), default=0)
    secret = models.BooleanField(_("secret ballot"), default=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the worker once the consultation has opened and its electorate was told.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the worker at the close, with the frozen result; never changed after.
    sealed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="consultation_method_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(electorate=Electorate.ALL, service__isnull=True, role="")
                    | Q(electorate=Electorate.SERVICE, service__isnull=False, role="")
                    | (Q(electorate=Electorate.ROLE, service__isnull=True) & ~Q(role=""))
                ),
                name="consultation_electorate_consistent",
            ),
            models.CheckConstraint(
                condition=Q(sealed_at__isnull=True) | Q(result__isnull=False),
                name="consultation_sealed_with_result",
            ),
            # One consultation at a time on a norm.
            models.UniqueConstraint(
                fields=["norm"],
                condition=Q(sealed_at__isnull=True),
                name="consultation_one_running_per_norm",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def is_open(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        return (now or timezone.now()) >= self.closes_at

    @property
    def choices(self) -> tuple[Choice, ...]:
        return CHOICES_BY_METHOD[Method(self.method)]


class Voter(models.Model):
    """Who took part (not what they chose): one row per agent and consultation."""

    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="voters")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "agent"], name="vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} voted in {self.consultation_id}"


class Ballot(models.Model):
    """What one voter chose. `voter` is set only in a public consultation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, models.CASCADE, related_name="ballots")
    # HMAC-SHA256 of (consultation, agent) under the server's secret (riposte.norms.ballots).
    key = models.CharField(max_length=64, editable=False)
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    choice = models.CharField(max_length=20, choices=Choice.choices)
    reason = models.TextField(max_length=REASON_MAX, blank=True)
    # An objection must be answered: by whom is public (a facilitator), never who objected.
    answer = models.TextField(max_length=REASON_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "key"], name="ballot_once"),
            models.CheckConstraint(
                condition=Q(choice__in=Choice.values), name="ballot_choice_valid"
            ),
            models.CheckConstraint(
                condition=~Q(choice=Choice.OBJECTION) | ~Q(reason=""),
                name="ballot_objection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"ballot in {self.consultation_id}"


class Outcome(models.TextChoices):
    KEEP = "keep", _("Keep it")
    ADAPT = "adapt", _("Adapt it (new text)")
    WITHDRAW = "withdraw", _("Withdraw it")


class Decision(models.Model):
    """What a decision-maker decided, why, and when it will be reviewed again."""

    norm = models.ForeignKey(Norm, models.CASCADE, related_name="decisions")
    consultation = models.OneToOneField(
        Consultation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("after the consultation"),
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    rationale = models.TextField(_("rationale"), max_length=5000)
    new_text = models.TextField(_("new text"), max_length=10_000, blank=True)
    decided_on = models.DateField(_("decided on"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="norm_decisions"
    )
    # Set by the worker once the agents of the norm's scope were told (announcements.py).
    scope_told_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="decision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.ADAPT) | ~Q(new_text=""),
                name="decision_adapt_has_text",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.WITHDRAW) | Q(next_review_on__isnull=False),
                name="decision_kept_has_review",
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True) | Q(next_review_on__gt=F("decided_on")),
                name="decision_review_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.decided_on})"
