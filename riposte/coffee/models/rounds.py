"""Rounds of random coffees, and the groups each round made.

A round is run once: its groups are written in the same transaction that stamps `ran_at`, so a
second run (another worker, a retry) finds it done and changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    scheduled_on = models.DateField(_("scheduled on"), unique=True)
    seed = models.BigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)
    # What the run found: counts, the agents nobody could be paired with (and why), and the
    # figures of the statistics page, kept when the groups are purged (retention).
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("coffee round")
        verbose_name_plural = _("coffee rounds")

    def __str__(self) -> str:
        return f"#{self.number} ({self.scheduled_on})"


class Group(models.Model):
    round = models.ForeignKey(Round, models.CASCADE, related_name="groups")
    # The video room's name: random and long enough not to be guessed (riposte.coffee.video).
    room = models.CharField(max_length=64, unique=True, editable=False)
    slot_start = models.DateTimeField(_("when"), null=True, blank=True)
    slot_end = models.DateTimeField(null=True, blank=True)
    slot_moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_start__isnull=True) | Q(slot_end__gt=F("slot_start")),
                name="coffee_slot_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"group {self.pk} of round {self.round_id}"


class GroupMember(models.Model):
    group = models.ForeignKey(Group, models.CASCADE, related_name="members")
    # The round again, so that the database refuses an agent twice in one round.
    round = models.ForeignKey(Round, models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    # After the slot: "did you meet?" (None: not answered) and "we'd like to work together".
    met = models.BooleanField(null=True, blank=True)
    wants_cooperation = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "agent"], name="coffee_once_per_round"),
        ]
        indexes = [models.Index(fields=["agent", "round"])]

    def __str__(self) -> str:
        return f"{self.agent_id} in {self.group_id}"
