from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from riposte.directory.models import (
    Agent,
    AgentSupportProfile,
    ApiToken,
    Commune,
    Service,
    Site,
    Skill,
)


class SupportProfileInline(admin.TabularInline):
    model = AgentSupportProfile
    extra = 0


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "service", "role", "is_active"]
    list_filter = ["role", "is_active", "service__level"]
    search_fields = ["search_text", "email"]
    autocomplete_fields = ["service", "site"]
    filter_horizontal = ["skills"]
    inlines = [SupportProfileInline]
    readonly_fields = ["last_login", "date_joined", "oidc_sub"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identity", {"fields": ["first_name", "last_name", "job_title", "phone"]}),
        ("Organisation", {"fields": ["service", "site", "skills"]}),
        ("Access", {"fields": ["role", "is_active", "oidc_sub", "last_login", "date_joined"]}),
        ("Preferences", {"fields": ["language", "email_frequency"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "service",
                    "role",
                    "password1",
                    "password2",
                ]
            },
        )
    ]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "address"]
    search_fields = ["name", "address"]
    list_filter = ["commune"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "territory", "population"]
    search_fields = ["name", "insee_code"]
    list_filter = ["territory"]


admin.site.register(Skill, search_fields=["name"])


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["agent", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["agent", "name", "hint", "created_at", "last_used_at"]
    exclude = ["token_hash"]
