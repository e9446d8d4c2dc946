"""Reads of the norms module: the register's filtered list, the counts on its rows, the debate
as the norm's page shows it, and the consultation that goes with a norm. Shared by the pages and
the API."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.utils import timezone

from riposte.cooperations.models import Cooperation, CooperationStatus
from riposte.core.models import Comment
from riposte.core.text import fold
from riposte.directory.models import Service
from riposte.initiatives.models import Initiative
from riposte.norms.models import (
    IN_FORCE,
    LAPSING,
    Argument,
    Consultation,
    Endorsement,
    Norm,
    NormStatus,
    Side,
    Testimony,
)
from riposte.norms.rules import service_subtree_ids

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8
# "Review or sunset due soon" in the list's filter.
DUE_SOON_DAYS = 60
# The strongest arguments of each side, shown side by side above the others.
STRONGEST = 3

SORTS = ("recent", "due", "title")


@dataclass
class NormFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    service: str = ""  # a service's code: the norms scoped to it or to a service under it
    due_within_days: int | None = None
    sort: str = "recent"


def due_on() -> Case:
    """Norm.next_date in the database (the first of its sunset, while it applies, and its
    review), to filter and sort on it. Spelled out: SQLite's two-argument MIN is NULL when
    either is."""
    lapsing = Q(status__in=LAPSING, sunset_on__isnull=False)
    return Case(
        When(lapsing & Q(review_on__lt=F("sunset_on")), then=F("review_on")),
        When(lapsing, then=F("sunset_on")),
        default=F("review_on"),
    )


def applies_to(service: Service) -> Q:
    """The norms that apply to a service's agents: those of this service or of one under it, and
    those of no service in particular, which apply to every one. (Subqueries, not a join: a norm
    of several services comes once.)"""
    links = Norm.services.through.objects
    scoped = links.filter(service_id__in=service_subtree_ids(service)).values("norm_id")
    return Q(pk__in=scoped) | ~Q(pk__in=links.values("norm_id"))


def norms_list(filters: NormFilters, *, today: dt.date | None = None) -> QuerySet[Norm]:
    """The register, filtered. The search is accent-blind: every word of the query must be in
    the folded title or text."""
    qs = Norm.objects.all()
    for word in _WORD.findall(fold(filters.q))[:MAX_WORDS]:
        qs = qs.filter(search_key__contains=word)
    if filters.status in NormStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.service:
        service = Service.objects.filter(code=filters.service).first()
        if service is None:
            return Norm.objects.none()
        qs = qs.filter(applies_to(service))
    qs = qs.annotate(due_on=due_on())
    if filters.due_within_days is not None:
        # A date already passed is due too: a late review is the most due of all. Only what is
        # in force has anything due.
        limit = (today or timezone.localdate()) + dt.timedelta(days=filters.due_within_days)
        qs = qs.filter(status__in=IN_FORCE, due_on__lte=limit)
    if filters.sort == "due":
        return qs.order_by(F("due_on").asc(nulls_last=True), "-updated_at", "-id")
    if filters.sort == "title":
        # The folded title (it starts search_key) sorts "Élus" among the E on every database;
        # the title itself would sort it last on SQLite and under PostgreSQL's C collation.
        return qs.order_by("search_key", "id")
    return qs.order_by("-updated_at", "-id")


@dataclass
class Counts:
    testimonies: int = 0
    arguments: int = 0
    initiatives: int = 0
    cooperations: int = 0

    @property
    def links(self) -> int:
        return self.initiatives + self.cooperations


def counts_for(norm_ids: Sequence[int]) -> dict[int, Counts]:
    """What each norm gathered: visible testimonies and arguments, and the published initiatives
    and confirmed cooperations that rely on it. One query per count (each joins one table, so
    that no count multiplies another), whatever the page size."""
    ids = list(norm_ids)
    norms = Norm.objects.filter(pk__in=ids).order_by()
    testimonies = dict(
        norms.annotate(
            n=Count("testimonies", filter=Q(testimonies__hidden_at__isnull=True))
        ).values_list("pk", "n")
    )
    arguments = dict(
        norms.annotate(
            n=Count("arguments", filter=Q(arguments__hidden_at__isnull=True))
        ).values_list("pk", "n")
    )
    initiatives = dict(
        norms.annotate(
            n=Count("initiatives", filter=Q(initiatives__submitted_at__isnull=False))
        ).values_list("pk", "n")
    )
    cooperations = dict(
        norms.annotate(
            n=Count("cooperations", filter=Q(cooperations__status=CooperationStatus.CONFIRMED))
        ).values_list("pk", "n")
    )
    return {
        pk: Counts(
            testimonies.get(pk, 0),
            arguments.get(pk, 0),
            initiatives.get(pk, 0),
            cooperations.get(pk, 0),
        )
        for pk in ids
    }


def with_counts(norms: Sequence[Norm]) -> Sequence[Norm]:
    """Sets `.counts` on each norm of a page (see counts_for)."""
    counts = counts_for([n.pk for n in norms])
    for norm in norms:
        norm.counts = counts[norm.pk]  # type: ignore[attr-defined]
    return norms


def linked_initiatives(norm: Norm) -> QuerySet[Initiative]:
    """The initiatives that need or relied on the norm, as every agent may see them (published)."""
    return norm.initiatives.filter(submitted_at__isnull=False).only(
        "id", "title", "stage", "submitted_at"
    )


def linked_cooperations(norm: Norm) -> QuerySet[Cooperation]:
    return norm.cooperations.filter(status=CooperationStatus.CONFIRMED).only(
        "id", "title", "started_on"
    )


def latest_consultation(norm: Norm) -> Consultation | None:
    """The consultation the norm's page shows: the running one (not sealed yet, whether open or
    about to open), else the latest one."""
    consultations = Consultation.objects.filter(norm=norm).select_related("service", "opened_by")
    running = consultations.filter(sealed_at__isnull=True).first()
    return running or consultations.first()


@dataclass
class DebateSide:
    side: str
    label: str
    strongest: list[Argument] = field(default_factory=list)
    others: list[Argument] = field(default_factory=list)
    # The page's form to add an argument on this side (set by the view).
    form: Any = None

    @property
    def count(self) -> int:
        """The visible arguments (a hidden one stays in place, but counts for nothing)."""
        return sum(1 for a in (*self.strongest, *self.others) if a.hidden_at is None)


def debate(norm: Norm, agent: Any) -> list[DebateSide]:
    """The arguments for and against, each side with its strongest (most endorsed, visible) on
    top; each argument carries `.replies` (threaded comments) and `.endorsed` (by this agent)."""
    arguments = list(
        Argument.objects.filter(norm=norm)
        .select_related("author")
        .order_by("-endorsements_count", "created_at", "id")
    )
    endorsed = set(
        Endorsement.objects.filter(argument__norm=norm, agent=agent).values_list(
            "argument_id", flat=True
        )
    )
    replies = replies_for(arguments)
    sides = []
    for side in Side:
        mine = [a for a in arguments if a.side == side]
        for argument in mine:
            argument.endorsed = argument.pk in endorsed  # type: ignore[attr-defined]
            argument.replies = replies.get(argument.pk, [])  # type: ignore[attr-defined]
        # Only what convinced somebody: arguments nobody endorsed are not "the most convincing".
        strongest = [a for a in mine if a.hidden_at is None and a.endorsements_count][:STRONGEST]
        chosen = {a.pk for a in strongest}
        sides.append(
            DebateSide(
                side=side.value,
                label=str(side.label),
                strongest=strongest,
                others=[a for a in mine if a.pk not in chosen],
            )
        )
    return sides


def replies_for(arguments: Sequence[Argument]) -> dict[int, list[Comment]]:
    """The replies to each argument as trees (like riposte.core.comments.comments_for), read in
    one query for the whole debate rather than one per argument."""
    if not arguments:
        return {}
    content_type = ContentType.objects.get_for_model(Argument)
    comments = list(
        Comment.objects.filter(
            content_type=content_type, object_id__in=[a.pk for a in arguments]
        ).select_related("author")
    )
    by_parent: dict[int | None, list[Comment]] = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)
    roots: dict[int, list[Comment]] = {}
    for comment in comments:
        comment.thread = by_parent.get(comment.pk, [])  # type: ignore[attr-defined]
        if comment.parent_id is None:
            roots.setdefault(int(comment.object_id), []).append(comment)
    return roots


def testimonies_of(norm: Norm) -> QuerySet[Testimony]:
    """Every testimony, hidden ones included: the page says one was hidden, and shows nothing
    of it."""
    return norm.testimonies.select_related("author")
