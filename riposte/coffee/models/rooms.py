"""Always-open coffee rooms, and who is in them now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CoffeeRoom(models.Model):
    """ "La machine à café de Bobigny", "pause des nouveaux arrivants": a video room that is
    always open, by site or by theme."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    site = models.ForeignKey(
        "directory.Site", models.SET_NULL, null=True, blank=True, related_name="coffee_rooms",
        verbose_name=_("site"),
    )  # fmt: skip
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    room = models.CharField(max_length=64, unique=True, editable=False)
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("coffee room")
        verbose_name_plural = _("coffee rooms")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="coffee_room_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Presence(models.Model):
    """One open connection (a browser tab) of an agent in a room. Rows of closed connections are
    deleted on disconnect; `seen_at` lets the worker drop those of a process that died."""

    room = models.ForeignKey(CoffeeRoom, models.CASCADE, related_name="presences")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    joined_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["room", "agent"])]

    def __str__(self) -> str:
        return f"{self.agent_id} in {self.room_id}"
