"""Reads on the directory."""

from __future__ import annotations

from django.db.models import QuerySet

from riposte.core.text import fold
from riposte.directory.models import Agent


def agents_search(query: str) -> QuerySet[Agent]:
    """Active agents whose names, e-mail, job or service contain every word of the query,
    accents and case ignored ("celia fleur" finds "Célia Fleury")."""
    qs = Agent.objects.filter(is_active=True).select_related("service")
    for word in fold(query).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("last_name", "first_name", "pk")
