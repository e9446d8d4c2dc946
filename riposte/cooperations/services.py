"""Writes on actors and cooperations: propose, validate, merge duplicates, record, confirm.

Every function checks who may act (rules.py) and raises PermissionDenied otherwise, so the pages
and the API share one set of rules. Multi-row writes run in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from riposte.cooperations import rules
from riposte.cooperations.duplicates import distinct_from
from riposte.cooperations.metrics import graph_changed
from riposte.cooperations.models import (
    Actor,
    ActorKind,
    ActorStatus,
    Cooperation,
    CooperationActor,
    CooperationStatus,
    Event,
)
from riposte.core.audit import audit_record
from riposte.core.models import AuditEntry
from riposte.core.text import fold
from riposte.directory.models import Agent, Commune, Service
from riposte.initiatives.models import Initiative, Theme


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def name_key(name: str) -> str:
    """What two spellings of one organisation share: "Secours Populaire - 93" and "secours
    populaire 93" give "secours populaire 93"."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(name)).split())


def actor_duplicates(*, name: str, siret: str = "", exclude: Actor | None = None) -> list[Actor]:
    """Live actors that are probably the same organisation: same folded name, or same SIRET.
    `exclude`: the actor being edited; those a facilitator said are other organisations than it
    share its name without being duplicates (a same SIRET still is one)."""
    key = name_key(name)
    siret = re.sub(r"\s+", "", siret)
    # A name of punctuation only folds to "": it says nothing of the organisation.
    match = Q(name_key=key) if key else Q(pk__in=[])
    if key and exclude is not None:
        match &= ~Q(pk__in=distinct_from(exclude.pk))
    if siret:
        match |= Q(siret=siret)
    found = Actor.objects.filter(match, merged_into__isnull=True)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return list(found.order_by("pk")[:5])


@dataclass
class ActorData:
    """What the form (or the API) says of an actor. Texts are plain text, never HTML."""

    name: str
    kind: str
    service: Service | None = None
    commune: Commune | None = None
    latitude: float | None = None
    longitude: float | None = None
    website: str = ""
    siret: str = ""
    description: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_public: bool = False


def _write_actor(actor: Actor, data: ActorData, *, allow_same_name: bool = False) -> None:
    """Check and save. `allow_same_name`: the agent saw the actors of the same name and says this
    is another organisation (two "Restos du cœur" of two communes); facilitators see the pair in
    their queue. A same SIRET is always the same organisation."""
    if data.kind == ActorKind.SERVICE and data.service is not None and not data.name.strip():
        data.name = data.service.name
    actor.name = " ".join(data.name.split())
    actor.name_key = name_key(actor.name)
    actor.kind = data.kind
    actor.service = data.service if data.kind == ActorKind.SERVICE else None
    actor.commune = data.commune
    actor.latitude, actor.longitude = data.latitude, data.longitude
    actor.website = data.website.strip()
    actor.siret = re.sub(r"\s+", "", data.siret)
    actor.description = data.description.strip()
    actor.contact_name = data.contact_name.strip()
    actor.contact_email = data.contact_email.strip()
    actor.contact_phone = data.contact_phone.strip()
    actor.contact_public = data.contact_public
    actor.updated_at = timezone.now()
    if not actor.name_key:
        raise ValidationError({"name": _("Give the actor's name, in letters or digits.")})
    if data.kind == ActorKind.SERVICE and data.service is None:
        raise ValidationError({"service": _("Choose the service in the directory.")})
    if data.kind == ActorKind.SERVICE:
        existing = (
            Actor.objects.filter(service=data.service, merged_into__isnull=True)
            .exclude(pk=actor.pk)
            .first()
        )
        if existing is not None:
            raise ValidationError(
                {"service": _("This service is already an actor: “%(name)s”.")
                    % {"name": existing.name}}
            )  # fmt: skip
    if actor.siret and not re.fullmatch(r"[0-9]{14}", actor.siret):
        raise ValidationError({"siret": _("A SIRET number has 14 digits.")})
    if (actor.latitude is None) != (actor.longitude is None):
        raise ValidationError({"latitude": _("Give both the latitude and the longitude.")})
    duplicates = actor_duplicates(name=actor.name, siret=actor.siret, exclude=actor)
    same_siret = [d for d in duplicates if actor.siret and d.siret == actor.siret]
    if same_siret:
        raise ValidationError(
            {"siret": _("“%(name)s” already has this SIRET number: it is the same organisation.")
                % {"name": same_siret[0].name}}
        )  # fmt: skip
    if duplicates and not allow_same_name:
        raise ValidationError(
            {"name": _("“%(name)s” is already known under this name: choose it rather than "
                       "create it twice.") % {"name": duplicates[0].name}}
        )  # fmt: skip
    actor.full_clean(exclude=["proposed_by", "validated_by", "merged_into"])
    try:
        with transaction.atomic():  # a savepoint: the unique constraints answer races
            actor.save()
    except IntegrityError as exc:
        raise ValidationError(_("This actor already exists (same service or SIRET).")) from exc


