"""Actors, the emergencies they cooperated in, and their cooperations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NAME_MAX = 200
TEXT_MAX = 5000


class ActorKind(models.TextChoices):
    SERVICE = "service", _("Internal service")
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITY = "intercommunalite", _("EPT / intercommunality")
    ASSOCIATION = "association", _("Association")
    COMPANY = "entreprise", _("Company")
    STATE = "etat", _("State service")
    THIRD_PLACE = "tiers_lieu", _("Tiers-lieu / Fabrique de territoire")
    SCHOOL = "etablissement_scolaire", _("School")
    HOSPITAL = "hopital", _("Hospital")
    OTHER = "autre", _("Other")


class ActorStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")  # by any agent, shown with a mark until validated
    VALIDATED = "validated", _("Validated")  # by a facilitator


class Actor(models.Model):
    """Someone who cooperated: an internal service of the directory or an outside organisation.

    Contact details are personal data: they are shown only when `contact_public` says that the
    person agreed to their publication (RGPD), and are otherwise kept for facilitators alone.
    """

    name = models.CharField(_("name"), max_length=NAME_MAX)
    # The name folded (accents, case, punctuation, spaces): two actors with the same key are the
    # same organisation written twice (riposte.core.text.fold).
    name_key = models.CharField(max_length=NAME_MAX, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=ActorKind.choices)
    service = models.ForeignKey(
        "directory.Service",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        verbose_name=_("service in the directory"),
    )
    commune = models.ForeignKey(
        "directory.Commune",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        verbose_name=_("commune"),
    )
    # Where to draw it on the map; the commune's centre when not given.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_public = models.BooleanField(
        _("the contact person agreed to the publication of these details"), default=False
    )

    status = models.CharField(
        _("status"), max_length=20, choices=ActorStatus.choices, default=ActorStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    # A duplicate merged into another keeps its row, so that old links lead somewhere.
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="actor_name_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=ActorKind.values), name="actor_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ActorStatus.values), name="actor_status_valid"
            ),
            # An internal service is an actor through the directory, and only a service is.
            models.CheckConstraint(
                condition=Q(kind=ActorKind.SERVICE, service__isnull=False)
                | (~Q(kind=ActorKind.SERVICE) & Q(service__isnull=True)),
                name="actor_service_iff_kind_service",
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="actor_siret_14_digits",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="actor_not_merged_into_itself"
            ),
            # One live actor per directory service and per SIRET: a second one is a duplicate.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(service__isnull=False, merged_into__isnull=True),
                name="actor_one_per_service",
            ),
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret="") & Q(merged_into__isnull=True),
                name="actor_one_per_siret",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="actor_latitude_valid",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="actor_longitude_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cooperations:actor", args=[self.pk])

    @property
    def position(self) -> tuple[float, float] | None:
        """Where the map draws it: its own point, or its commune's centre, or nowhere."""
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.commune is not None:
            return self.commune.latitude, self.commune.longitude
        return None


class EventKind(models.TextChoices):
    LOCKDOWN = "confinement", _("Lockdown")
    EPIDEMIC = "epidemie", _("Epidemic")
    HEATWAVE = "canicule", _("Heatwave")
    FLOOD = "inondation", _("Flood")
    STORM = "tempete", _("Storm")
    SOCIAL = "crise_sociale", _("Social crisis")
    OTHER = "autre", _("Other")


class Event(models.Model):
    """An emergency or crisis that cooperations may be tied to: the lockdown of March 2020..."""

    name = models.CharField(_("name"), max_length=NAME_MAX, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="event_name_not_empty"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CooperationStatus(models.TextChoices):
    # Suggested by Riposte from an initiative whose co-authors come from different services;
    # a facilitator confirms it or turns it down.
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    # Turned down: kept (never shown, never counted) so that the initiative it came from is not
    # suggested again; who turned it down, and when, is in the audit log.
    DECLINED = "declined", _("Turned down")


class Cooperation(models.Model):
    title = models.CharField(_("title"), max_length=NAME_MAX)
    description = models.TextField(_("what was done"), max_length=TEXT_MAX)
    actors = models.ManyToManyField(
        Actor, through="CooperationActor", related_name="cooperations", verbose_name=_("actors")
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    event = models.ForeignKey(
        Event,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperations",
        verbose_name=_("emergency"),
    )
    themes = models.ManyToManyField(
        "initiatives.Theme", blank=True, related_name="cooperations", verbose_name=_("themes")
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        blank=True,
        related_name="cooperations",
        verbose_name=_("initiatives"),
    )
    # "Inédite": at least two of its actors had never cooperated before it started. Computed by
    # services.cooperation_unprecedented_refresh from the earlier cooperations, never typed in.
    is_unprecedented = models.BooleanField(_("unprecedented"), default=False, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CooperationStatus.choices,
        default=CooperationStatus.CONFIRMED,
    )
    suggested_from = models.ForeignKey(
        "initiatives.Initiative",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggested_cooperations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")
        indexes = [models.Index(fields=["started_on", "id"], name="cooperation_started")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="cooperation_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(description=""), name="cooperation_description_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cooperation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CooperationStatus.values),
                name="cooperation_status_valid",
            ),
            # One suggestion per initiative: suggesting again finds the first one.
            models.UniqueConstraint(
                fields=["suggested_from"],
                condition=Q(suggested_from__isnull=False),
                name="cooperation_suggested_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperations:detail", args=[self.pk])


class CooperationActor(models.Model):
    """An actor's part in a cooperation (a cooperation has two or more: services.py checks it,
    since a constraint cannot count rows)."""

    cooperation = models.ForeignKey(Cooperation, models.CASCADE, related_name="participations")
    actor = models.ForeignKey(Actor, models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cooperation", "actor"], name="cooperation_actor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} in {self.cooperation_id}"


class DistinctActors(models.Model):
    """Two actors a facilitator said are two organisations, though they look like one record
    written twice (the same folded name: two "Restos du cœur" of two communes): the pair is no
    longer offered as a duplicate to merge. Stored once per pair, the smaller id first."""

    first = models.ForeignKey(Actor, models.CASCADE, related_name="+")
    second = models.ForeignKey(Actor, models.CASCADE, related_name="+")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first", "second"]
        verbose_name = _("pair of distinct actors")
        verbose_name_plural = _("pairs of distinct actors")
        constraints = [
            # One order for a pair, so that the unique constraint sees (a, b) and (b, a) as one.
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="distinct_actors_ordered"
            ),
            models.UniqueConstraint(fields=["first", "second"], name="distinct_actors_once"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class GraphMetrics(models.Model):
    """The network metrics of the whole graph (degree, betweenness, communities), computed by the
    worker with networkx and kept here so that every process and page reads the same figures.
    `fingerprint` says which state of the graph they were computed from."""

    fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    data = models.JSONField(default=dict)

    class Meta:
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"metrics {self.fingerprint[:8]} at {self.computed_at:%Y-%m-%d %H:%M}"
