"""Workshops in Django's admin, for administrators: find a workshop, fix a typo in its details,
change its facilitators. Its structure, participants and guests are shown read only: the pages
change them through the services, which tell the open boards (live.board_changed)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from riposte.core.markdown import render_markdown
from riposte.workshops.models import Axis, Participant, Workshop


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AxisInline(_ReadOnlyInline):
    model = Axis
    fields = ("position", "title")
    readonly_fields = fields


class ParticipantInline(_ReadOnlyInline):
    model = Participant
    # Never the digest of a guest's key: it is no business of anybody's.
    fields = ("agent", "guest_name", "joined_at")
    readonly_fields = fields


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("title", "held_on", "status", "group_name")
    list_filter = ("status",)
    search_fields = ("title", "group_name")
    date_hierarchy = "held_on"
    filter_horizontal = ("facilitators",)
    raw_id_fields = ("created_by",)
    readonly_fields = (
        "status",
        "revision",
        "focus_axis",
        "timer_ends_at",
        "created_at",
        "updated_at",
    )
    exclude = ("pitch_html",)
    inlines = [AxisInline, ParticipantInline]

    def save_model(self, request: HttpRequest, obj: Workshop, form: Any, change: bool) -> None:
        # The page shows the rendered pitch: keep it in step with the Markdown.
        obj.pitch_html = render_markdown(obj.pitch)
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
