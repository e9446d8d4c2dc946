"""Who may do what in the cooperations module: one place, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from riposte.cooperations.models import Actor, Cooperation, CooperationStatus


def can_edit_actor(agent: Any, actor: Actor) -> bool:
    """The agent who proposed it, until it is validated; facilitators always."""
    if actor.merged_into_id is not None:
        return False
    if agent.is_facilitator:
        return True
    return actor.status == "proposed" and actor.proposed_by_id == agent.pk


def can_see_contact(agent: Any, actor: Actor) -> bool:
    """RGPD: the contact person's details are published only with their agreement."""
    return actor.contact_public or agent.is_facilitator


def can_validate_actor(agent: Any) -> bool:
    return bool(agent.is_facilitator)


def can_merge_actors(agent: Any) -> bool:
    return bool(agent.is_facilitator)


def can_mark_distinct(agent: Any) -> bool:
    """Saying that two records are two organisations ("not a duplicate"): the merge's reverse."""
    return bool(agent.is_facilitator)


def can_edit_cooperation(agent: Any, cooperation: Cooperation) -> bool:
    """Facilitators, and the agent who recorded it. A suggestion (recorded by nobody) is the
    facilitators' until they confirm it; a turned-down one is nobody's to edit any more."""
    if cooperation.status == CooperationStatus.DECLINED:
        return False
    return agent.is_facilitator or (
        cooperation.created_by_id is not None and cooperation.created_by_id == agent.pk
    )


def can_confirm_cooperation(agent: Any) -> bool:
    return bool(agent.is_facilitator)


def can_decline_cooperation(agent: Any) -> bool:
    return bool(agent.is_facilitator)


def can_delete_cooperation(agent: Any) -> bool:
    return bool(agent.is_facilitator)


def can_see_cooperation(agent: Any, cooperation: Cooperation) -> bool:
    """A suggestion is a facilitator's work item until confirmed: other agents do not see it,
    nor one turned down (its page stays for facilitators: who turned it down, and when)."""
    return cooperation.status == CooperationStatus.CONFIRMED or bool(agent.is_facilitator)


def can_manage_events(agent: Any) -> bool:
    return bool(agent.is_facilitator)
