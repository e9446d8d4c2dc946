"""The debate: arguments for and against a norm, and who they convinced.

Replies to an argument are the core's threaded comments (riposte.core.comments) on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riposte.norms.models.register import Norm

ARGUMENT_TITLE_MAX = 120
ARGUMENT_BODY_MAX = 2000


class Side(models.TextChoices):
    FOR = "pour", _("For")
    AGAINST = "contre", _("Against")


class Argument(models.Model):
    norm = models.ForeignKey(Norm, models.CASCADE, related_name="arguments")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    title = models.CharField(_("the argument in one line"), max_length=ARGUMENT_TITLE_MAX)
    body = models.TextField(_("explanation"), max_length=ARGUMENT_BODY_MAX, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="norm_arguments"
    )
    # How many agents it convinced: kept equal to the Endorsement rows by the services, in the
    # same transaction, so that the strongest arguments sort without a join.
    endorsements_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-endorsements_count", "created_at", "id"]
        verbose_name = _("argument")
        verbose_name_plural = _("arguments")
        indexes = [models.Index(fields=["norm", "side", "-endorsements_count"])]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="argument_title_not_empty"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="argument_side_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Endorsement(models.Model):
    """ "Cet argument me convainc": once per agent and argument."""

    argument = models.ForeignKey(Argument, models.CASCADE, related_name="endorsements")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="norm_endorsements"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["argument", "agent"], name="endorse_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} → {self.argument_id}"
