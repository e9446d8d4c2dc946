"""Reads on actors, emergencies and cooperations: the filtered lists, an actor's partners, the
facilitators' queue. Shared by the pages and the API."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)

from riposte.cooperations.duplicates import distinct_from, distinct_pairs, pair
from riposte.cooperations.models import (
    Actor,
    ActorStatus,
    Cooperation,
    CooperationActor,
    CooperationStatus,
)
from riposte.cooperations.services import DECLINED, name_key
from riposte.core.models import AuditEntry
from riposte.core.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


def _words(query: str) -> list[str]:
    return _WORD.findall(fold(query))[:MAX_WORDS]


class _Folded(Func):
    """A text column without accents, for an accent-blind `icontains` (the query is folded).

    PostgreSQL has `unaccent` (the initiatives' search installed it); SQLite gets `fold` itself as
    a function of the connection (see _prepare_fold)."""

    output_field = TextField()
    template = "lower(%(expressions)s)"

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="lower(unaccent(%(expressions)s))")

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="riposte_fold(%(expressions)s)")


def _prepare_fold() -> None:
    # Registered on each query: a persistent connection is reopened now and then, and the
    # registration is a cheap call on the open one.
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function(  # type: ignore[attr-defined]
            "riposte_fold", 1, lambda v: fold(v) if v is not None else None, deterministic=True
        )


def _folded(field: str) -> _Folded:
    return _Folded(F(field))


# --- actors ------------------------------------------------------------------------------------


@dataclass
class ActorFilters:
    q: str = ""
    kind: str = ""
    commune: str = ""  # INSEE code
    status: str = ""


def actors_list(filters: ActorFilters) -> QuerySet[Actor]:
    """Live actors (a merged record leads to its target, it is not listed), by name."""
    qs = Actor.objects.filter(merged_into__isnull=True)
    for word in _WORD.findall(name_key(filters.q))[:MAX_WORDS]:
        qs = qs.filter(name_key__contains=word)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.commune:
        qs = qs.filter(commune__insee_code=filters.commune)
    if filters.status in ActorStatus.values:
        qs = qs.filter(status=filters.status)
    return qs.select_related("commune").order_by("name_key", "id")


def actor_target(actor: Actor) -> Actor:
    """Where a merged record leads today (merges repoint older ones, but be safe with chains)."""
    seen = {actor.pk}
    while actor.merged_into_id is not None:
        actor = Actor.objects.get(pk=actor.merged_into_id)
        if actor.pk in seen:  # impossible by the constraints; never loop
            break
        seen.add(actor.pk)
    return actor


@dataclass
class Partner:
    actor: Actor
    count: int


def actor_partners(actor: Actor, *, limit: int = 50) -> list[Partner]:
    """The actors it cooperated with (confirmed cooperations), most frequent first."""
    mine = CooperationActor.objects.filter(
        actor=actor, cooperation__status=CooperationStatus.CONFIRMED
    ).values("cooperation_id")
    rows = (
        CooperationActor.objects.filter(cooperation_id__in=mine)
        .exclude(actor=actor)
        .values("actor_id")
        .annotate(n=Count("cooperation_id", distinct=True))
        .order_by("-n", "actor_id")[:limit]
    )
    counts = {r["actor_id"]: r["n"] for r in rows}
    actors = Actor.objects.in_bulk(list(counts))
    return [
        Partner(actors[pk], n)
        for pk, n in sorted(counts.items(), key=lambda i: (-i[1], actors[i[0]].name_key))
    ]


def actor_choices() -> QuerySet[Actor]:
    """The actors a cooperation may name: live ones, proposed included (marked)."""
    return (
        Actor.objects.filter(merged_into__isnull=True)
        .select_related("commune")
        .only("id", "name", "name_key", "kind", "status", "commune__name")
        .order_by("name_key", "id")
    )


# --- cooperations ------------------------------------------------------------------------------


@dataclass
class CooperationFilters:
    q: str = ""
    event: int | None = None
    theme: str = ""  # slug
    actor: int | None = None
    unprecedented: bool = False
    since: dt.date | None = None
    until: dt.date | None = None


def cooperations_list(filters: CooperationFilters) -> QuerySet[Cooperation]:
    """Confirmed cooperations, latest first. The period keeps those that were under way in it.

    Many-to-many filters are `id IN (...)` subqueries, as in the initiatives' list: no duplicates,
    no DISTINCT over the table before a page's LIMIT."""
    qs = Cooperation.objects.filter(status=CooperationStatus.CONFIRMED)
    if filters.event:
        qs = qs.filter(event_id=filters.event)
    if filters.theme:
        themes = Cooperation.themes.through.objects.filter(theme__slug=filters.theme)
        qs = qs.filter(pk__in=themes.values("cooperation_id"))
    if filters.actor:
        qs = qs.filter(
            pk__in=CooperationActor.objects.filter(actor_id=filters.actor).values("cooperation_id")
        )
    if filters.unprecedented:
        qs = qs.filter(is_unprecedented=True)
    if filters.until:
        qs = qs.filter(started_on__lte=filters.until)
    if filters.since:
        # No end means it goes on (the form says so): still under way after any date.
        qs = qs.filter(Q(ended_on__gte=filters.since) | Q(ended_on__isnull=True))
    words = _words(filters.q)
    if words:
        _prepare_fold()
        qs = qs.annotate(_title=_folded("title"), _description=_folded("description"))
        for word in words:
            by_actor = CooperationActor.objects.filter(
                cooperation_id=OuterRef("pk"), actor__name_key__contains=word
            )
            qs = qs.filter(
                Q(_title__contains=word) | Q(_description__contains=word) | Exists(by_actor)
            )
    return qs.select_related("event").order_by("-started_on", "-id")


def with_actors(cooperations: list[Cooperation]) -> list[Cooperation]:
    """Give each cooperation of a page `.actor_list` (its actors by name) in one query."""
    by_cooperation: dict[int, list[Actor]] = {c.pk: [] for c in cooperations}
    rows = (
        CooperationActor.objects.filter(cooperation_id__in=list(by_cooperation))
        .select_related("actor")
        .order_by("actor__name_key")
    )
    for row in rows:
        by_cooperation[row.cooperation_id].append(row.actor)
    for cooperation in cooperations:
        cooperation.actor_list = by_cooperation[cooperation.pk]  # type: ignore[attr-defined]
    return cooperations


# --- the facilitators' queue -------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    """Live actors sharing a folded name or a SIRET: probably one organisation, to merge.
    `pairs`: the pairs of them still to look at (a facilitator may have said that some are two
    organisations: those are left out, and so is an actor left in no pair)."""

    reason: str  # "name" or "siret"
    actors: list[Actor]
    pairs: list[tuple[Actor, Actor]] = field(default_factory=list)


def _open_pairs(actors: list[Actor], marked: set[tuple[int, int]]) -> list[tuple[Actor, Actor]]:
    return [(a, b) for a, b in combinations(actors, 2) if pair(a.pk, b.pk) not in marked]


def probable_duplicates(limit: int = 50) -> list[DuplicateGroup]:
    live = Actor.objects.filter(merged_into__isnull=True)
    groups: list[DuplicateGroup] = []
    keys = list(
        live.exclude(name_key="")
        .values("name_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name_key")
        .values_list("name_key", flat=True)
    )
    # A batch of names at a time, until `limit` groups are found: the groups whose every pair was
    # said to be two organisations are skipped, and must not hide the next ones.
    for start in range(0, len(keys), limit):
        if len(groups) >= limit:
            break
        members: dict[str, list[Actor]] = {}
        batch = keys[start : start + limit]
        for actor in live.filter(name_key__in=batch).select_related("commune").order_by("pk"):
            members.setdefault(actor.name_key, []).append(actor)
        marked = distinct_pairs(a.pk for found in members.values() for a in found)
        for key in sorted(members):
            pairs = _open_pairs(members[key], marked)
            if pairs:
                involved = {a.pk for p in pairs for a in p}
                actors = [a for a in members[key] if a.pk in involved]
                groups.append(DuplicateGroup("name", actors, pairs))
    # The database allows one live actor per SIRET; a same SIRET can only come from a data fix
    # by hand, but it costs one query to look. It is one organisation whatever was said.
    sirets = (
        live.exclude(siret="")
        .values("siret")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("siret", flat=True)[:limit]
    )
    for siret in sirets:
        actors = list(live.filter(siret=siret).order_by("pk"))
        groups.append(DuplicateGroup("siret", actors, list(combinations(actors, 2))))
    return groups[:limit]


def proposed_actors() -> QuerySet[Actor]:
    return (
        Actor.objects.filter(status=ActorStatus.PROPOSED, merged_into__isnull=True)
        .select_related("commune", "proposed_by")
        .order_by("created_at", "id")
    )


def suggested_cooperations() -> QuerySet[Cooperation]:
    return (
        Cooperation.objects.filter(status=CooperationStatus.SUGGESTED)
        .select_related("suggested_from")
        .order_by("-created_at", "-id")
    )


def declined_entry(cooperation: Cooperation) -> AuditEntry | None:
    """Who turned this suggestion down, and when (the audit entry of cooperation_decline)."""
    if cooperation.status != CooperationStatus.DECLINED:
        return None
    return (
        AuditEntry.objects.filter(
            action=DECLINED,
            content_type=ContentType.objects.get_for_model(Cooperation),
            object_id=str(cooperation.pk),
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def merge_preview(source: Actor) -> dict[str, Any]:
    """What moves when `source` goes into another actor: its cooperations and earlier merges."""
    return {
        "cooperations": list(
            Cooperation.objects.filter(participations__actor=source).order_by("-started_on")[:100]
        ),
        "merged": list(Actor.objects.filter(merged_into=source)),
    }


def merge_candidates(source: Actor) -> QuerySet[Actor]:
    """Actors `source` may go into: live, itself excluded, probable duplicates first (not those
    a facilitator said are other organisations: they stay choosable, among the rest)."""
    probable = Q(name_key=source.name_key) & ~Q(pk__in=distinct_from(source.pk))
    return (
        Actor.objects.filter(merged_into__isnull=True)
        .exclude(pk=source.pk)
        .annotate(other=Case(When(probable, then=Value(0)), default=Value(1)))
        .order_by("other", "name_key", "id")
    )
