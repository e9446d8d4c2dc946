"""The practical guide: editions compiled from the published debriefs, in chapters (one grouping
by theme, one by emergency) that facilitators order, introduce and prune, then publish.

A published edition is frozen: its whole content is kept as a JSON snapshot, which its pages and
its PDF are built from, so that nothing done later (a debrief edited, a theme renamed) changes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 5000


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Grouping(models.TextChoices):
    THEME = "theme", _("By theme")
    EVENT = "event", _("By emergency")


class GuideEdition(models.Model):
    status = models.CharField(
        _("status"), max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    # 1, 2, 3...: given at publication; a draft has none.
    number = models.PositiveIntegerField(_("edition"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), max_length=TEXT_MAX, blank=True)
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    compiled_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The frozen content of a published edition (riposte/cooperations/guide.py, edition_content).
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    # What changed since the previous edition: {"previous": n, "added": [...], "removed": [...],
    # "changed": [...]}, computed from the two snapshots at publication.
    changes = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-number", "-id"]
        verbose_name = _("guide edition")
        verbose_name_plural = _("guide editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EditionStatus.values), name="guide_edition_status_valid"
            ),
            models.UniqueConstraint(
                fields=["number"], condition=Q(number__isnull=False), name="guide_edition_number"
            ),
            # One draft at a time: the facilitators work on the same next edition.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=EditionStatus.DRAFT),
                name="guide_edition_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status=EditionStatus.DRAFT, number__isnull=True, snapshot__isnull=True)
                | Q(
                    status=EditionStatus.PUBLISHED,
                    number__gte=1,
                    snapshot__isnull=False,
                    published_at__isnull=False,
                ),
                name="guide_edition_published_is_frozen",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="guide_edition_has_title"),
        ]

    def __str__(self) -> str:
        if self.number:
            return str(_("Edition %(number)s") % {"number": self.number})
        return str(_("Draft edition"))

    def get_absolute_url(self) -> str:
        if self.number:
            return reverse("cooperations:guide-edition", args=[self.number])
        return reverse("cooperations:guide-draft")

    @property
    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT


class GuideChapter(models.Model):
    """A chapter of an edition: a theme, or an emergency (no event: the cooperations outside
    any declared emergency)."""

    edition = models.ForeignKey(GuideEdition, models.CASCADE, related_name="chapters")
    grouping = models.CharField(max_length=10, choices=Grouping.choices)
    theme = models.ForeignKey(
        "initiatives.Theme", models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "cooperations.Event", models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), max_length=TEXT_MAX, blank=True)
    # The introduction is edited with optimistic concurrency, as the debriefs are: the form
    # carries the version it started from, and a save from an older one is refused.
    intro_version = models.PositiveIntegerField(default=0)
    intro_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    intro_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["grouping", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grouping=Grouping.THEME, theme__isnull=False, event__isnull=True)
                | Q(grouping=Grouping.EVENT, theme__isnull=True),
                name="guide_chapter_grouping_matches",
            ),
            models.UniqueConstraint(
                fields=["edition", "theme"],
                condition=Q(theme__isnull=False),
                name="guide_chapter_theme_once",
            ),
            models.UniqueConstraint(
                fields=["edition", "event"],
                condition=Q(event__isnull=False),
                name="guide_chapter_event_once",
            ),
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(grouping=Grouping.EVENT, event__isnull=True),
                name="guide_chapter_no_event_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language: a theme's name in it, as the guide's pages say."""
        if self.theme is not None:
            return str(self.theme)
        return self.title or str(_("Outside any declared emergency"))

    @property
    def key(self) -> str:
        """What identifies the chapter from one edition to the next."""
        if self.grouping == Grouping.THEME:
            return f"theme:{self.theme_id}"
        return f"event:{self.event_id or 0}"


class GuideEntry(models.Model):
    """A debrief quoted in a chapter, at the revision that was published when it was compiled."""

    chapter = models.ForeignKey(GuideChapter, models.CASCADE, related_name="entries")
    debrief = models.ForeignKey(
        "cooperations.Debrief", models.PROTECT, related_name="guide_entries"
    )
    revision = models.ForeignKey(
        "cooperations.DebriefRevision", models.PROTECT, related_name="guide_entries"
    )
    position = models.PositiveIntegerField(default=0)
    left_out = models.BooleanField(_("left out"), default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "debrief"], name="guide_entry_once"),
        ]

    def __str__(self) -> str:
        return f"chapter {self.chapter_id}: debrief {self.debrief_id}"


class GuidePdf(models.Model):
    """An edition's PDF in one language, built once (by the worker, riposte/cooperations/tasks.py)
    and served to every download: a 500-debrief guide takes the best part of a minute to build.
    `digest` says which content and layout it was built from, so a kept PDF is never stale."""

    edition = models.ForeignKey(GuideEdition, models.CASCADE, related_name="pdfs")
    language = models.CharField(max_length=10)
    digest = models.CharField(max_length=64)
    data = models.BinaryField()
    pages = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "language", "digest"], name="guide_pdf_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} ({self.language}, {self.pages} pages)"


__all__ = ["EditionStatus", "Grouping", "GuideChapter", "GuideEdition", "GuideEntry", "GuidePdf"]
