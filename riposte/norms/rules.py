"""Who may do what in the norms module. Views and the API call these before any write."""

from __future__ import annotations

from typing import Any

from riposte.directory.models import Role, Service
from riposte.norms.models import Consultation, Electorate, Norm


def is_facilitator(agent: Any) -> bool:
    return bool(agent.is_authenticated and agent.has_role(Role.FACILITATOR))


def is_decision_maker(agent: Any) -> bool:
    return bool(agent.is_authenticated and agent.has_role(Role.DECISION_MAKER))


def can_edit(agent: Any, norm: Norm) -> bool:
    """The proposer reworks their text while it is debated; facilitators always."""
    return is_facilitator(agent) or (
        agent.is_authenticated and norm.proposed_by_id == agent.pk and norm.status == "en_debat"
    )


def can_open_consultation(agent: Any) -> bool:
    return is_facilitator(agent)


def can_decide(agent: Any) -> bool:
    return is_decision_maker(agent)


def can_moderate(agent: Any) -> bool:
    return bool(agent.is_authenticated and agent.has_role(Role.MODERATOR))


def service_subtree_ids(service: Service) -> set[int]:
    """A service and every service under it (the chart is direction > service > unit)."""
    ids = {service.pk}
    frontier = {service.pk}
    while frontier:
        frontier = (
            set(Service.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids


def is_eligible(agent: Any, consultation: Consultation) -> bool:
    """May this agent vote in this consultation (whatever its dates)?"""
    if not agent.is_authenticated or not agent.is_active:
        return False
    if consultation.electorate == Electorate.ALL:
        return True
    if consultation.electorate == Electorate.ROLE:
        return bool(agent.role == consultation.role)
    assert consultation.service is not None  # the electorate's check constraint
    return agent.service_id in service_subtree_ids(consultation.service)


def electorate_filter(consultation: Consultation) -> dict[str, Any]:
    """The same rule as `is_eligible`, as a filter on active agents (to count and to notify)."""
    if consultation.electorate == Electorate.ROLE:
        return {"role": consultation.role}
    if consultation.electorate == Electorate.SERVICE:
        assert consultation.service is not None
        return {"service_id__in": service_subtree_ids(consultation.service)}
    return {}
