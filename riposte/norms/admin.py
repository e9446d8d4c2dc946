"""The norms module in Django's admin, for administrators.

Secret ballots stay secret here too: `Ballot` and `Voter` are not registered, and a consultation
shows its counts only (how many took part; its frozen result once sealed, which the norm's page
shows to everyone by then), read-only. The register's rows are edited through the pages, where
the services keep the versions and the status history: the admin reads them, and moderates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from riposte.norms.models import (
    Argument,
    Consultation,
    Decision,
    Norm,
    NormVersion,
    StatusChange,
    Testimony,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is not rewritten from the admin: the services record who did what and when."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(ReadOnlyInline):
    model = NormVersion
    readonly_fields = fields = ("number", "title", "author", "note", "decision", "created_at")


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    readonly_fields = fields = ("before", "after", "by", "reason", "cause", "at")


@admin.register(Norm)
class NormAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "review_on", "sunset_on", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["search_key"]
    readonly_fields = [
        "title", "text", "kind", "status", "version", "origin_event", "origin", "origin_date",
        "granted_by", "roles", "review_on", "sunset_on", "proposed_by", "created_at", "updated_at",
    ]  # fmt: skip
    exclude = ["services", "sites", "initiatives", "cooperations"]
    inlines = [VersionInline, StatusChangeInline]


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Hidden")), ("no", _("Shown"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


@admin.register(Argument)
class ArgumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "norm", "side", "author", "endorsements_count", "hidden_at"]
    list_filter = ["side", HiddenFilter]
    search_fields = ["title"]
    readonly_fields = [
        "norm", "side", "title", "body", "author", "endorsements_count", "created_at",
        "hidden_at", "hidden_by",
    ]  # fmt: skip


@admin.register(Testimony)
class TestimonyAdmin(ReadOnlyAdmin):
    list_display = ["norm", "author", "created_at", "hidden_at"]
    list_filter = [HiddenFilter]
    readonly_fields = [
        "norm", "author", "made_possible", "went_wrong", "created_at", "hidden_at", "hidden_by",
    ]  # fmt: skip


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["norm", "outcome", "decided_on", "next_review_on", "decided_by"]
    list_filter = ["outcome"]
    readonly_fields = [
        "norm", "consultation", "outcome", "rationale", "new_text", "decided_on",
        "next_review_on", "decided_by", "created_at",
    ]  # fmt: skip


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    """Counts only: never a ballot, never a voter's name (see the module's docstring)."""

    list_display = ["question", "norm", "method", "opens_at", "closes_at", "secret", "turnout"]
    list_filter = ["method", "secret"]
    readonly_fields = fields = (
        "norm", "question", "method", "opens_at", "closes_at", "electorate", "service", "role",
        "quorum", "secret", "opened_by", "created_at", "turnout", "sealed_at", "frozen_result",
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consultation]:
        return super().get_queryset(request).annotate(voter_count=Count("voters"))

    @admin.display(description=_("turnout (number of voters)"), ordering="voter_count")
    def turnout(self, obj: Consultation) -> int:
        return obj.voter_count  # type: ignore[attr-defined]

    @admin.display(description=_("frozen result"))
    def frozen_result(self, obj: Consultation) -> Any:
        # Frozen at the close (the norm's page shows it then); nothing before.
        return obj.result if obj.sealed_at is not None else "—"
