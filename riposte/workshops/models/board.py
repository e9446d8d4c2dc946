"""The live board: sticky notes in a step, clusters of notes, and the dots participants vote with."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riposte.workshops.models.workshop import Participant, Step

NOTE_MAX = 1_000
CLUSTER_TITLE_MAX = 120


class Cluster(models.Model):
    """Notes a facilitator or a participant put together under a title ("group them")."""

    step = models.ForeignKey(Step, models.CASCADE, related_name="clusters")
    title = models.CharField(_("title"), max_length=CLUSTER_TITLE_MAX)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["step", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="workshop_cluster_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    """A sticky note. `version` goes up at each edit or move: a change sent with an older
    version is refused, and the author is shown the note as it is now (no silent overwrite)."""

    step = models.ForeignKey(Step, models.CASCADE, related_name="notes")
    cluster = models.ForeignKey(
        Cluster, models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(Participant, models.PROTECT, related_name="notes")
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    text = models.TextField(_("note"), max_length=NOTE_MAX)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["step", "position", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="workshop_note_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="workshop_note_version_1"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Dot(models.Model):
    """One voting dot. A participant may put several on one note; how many in all is the
    workshop's `dots_per_participant`, checked under a lock on the participant's row."""

    note = models.ForeignKey(Note, models.CASCADE, related_name="dots")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="dots")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["participant", "note"])]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.note_id}"