@transaction.atomic
def actor_propose(*, by: Agent, data: ActorData, allow_same_name: bool = False) -> Actor:
    """Any agent proposes an actor; a facilitator's proposal is validated at once."""
    actor = Actor(proposed_by=by)
    if by.is_facilitator or data.kind == ActorKind.SERVICE:
        # A service comes from the directory: there is nothing to check about it.
        actor.status, actor.validated_by, actor.validated_at = (
            ActorStatus.VALIDATED, by, timezone.now(),
        )  # fmt: skip
    _write_actor(actor, data, allow_same_name=allow_same_name)
    audit_record(actor=by, action="actor.propose", target=actor)
    graph_changed()
    return actor


@transaction.atomic
def actor_update(
    *, actor: Actor, by: Agent, data: ActorData, allow_same_name: bool = False
) -> Actor:
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    _require(rules.can_edit_actor(by, actor))
    _write_actor(actor, data, allow_same_name=allow_same_name)
    audit_record(actor=by, action="actor.update", target=actor)
    graph_changed()
    return actor


@transaction.atomic
def actor_validate(*, actor: Actor, by: Agent) -> Actor:
    _require(rules.can_validate_actor(by))
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if actor.merged_into_id is not None:
        raise ValidationError(_("This actor was merged into another one."))
    if actor.status == ActorStatus.VALIDATED:
        raise ValidationError(_("This actor is already validated."))
    actor.status, actor.validated_by, actor.validated_at = (
        ActorStatus.VALIDATED, by, timezone.now(),
    )  # fmt: skip
    actor.save(update_fields=["status", "validated_by", "validated_at"])
    audit_record(actor=by, action="actor.validate", target=actor)
    graph_changed()
    return actor


def actor_for_service(*, service: Service, by: Agent | None = None) -> Actor:
    """The actor of a directory service, created (validated) the first time it is needed."""
    existing = Actor.objects.filter(service=service, merged_into__isnull=True).first()
    if existing is not None:
        return existing
    now = timezone.now()
    actor = Actor(
        name=service.name, name_key=name_key(service.name), kind=ActorKind.SERVICE,
        service=service, status=ActorStatus.VALIDATED, proposed_by=by, validated_by=by,
        validated_at=now,
    )  # fmt: skip
    try:
        with transaction.atomic():
            actor.save()
    except IntegrityError:  # another request created it first
        return Actor.objects.get(service=service, merged_into__isnull=True)
    graph_changed()
    return actor


