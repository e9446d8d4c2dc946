"""Reads of the workshops module shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from riposte.core.text import fold
from riposte.workshops.models import Workshop, WorkshopStatus


def workshops_list(*, q: str = "", status: str = "") -> QuerySet[Workshop]:
    """The workshops whose title holds every word of `q` (accents and case ignored), of the
    status given (any if empty), with their participants counted."""
    rows = Workshop.objects.all()
    if status in WorkshopStatus.values:
        rows = rows.filter(status=status)
    words = fold(q[:200]).split()
    if words:
        # No search key is stored: an administration holds a few hundred workshops at most, so
        # folding their titles here costs less than a column kept in step, and "perenniser"
        # finds "Pérenniser" on SQLite and PostgreSQL alike.
        ids = [
            pk
            for pk, title in rows.values_list("pk", "title")
            if all(w in fold(title) for w in words)
        ]
        rows = rows.filter(pk__in=ids)
    return rows.annotate(n_participants=Count("participants", distinct=True))
