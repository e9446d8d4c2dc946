"""Reads of the coffee pages: the colleagues a member may still ask never to be paired with.

The picker finds them with the directory's own search (names, job and service, accents and case
ignored), so that the person found here is the one found in the directory. It returns agents;
the template shows only their name, service and site.
"""

from __future__ import annotations

from django.db.models import QuerySet

from riposte.coffee.models import Exclusion, Membership
from riposte.directory.models import Agent
from riposte.directory.queries import agents_search

# Fewer letters find half the directory; more results are no help on a phone.
SEARCH_MIN_CHARS = 2
SEARCH_LIMIT = 10


def exclusion_candidates(*, membership: Membership, query: str = "") -> QuerySet[Agent]:
    """Active colleagues matching `query` whom the member may still exclude: not themselves,
    not someone already excluded, and with a name (the picker shows names, never an e-mail
    address, so a nameless account cannot be shown)."""
    already = Exclusion.objects.filter(member=membership).values("excluded_id")
    return (
        agents_search(query)
        .exclude(pk=membership.agent_id)
        .exclude(pk__in=already)
        .exclude(first_name="", last_name="")
        .select_related("service", "site")
        .only("id", "first_name", "last_name", "service__name", "site__name")
    )


def exclusion_search(*, membership: Membership, query: str) -> tuple[list[Agent], bool]:
    """The first SEARCH_LIMIT candidates for `query`, and whether there are more; nothing under
    SEARCH_MIN_CHARS letters."""
    if not searchable(query):
        return [], False
    found = list(exclusion_candidates(membership=membership, query=query)[: SEARCH_LIMIT + 1])
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def searchable(query: str) -> bool:
    return len("".join(query.split())) >= SEARCH_MIN_CHARS