@transaction.atomic
def actor_merge(*, source: Actor, target: Actor, by: Agent) -> Actor:
    """Two records of one organisation become one: the source's cooperations (and the roles
    played in them) move to the target; the source stays, pointing to the target."""
    _require(rules.can_merge_actors(by))
    if source.pk == target.pk:
        raise ValidationError(_("An actor cannot be merged into itself."))
    locked = {
        a.pk: a for a in Actor.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise ValidationError(_("One of these actors was already merged into another one."))
    if source.kind == ActorKind.SERVICE and target.kind == ActorKind.SERVICE:
        raise ValidationError(_("Two services of the directory are two actors."))
    if source.kind == ActorKind.SERVICE:
        # The directory service would get a new actor the next time it is needed
        # (actor_for_service): the other record goes into the service, not the reverse.
        raise ValidationError(
            _("A service of the directory stays an actor: merge the other record into it.")
        )
    moved = 0
    for participation in CooperationActor.objects.filter(actor=source).select_for_update():
        twin = CooperationActor.objects.filter(
            cooperation_id=participation.cooperation_id, actor=target
        ).first()
        if twin is None:
            participation.actor = target
            participation.save(update_fields=["actor"])
        else:  # both took part: one row, the roles kept side by side
            if participation.role and participation.role not in twin.role:
                twin.role = "; ".join(r for r in (twin.role, participation.role) if r)[:200]
                twin.save(update_fields=["role"])
            participation.delete()
        moved += 1
    # What the target lacks, the source may know.
    for name in ("siret", "website", "description", "commune_id", "latitude", "longitude"):
        if getattr(target, name) in ("", None) and getattr(source, name) not in ("", None):
            setattr(target, name, getattr(source, name))
    source.siret = ""  # the SIRET is unique among live actors: it now belongs to the target
    source.merged_into, source.merged_at = target, timezone.now()
    source.save(update_fields=["siret", "merged_into", "merged_at"])
    # Records merged into the source earlier lead to the target in one step, not a chain.
    Actor.objects.filter(merged_into=source).update(merged_into=target)
    if source.status == ActorStatus.VALIDATED and target.status != ActorStatus.VALIDATED:
        # A facilitator already checked this organisation (and is merging it now).
        target.status, target.validated_by, target.validated_at = (
            ActorStatus.VALIDATED, by, timezone.now(),
        )  # fmt: skip
    target.updated_at = timezone.now()
    target.save()
    Cooperation.objects.filter(actors=target).update(updated_at=timezone.now())
    # Only the pairs of the target changed (the source's pairs became the target's).
    cooperations_unprecedented_refresh(actor_ids={target.pk})
    audit_record(
        actor=by, action="actor.merge", target=target,
        changes={"source": source.pk, "participations": moved},
    )  # fmt: skip
    graph_changed()
    return target


@dataclass
class CooperationData:
    title: str
    description: str
    started_on: dt.date
    actors: list[Actor] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)  # actor id -> role
    ended_on: dt.date | None = None
    event: Event | None = None
    themes: list[Theme] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)


def _write_cooperation(cooperation: Cooperation, data: CooperationData) -> set[int]:
    """Save it; return the actors it had before and has now (whose pairs may have changed)."""
    actors = {a.pk: a for a in data.actors}
    if len(actors) < 2:
        raise ValidationError({"actors": _("A cooperation has at least two actors.")})
    if any(a.merged_into_id is not None for a in actors.values()):
        raise ValidationError({"actors": _("One of the actors was merged into another one.")})
    if data.ended_on and data.ended_on < data.started_on:
        raise ValidationError({"ended_on": _("The end comes after the start.")})
    cooperation.title = " ".join(data.title.split())
    cooperation.description = data.description.strip()
    cooperation.started_on, cooperation.ended_on = data.started_on, data.ended_on
    cooperation.event = data.event
    cooperation.updated_at = timezone.now()
    cooperation.full_clean(exclude=["created_by", "suggested_from"])
    before = (
        set(cooperation.participations.values_list("actor_id", flat=True))
        if cooperation.pk
        else set()
    )
    cooperation.save()
    cooperation.participations.exclude(actor_id__in=actors).delete()
    for pk in actors:
        role = data.roles.get(pk, "").strip()[:200]
        CooperationActor.objects.update_or_create(
            cooperation=cooperation, actor_id=pk, defaults={"role": role}
        )
    cooperation.themes.set(data.themes)
    cooperation.initiatives.set(data.initiatives)
    return before | set(actors)


