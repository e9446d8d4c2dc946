"""Actors that look like one organisation written twice but are two: a facilitator says so ("not
a duplicate"), and the pair is no longer offered as one to merge (the queue, the merge page, the
warnings of the actor form). Two "Restos du cœur" of two communes share a folded name and are two
associations; without this, they would stay in the facilitators' queue for ever.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from riposte.cooperations import rules
from riposte.cooperations.models import Actor, DistinctActors
from riposte.core.audit import audit_record
from riposte.directory.models import Agent


def pair(a: int, b: int) -> tuple[int, int]:
    """A pair as the table keeps it: the smaller id first."""
    return (a, b) if a < b else (b, a)


def distinct_from(actor_id: int) -> set[int]:
    """The actors said to be other organisations than this one."""
    rows = DistinctActors.objects.filter(Q(first_id=actor_id) | Q(second_id=actor_id))
    return {
        second if first == actor_id else first
        for first, second in rows.values_list("first_id", "second_id")
    }


def distinct_pairs(actor_ids: Iterable[int]) -> set[tuple[int, int]]:
    """The pairs among these actors said to be two organisations, each as pair() gives it."""
    ids = list(set(actor_ids))
    if len(ids) < 2:
        return set()
    rows = DistinctActors.objects.filter(first_id__in=ids, second_id__in=ids)
    return set(rows.values_list("first_id", "second_id"))


def distinct_mark(actor: Actor, other: Actor) -> DistinctActors | None:
    """The mark on this pair, if any (with who made it)."""
    first, second = pair(actor.pk, other.pk)
    return (
        DistinctActors.objects.select_related("marked_by")
        .filter(first_id=first, second_id=second)
        .first()
    )


@transaction.atomic
def actor_mark_distinct(*, facilitator: Agent, actor: Actor, other: Actor) -> DistinctActors:
    """A facilitator records that `actor` and `other` are two organisations. Marking a pair
    again changes nothing (and records nothing)."""
    if not rules.can_mark_distinct(facilitator):
        raise PermissionDenied
    if actor.pk == other.pk:
        raise ValidationError(_("Choose two different actors."))
    locked = {
        a.pk: a for a in Actor.objects.select_for_update().filter(pk__in=[actor.pk, other.pk])
    }
    actor, other = locked[actor.pk], locked[other.pk]
    if actor.merged_into_id is not None or other.merged_into_id is not None:
        raise ValidationError(_("One of these actors was already merged into another one."))
    first, second = pair(actor.pk, other.pk)
    found = DistinctActors.objects.filter(first_id=first, second_id=second).first()
    if found is not None:
        return found
    mark = DistinctActors(first_id=first, second_id=second, marked_by=facilitator)
    try:
        with transaction.atomic():  # a colleague marking the same pair at the same moment
            mark.save()
    except IntegrityError:
        return DistinctActors.objects.get(first_id=first, second_id=second)
    audit_record(
        actor=facilitator, action="actor.distinct", target=actor,
        changes={"other": other.pk, "pair": [first, second]},
    )  # fmt: skip
    return mark
