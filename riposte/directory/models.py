"""The directory: agents, the service tree, sites and communes. The backbone of every module."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riposte.core.text import fold


class Commune(models.Model):
    insee_code = models.CharField(_("INSEE code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    postal_codes = models.CharField(_("postal codes"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    territory = models.CharField(_("territory"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A node of the organisation chart: direction > service > unit."""

    class Level(models.TextChoices):
        DIRECTION = "direction", _("Direction")
        SERVICE = "service", _("Service")
        UNIT = "unit", _("Unit")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            # A direction is a root; services and units always hang under something.
            models.CheckConstraint(
                condition=Q(level="direction", parent__isnull=True)
                | (Q(level__in=["service", "unit"]) & Q(parent__isnull=False)),
                name="service_level_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("directory:service", args=[self.code])


class Site(models.Model):
    """A building where agents work."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, models.PROTECT, related_name="sites", verbose_name=_("commune")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    FACILITATOR = "facilitator", _("Facilitator")
    DECISION_MAKER = "decision_maker", _("Decision-maker")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Administrator")


class SupportProfile(models.TextChoices):
    """What a member of the support team can help an initiative with."""

    DESIGN = "design", _("Design")
    FACILITATION = "facilitation", _("Facilitation")
    LEGAL = "legal", _("Legal")
    DATA = "data", _("Data")
    FUNDING = "funding", _("Funding")
    COMMUNICATION = "communication", _("Communication")


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Once a day (digest)")
    NEVER = "never", _("Never")


class AgentManager(BaseUserManager["Agent"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Agent:
        agent = self.model(email=self.normalize_email(email).lower(), **fields)
        agent.set_password(password)
        agent.save(using=self._db)
        return agent

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> Agent:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class Agent(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    service = models.ForeignKey(
        Service,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name=_("service"),
    )
    site = models.ForeignKey(
        Site, models.SET_NULL, null=True, blank=True, related_name="agents", verbose_name=_("site")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="agents", verbose_name=_("skills")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # ProConnect's stable subject identifier, set on the first OIDC login.
    oidc_sub = models.CharField(
        _("ProConnect identifier"), max_length=255, null=True, blank=True, unique=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    email_frequency = models.CharField(
        _("e-mail notifications"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.DAILY,
    )
    # Lower-case, accent-free copy of names, e-mail, job and service, so that "celia" finds "Célia"
    # with the same query on SQLite and PostgreSQL. Maintained by save().
    search_text = models.TextField(editable=False, default="", db_index=False)

    objects = AgentManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="agent_role_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.lower()
        self.search_text = self.build_search_text()
        # The admin role is Django's superuser: one notion of "administrator", not two.
        self.is_superuser = self.role == Role.ADMIN
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_text",
                "email",
                "is_superuser",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:agent", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_staff(self) -> bool:  # type: ignore[override]
        """Django's admin site is for administrators only."""
        return self.role == Role.ADMIN and self.is_active

    def build_search_text(self) -> str:
        parts = [self.first_name, self.last_name, self.email, self.job_title]
        if self.service_id and (service := self.service):
            parts += [service.name, service.code]
        return fold(" ".join(parts))

    def has_role(self, *roles: str) -> bool:
        """Administrators may do what every other role may do."""
        return self.role == Role.ADMIN or self.role in roles

    @property
    def is_facilitator(self) -> bool:
        return self.has_role(Role.FACILITATOR)

    @property
    def is_decision_maker(self) -> bool:
        return self.has_role(Role.DECISION_MAKER)

    @property
    def is_moderator(self) -> bool:
        return self.has_role(Role.MODERATOR)


class AgentSupportProfile(models.Model):
    """Membership of the support team, one row per profile the agent offers."""

    agent = models.ForeignKey(Agent, models.CASCADE, related_name="support_profiles")
    profile = models.CharField(_("profile"), max_length=20, choices=SupportProfile.choices)

    class Meta:
        verbose_name = _("support-team profile")
        verbose_name_plural = _("support-team profiles")
        constraints = [
            models.UniqueConstraint(fields=["agent", "profile"], name="support_profile_once"),
            models.CheckConstraint(
                condition=Q(profile__in=SupportProfile.values), name="support_profile_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_profile_display()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored: the raw value is shown once."""

    PREFIX = "rip_"

    agent = models.ForeignKey(Agent, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, shown in lists so that an agent recognises a token without its secret.
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