@transaction.atomic
def cooperation_create(*, by: Agent, data: CooperationData) -> Cooperation:
    """Any agent records a cooperation they took part in or know of."""
    cooperation = Cooperation(created_by=by)
    touched = _write_cooperation(cooperation, data)
    cooperations_unprecedented_refresh(actor_ids=touched)
    cooperation.refresh_from_db(fields=["is_unprecedented"])
    audit_record(actor=by, action="cooperation.create", target=cooperation)
    graph_changed()
    return cooperation


@transaction.atomic
def cooperation_update(
    *, cooperation: Cooperation, by: Agent, data: CooperationData
) -> Cooperation:
    cooperation = Cooperation.objects.select_for_update().get(pk=cooperation.pk)
    _require(rules.can_edit_cooperation(by, cooperation))
    touched = _write_cooperation(cooperation, data)
    cooperations_unprecedented_refresh(actor_ids=touched)
    cooperation.refresh_from_db(fields=["is_unprecedented"])
    audit_record(actor=by, action="cooperation.update", target=cooperation)
    graph_changed()
    return cooperation


@transaction.atomic
def cooperation_confirm(*, cooperation: Cooperation, by: Agent) -> Cooperation:
    """A facilitator confirms a cooperation Riposte suggested: from now on it counts."""
    _require(rules.can_confirm_cooperation(by))
    cooperation = Cooperation.objects.select_for_update().get(pk=cooperation.pk)
    if cooperation.status == CooperationStatus.DECLINED:
        raise ValidationError(_("This suggestion was turned down: it can no longer be confirmed."))
    if cooperation.status != CooperationStatus.SUGGESTED:
        raise ValidationError(_("This cooperation is already confirmed."))
    cooperation.status = CooperationStatus.CONFIRMED
    cooperation.updated_at = timezone.now()
    cooperation.save(update_fields=["status", "updated_at"])
    cooperations_unprecedented_refresh(
        actor_ids=set(cooperation.participations.values_list("actor_id", flat=True))
    )
    audit_record(actor=by, action="cooperation.confirm", target=cooperation)
    graph_changed()
    return cooperation


@transaction.atomic
def cooperation_delete(*, cooperation: Cooperation, by: Agent) -> None:
    """A facilitator removes a cooperation recorded by mistake. Deleting a suggestion turns it
    down (cooperation_decline): its row must stay, or the initiative would be suggested again."""
    _require(rules.can_delete_cooperation(by))
    if cooperation.status == CooperationStatus.SUGGESTED:
        cooperation_decline(cooperation=cooperation, by=by)
        return
    if cooperation.status == CooperationStatus.DECLINED:
        raise ValidationError(
            _("This suggestion was turned down: it is kept so that it is not suggested again.")
        )
    actor_ids = set(cooperation.participations.values_list("actor_id", flat=True))
    audit_record(actor=by, action="cooperation.delete", target=cooperation)
    try:
        with transaction.atomic():
            cooperation.delete()
    except ProtectedError as exc:  # a debrief (and the guide) rest on it: they are not lost
        raise ValidationError(
            _("This cooperation has a debrief: it stays, so that the debrief is not lost.")
        ) from exc
    cooperations_unprecedented_refresh(actor_ids=actor_ids)
    graph_changed()


# The audit action that records who turned a suggestion down, and when.
DECLINED = "cooperation.decline"


@transaction.atomic
def cooperation_decline(*, cooperation: Cooperation, by: Agent) -> Cooperation:
    """A facilitator turns down a suggestion: it is kept, declined, so that cooperations_suggest
    never brings it back (one suggestion per initiative, in the database), and is shown nowhere.
    A suggestion never counted: no "inédite" and no graph to recompute."""
    _require(rules.can_decline_cooperation(by))
    cooperation = Cooperation.objects.select_for_update().get(pk=cooperation.pk)
    if cooperation.status == CooperationStatus.DECLINED:
        raise ValidationError(_("This suggestion is already turned down."))
    if cooperation.status != CooperationStatus.SUGGESTED:
        raise ValidationError(_("Only a suggestion can be turned down: this one is confirmed."))
    cooperation.status = CooperationStatus.DECLINED
    cooperation.updated_at = timezone.now()
    cooperation.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by, action=DECLINED, target=cooperation,
        changes={"status": [CooperationStatus.SUGGESTED, CooperationStatus.DECLINED],
                 "initiative": cooperation.suggested_from_id},
    )  # fmt: skip
    return cooperation


