"""Reads on the directory."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from riposte.core.text import fold
from riposte.directory.models import Agent, Service


def agents_search(query: str) -> QuerySet[Agent]:
    """Active agents whose names, e-mail, job or service contain every word of the query,
    accents and case ignored ("celia fleur" finds "Célia Fleury")."""
    qs = Agent.objects.filter(is_active=True).select_related("service")
    for word in fold(query).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("last_name", "first_name", "pk")


def services_by_name(services: Iterable[Service]) -> list[Service]:
    """Directions, then services, then units, each by name as a reader sorts them, accents and
    case aside. Sorted here because the database's collation would not: SQLite (and PostgreSQL's C
    collation) put "Éducation" after "Voirie". A département has a few hundred services."""
    levels = {level: i for i, level in enumerate(Service.Level.values)}
    return sorted(services, key=lambda s: (levels[s.level], fold(s.name), s.code))


def service_options() -> list[tuple[str, str]]:
    """(code, name) of every service, in services_by_name's order: a filter's options."""
    return [
        (s.code, s.name) for s in services_by_name(Service.objects.only("code", "name", "level"))
    ]
