"""The coffee machine in Django's admin, for administrators: memberships, rounds (with "run this
round now"), the always-open rooms; groups are read-only (the rounds write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from riposte.coffee.models import CoffeeRoom, Group, GroupMember, Membership, Round
from riposte.coffee.services import round_run
from riposte.coffee.video import room_name


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("agent", "frequency", "group_size", "preference", "paused_until", "joined_at")
    list_filter = ("frequency", "group_size", "preference")
    search_fields = ("agent__email", "agent__last_name", "agent__first_name")
    raw_id_fields = ("agent",)


@admin.action(description=_("Run this round now"))
def run_round_now(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Round]
) -> None:
    for round_ in queryset.order_by("number"):
        outcome = round_run(round_=round_)
        report = outcome.round.report
        if not outcome.ran:
            modeladmin.message_user(
                request, _("Round %(number)d had already run: nothing changed.") % {"number": round_.number},
                messages.WARNING,
            )  # fmt: skip
            continue
        unplaced = len(report.get("unplaced", []))
        modeladmin.message_user(
            request,
            ngettext(
                "Round %(number)d: %(groups)d groups, %(unplaced)d agent unplaced.",
                "Round %(number)d: %(groups)d groups, %(unplaced)d agents unplaced.",
                unplaced,
            )
            % {"number": round_.number, "groups": len(outcome.groups), "unplaced": unplaced},
            messages.SUCCESS,
        )


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("number", "scheduled_on", "ran_at")
    readonly_fields = ("ran_at", "report")
    actions = [run_round_now]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A round that ran keeps its number, date and seed: its groups came from them.
        if obj is not None and obj.ran_at is not None:
            return ("number", "scheduled_on", "seed", "ran_at", "report")
        return ("ran_at", "report")


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    fields = ("agent", "met", "wants_cooperation", "answered_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("pk", "round", "slot_start", "score")
    list_filter = ("round",)
    inlines = [GroupMemberInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CoffeeRoom)
class CoffeeRoomAdmin(admin.ModelAdmin):
    list_display = ("name", "site", "theme", "is_open")
    list_filter = ("is_open",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "theme")

    def save_model(self, request: HttpRequest, obj: CoffeeRoom, form: Any, change: bool) -> None:
        if not obj.room:
            obj.room = room_name()  # the video room's name: random, never typed in
        super().save_model(request, obj, form, change)