def _declined_before_the_status() -> set[int]:
    """Initiatives whose suggestion was turned down before "declined" existed: the suggestion
    was deleted then, and only its audit entry (aimed at the initiative) remembers it."""
    entries = AuditEntry.objects.filter(
        action=DECLINED,
        content_type=ContentType.objects.get_for_model(Initiative),
    )
    return {int(pk) for pk in entries.values_list("object_id", flat=True) if pk.isdigit()}


def cooperations_suggest(
    *, since: dt.datetime | None = None, initiative_ids: list[int] | None = None
) -> list[Cooperation]:
    """Suggest a cooperation for each initiative whose authors come from two services or more:
    they already work together. A facilitator confirms each suggestion. Running it again
    suggests nothing twice (one suggestion per initiative, in the database; a turned-down one
    stays, declined). `initiative_ids`: look at these initiatives only."""
    initiatives = Initiative.objects.filter(
        submitted_at__isnull=False, merged_into__isnull=True, suggested_cooperations__isnull=True
    ).exclude(pk__in=_declined_before_the_status())
    # An initiative someone already tied to a cooperation by hand needs no suggestion.
    initiatives = initiatives.exclude(
        pk__in=Cooperation.initiatives.through.objects.values("initiative_id")
    )
    if since is not None:
        initiatives = initiatives.filter(submitted_at__gte=since)
    if initiative_ids is not None:
        initiatives = initiatives.filter(pk__in=initiative_ids)
    created = []
    for initiative in initiatives.select_related("author__service").prefetch_related(
        "coauthors__service"
    ):
        services = {
            a.service for a in [initiative.author, *initiative.coauthors.all()] if a.service
        }
        if len(services) < 2:
            continue
        with transaction.atomic():
            actors = [actor_for_service(service=s) for s in sorted(services, key=lambda s: s.pk)]
            cooperation = Cooperation(
                title=initiative.title[:200],
                description=_("Suggested from the initiative “%(title)s”, whose authors come from %(count)d services.")
                % {"title": initiative.title, "count": len(services)},
                started_on=timezone.localdate(initiative.submitted_at),
                status=CooperationStatus.SUGGESTED,
                suggested_from=initiative,
            )  # fmt: skip
            try:
                with transaction.atomic():
                    cooperation.save()
            except IntegrityError:
                continue  # suggested meanwhile by another run
            CooperationActor.objects.bulk_create(
                [CooperationActor(cooperation=cooperation, actor=a) for a in actors]
            )
            cooperation.initiatives.add(initiative)
            cooperation.themes.set(initiative.themes.all())
        created.append(cooperation)
    return created


