"""Who takes part in the coffee machine, how often, with whom, and when they are free."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Half-days an agent may be free for a coffee: "mon-am" ... "fri-pm".
DAYS = ("mon", "tue", "wed", "thu", "fri")
SLOTS = tuple(f"{day}-{half}" for day in DAYS for half in ("am", "pm"))


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")

    @property
    def rounds(self) -> int:
        """Rounds are weekly: how many of them between two coffees of this agent."""
        return {"weekly": 1, "fortnightly": 2, "monthly": 4}[self.value]


class Preference(models.TextChoices):
    OTHER_SERVICES = "services", _("Meet other services")
    OTHER_SITES = "sites", _("Meet other sites")
    SURPRISE = "surprise", _("Surprise me")


class Membership(models.Model):
    """An agent's opt-in. Leaving deletes it (and the exclusions with it): nothing of the
    preferences is kept; the coffee history follows its own retention (settings)."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="coffee_membership"
    )
    frequency = models.CharField(
        _("how often"), max_length=12, choices=Frequency.choices, default=Frequency.FORTNIGHTLY
    )
    group_size = models.PositiveSmallIntegerField(
        _("group size"), default=2, choices=[(2, _("Two")), (3, _("Three"))]
    )
    preference = models.CharField(
        _("whom to meet"), max_length=10, choices=Preference.choices, default=Preference.SURPRISE
    )
    # Half-days (SLOTS) when the agent can take a coffee; empty means any time.
    availability = models.JSONField(_("availability"), default=list, blank=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coffee membership")
        verbose_name_plural = _("coffee memberships")
        constraints = [
            models.CheckConstraint(condition=Q(group_size__in=(2, 3)), name="coffee_group_2_or_3"),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="coffee_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(preference__in=Preference.values), name="coffee_preference_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} ({self.frequency})"

    def is_paused(self, on: dt.date) -> bool:
        return self.paused_until is not None and on <= self.paused_until


class Exclusion(models.Model):
    """Somebody the member never wants to be paired with. Never shown to the excluded person."""

    member = models.ForeignKey(Membership, models.CASCADE, related_name="exclusions")
    excluded = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "excluded"], name="coffee_exclude_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ≠ {self.excluded_id}"
