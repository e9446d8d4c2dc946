"""Reads on initiatives: what an agent may see, the filtered list, the search, the dashboard."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.utils import timezone

from riposte.core.models import Follow
from riposte.directory.models import Commune
from riposte.initiatives.models import HelpRequest, Initiative, Stage, StageChange

# The agent's own drafts (no submission date) come first whatever the database's NULL order.
SORTS = {
    "recent": (F("submitted_at").desc(nulls_first=True), "-id"),
    "oldest": (F("submitted_at").asc(nulls_first=True), "id"),
    "supports": ("-support_count", F("submitted_at").desc(nulls_first=True), "-id"),
    "title": ("title", "id"),
}


def drafts_of(agent: Any) -> QuerySet[Initiative]:
    """The agent's drafts, as author or co-author: the list page shows them apart."""
    coauthored = Initiative.coauthors.through.objects.filter(agent=agent).values("initiative_id")
    return Initiative.objects.filter(
        Q(author=agent) | Q(pk__in=coauthored), submitted_at__isnull=True
    ).order_by("-updated_at")


# What a list shows of an initiative; the rest (the vector above all, 1.5 KB) stays in the table.
LIST_FIELDS = (
    "id", "title", "problem", "stage", "submitted_at", "whole_department", "author__id",
    "author__first_name", "author__last_name", "author__email",
)  # fmt: skip


@dataclass
class Filters:
    stage: str = ""
    theme: str = ""
    service: str = ""
    commune: str = ""
    need: str = ""
    mine: bool = False
    followed: bool = False
    q: str = ""
    sort: str = "recent"


NEEDS = {
    "time": Q(needs_time=True),
    "budget": Q(needs_budget=True),
    "partners": ~Q(needs_partners=""),
    "authorisation": Q(needs_authorisation=True),
    "help": Q(
        pk__in=HelpRequest.objects.filter(status__in=["open", "assigned"]).values("initiative_id")
    ),
}


def initiatives_list(agent: Any, filters: Filters) -> QuerySet[Initiative]:
    """The browse list: the submitted initiatives that have not joined another, filtered and
    sorted. (Drafts are the author's own business: `drafts_of`.)

    Many-to-many filters are `id IN (...)` subqueries rather than joins: no duplicate rows, so no
    DISTINCT over the whole table before the LIMIT of a page, and PostgreSQL may start from the
    small side (the initiatives of one theme) rather than test every row.
    """
    qs = Initiative.objects.filter(submitted_at__isnull=False, merged_into__isnull=True)
    links = Initiative.themes.through, Initiative.services.through, Initiative.communes.through
    if filters.stage in Stage.values:
        qs = qs.filter(stage=filters.stage)
    if filters.theme:
        qs = qs.filter(
            pk__in=links[0].objects.filter(theme__slug=filters.theme).values("initiative_id")
        )
    if filters.service:
        qs = qs.filter(
            pk__in=links[1].objects.filter(service__code=filters.service).values("initiative_id")
        )
    if filters.commune:
        in_commune = links[2].objects.filter(commune__insee_code=filters.commune)
        qs = qs.filter(Q(pk__in=in_commune.values("initiative_id")) | Q(whole_department=True))
    if filters.need in NEEDS:
        qs = qs.filter(NEEDS[filters.need])
    if filters.mine:
        coauthored = Initiative.coauthors.through.objects.filter(agent=agent)
        qs = qs.filter(Q(author=agent) | Q(pk__in=coauthored.values("initiative_id")))
    if filters.followed:
        followed = Follow.objects.filter(
            agent=agent, content_type__app_label="initiatives", content_type__model="initiative"
        )
        qs = qs.filter(pk__in=followed.values("object_id"))
    if filters.q.strip():
        qs = qs.filter(pk__in=search_ids(filters.q))
    order = SORTS.get(filters.sort, SORTS["recent"])
    if filters.sort == "supports":
        qs = qs.annotate(support_count=Count("supports", distinct=True))
    return qs.select_related("author").prefetch_related("themes").order_by(*order)


_WORD = re.compile(r"\w+", re.UNICODE)