def cooperations_unprecedented_refresh(*, actor_ids: set[int] | None = None) -> int:
    """Recompute "inédite" (two of its actors had never cooperated before it started) for the
    confirmed cooperations of these actors, or for all. Returns how many changed.

    A cooperation is new for a pair of actors when no confirmed cooperation before it, in
    (start date, id) order, had both. Only the cooperations sharing an actor with a change can
    change, and they are all read here with every earlier cooperation of their actors.
    """
    confirmed = Cooperation.objects.filter(status=CooperationStatus.CONFIRMED)
    if actor_ids is not None:
        if not actor_ids:
            return 0
        # Everything a pair of these actors' cooperations could depend on: the cooperations of
        # every actor that shares a cooperation with them.
        neighbours = CooperationActor.objects.filter(
            cooperation__in=confirmed.filter(participations__actor_id__in=actor_ids)
        ).values("actor_id")
        scope = confirmed.filter(participations__actor_id__in=neighbours).distinct()
        affected = set(
            confirmed.filter(participations__actor_id__in=actor_ids).values_list("pk", flat=True)
        )
    else:
        scope = confirmed
        affected = None
    order = {
        pk: (started, pk)
        for pk, started in scope.order_by()
        .values_list("pk", "started_on")
        .iterator(chunk_size=5000)
    }
    members: dict[int, list[int]] = defaultdict(list)
    rows = CooperationActor.objects.filter(cooperation_id__in=scope.values("pk")).values_list(
        "cooperation_id", "actor_id"
    )
    for cooperation_id, actor_id in rows.iterator(chunk_size=5000):
        members[cooperation_id].append(actor_id)
    seen: set[tuple[int, int]] = set()
    verdict: dict[int, bool] = {}
    for pk in sorted(order, key=order.__getitem__):
        pairs = set(combinations(sorted(members.get(pk, ())), 2))
        if affected is None or pk in affected:
            verdict[pk] = bool(pairs - seen)
        seen |= pairs
    changed = 0
    for value in (True, False):
        ids = [pk for pk, new in verdict.items() if new is value]
        for start in range(0, len(ids), 5000):
            changed += (
                Cooperation.objects.filter(pk__in=ids[start : start + 5000])
                .exclude(is_unprecedented=value)
                .update(is_unprecedented=value)
            )
    # Suggestions (and those turned down) do not count, and are never "inédites" themselves.
    Cooperation.objects.exclude(status=CooperationStatus.CONFIRMED).filter(
        is_unprecedented=True
    ).update(is_unprecedented=False)
    return changed


def new_pairs(cooperation: Cooperation) -> list[tuple[Actor, Actor]]:
    """The pairs of its actors that worked together for the first time in it (the page shows
    why a cooperation is "inédite")."""
    actors = sorted(cooperation.actors.all(), key=lambda a: a.pk)
    earlier = (
        Cooperation.objects.filter(status=CooperationStatus.CONFIRMED)
        .filter(
            Q(started_on__lt=cooperation.started_on)
            | Q(started_on=cooperation.started_on, pk__lt=cooperation.pk)
        )
        .filter(participations__actor__in=actors)
    )
    together: set[tuple[int, int]] = set()
    ids = {a.pk for a in actors}
    links = CooperationActor.objects.filter(
        cooperation__in=earlier.values("pk"), actor_id__in=ids
    ).values_list("cooperation_id", "actor_id")
    by_cooperation: dict[int, list[int]] = defaultdict(list)
    for cooperation_id, actor_id in links:
        by_cooperation[cooperation_id].append(actor_id)
    for members in by_cooperation.values():
        together |= set(combinations(sorted(members), 2))
    return [(a, b) for a, b in combinations(actors, 2) if (a.pk, b.pk) not in together]


@dataclass
class EventData:
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    description: str = ""


def _write_event(event: Event, data: EventData) -> Event:
    event.name = " ".join(data.name.split())
    event.kind = data.kind
    event.starts_on, event.ends_on = data.starts_on, data.ends_on
    event.description = data.description.strip()
    if event.ends_on and event.ends_on < event.starts_on:
        raise ValidationError({"ends_on": _("The end comes after the start.")})
    event.full_clean()
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as exc:  # the same name saved meanwhile
        raise ValidationError({"name": _("An emergency already has this name.")}) from exc
    return event


@transaction.atomic
def event_create(*, by: Agent, data: EventData) -> Event:
    """Facilitators keep the list of emergencies that cooperations are tied to."""
    _require(rules.can_manage_events(by))
    event = _write_event(Event(), data)
    audit_record(actor=by, action="event.create", target=event)
    return event


@transaction.atomic
def event_update(*, event: Event, by: Agent, data: EventData) -> Event:
    _require(rules.can_manage_events(by))
    event = _write_event(Event.objects.select_for_update().get(pk=event.pk), data)
    audit_record(actor=by, action="event.update", target=event)
    return event