def search_ids(query: str) -> Any:
    """Ids of the initiatives matching every word of `query`: PostgreSQL full text in French
    (stems: "vélos" finds "vélo", accents ignored), SQLite FTS5 (prefixes, accents ignored)."""
    words = _WORD.findall(query)[:12]
    if not words:
        return Initiative.objects.none().values("pk")
    if connection.vendor == "postgresql":
        # The expression of the index of migration 0003, word for word, so PostgreSQL uses it.
        return RawSQL(
            "SELECT id FROM initiatives_initiative WHERE"
            " to_tsvector('riposte_french', title || ' ' || problem || ' ' || idea)"
            " @@ plainto_tsquery('riposte_french', %s)",
            [" ".join(words)],
        )
    match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    return RawSQL("SELECT rowid FROM initiatives_fts WHERE initiatives_fts MATCH %s", [match])


def triage_queue(profile: str = "", assignee: Any = None) -> QuerySet[HelpRequest]:
    """Help requests waiting for the support team, oldest first."""
    qs = HelpRequest.objects.filter(
        status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.ASSIGNED],
        initiative__merged_into__isnull=True,
    ).select_related("initiative", "assignee", "requested_by")
    if profile:
        qs = qs.filter(profile=profile)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    return qs.order_by("requested_at", "id")


def workload() -> list[Any]:
    """Requests in progress per member of the support team, heaviest first."""
    return list(
        HelpRequest.objects.filter(status=HelpRequest.Status.ASSIGNED)
        .values("assignee", "assignee__first_name", "assignee__last_name")
        .annotate(count=Count("id"))
        .order_by("-count", "assignee__last_name")
    )


@dataclass
class Dashboard:
    funnel: list[tuple[str, str, int]]
    median_days: list[tuple[str, float | None]]
    waiting_help: int
    per_service: list[tuple[str, int]]
    per_commune: list[tuple[str, int]]
    total: int


def dashboard(now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    open_ = Initiative.objects.filter(submitted_at__isnull=False, merged_into__isnull=True)
    counts = dict(open_.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    funnel = [(s.value, str(s.label), counts.get(s.value, 0)) for s in Stage]
    # Days spent in each stage: from each change to the next one of the same initiative (or now).
    durations: dict[str, list[float]] = {s.value: [] for s in Stage}
    previous: dict[int, tuple[str, datetime]] = {}
    changes = StageChange.objects.filter(initiative__in=open_).order_by("initiative_id", "at", "id")
    for initiative_id, to_stage, at in changes.values_list("initiative_id", "to_stage", "at"):
        if initiative_id in previous:
            stage, since = previous[initiative_id]
            durations[stage].append((at - since).total_seconds() / 86400)
        previous[initiative_id] = (to_stage, at)
    for stage, since in previous.values():
        durations[stage].append((now - since).total_seconds() / 86400)
    median_days = [
        (
            str(s.label),
            round(statistics.median(durations[s.value]), 1) if durations[s.value] else None,
        )
        for s in Stage
    ]
    waiting = open_.filter(help_requests__status=HelpRequest.Status.OPEN).distinct().count()
    per_service = list(
        open_.filter(services__isnull=False)
        .values_list("services__name")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "services__name")[:15]
    )
    per_commune = list(
        open_.filter(communes__isnull=False)
        .values_list("communes__name")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "communes__name")[:15]
    )
    return Dashboard(funnel, median_days, waiting, per_service, per_commune, open_.count())


@dataclass
class MapPoint:
    insee_code: str
    name: str
    latitude: float
    longitude: float
    count: int
    titles: list[tuple[int, str]]


def initiatives_map(agent: Any, filters: Filters) -> tuple[list[MapPoint], int]:
    """Per commune, the initiatives of the list (same filters), with a few titles each; and how
    many concern the whole département (shown beside the map, not on one commune)."""
    listed = initiatives_list(agent, filters).order_by()
    # Any: django-stubs cannot follow annotations on an auto-created through model.
    links: Any = Initiative.communes.through.objects.filter(initiative__in=listed.values("pk"))
    counts = dict(
        links.values_list("commune_id").annotate(n=Count("id")).values_list("commune_id", "n")
    )
    # The five most recent of each commune, chosen by the database (a window), not by reading all.
    recent = (
        links.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("commune_id"),
                order_by=[F("initiative__submitted_at").desc(), F("initiative_id").desc()],
            )
        )
        .filter(rank__lte=5)
        .values_list("commune_id", "initiative_id", "initiative__title")
    )
    titles: dict[int, list[tuple[int, str]]] = {}
    for commune_id, pk, title in recent:
        titles.setdefault(commune_id, []).append((pk, title))
    points = [
        MapPoint(c.insee_code, c.name, c.latitude, c.longitude, counts[c.pk], titles.get(c.pk, []))
        for c in Commune.objects.filter(pk__in=counts)
    ]
    return points, listed.filter(whole_department=True).count()
