"""Who may do what with a debrief and the guide: one place, shared by the pages and the services.

A facilitator opens a debrief, invites, consolidates, and moves it from draft to published; the
people invited (and facilitators) contribute; a draft is seen by facilitators, the people invited
and whoever recorded the cooperation; a published debrief, and the published guide, by every
logged-in agent.
"""

from __future__ import annotations

from typing import Any

from riposte.cooperations.models import Cooperation, CooperationStatus, Debrief, DebriefStatus


def is_facilitator(agent: Any) -> bool:
    return bool(getattr(agent, "is_authenticated", False) and agent.is_facilitator)


def is_invited(agent: Any, debrief: Debrief) -> bool:
    agent_pk = getattr(agent, "pk", None)
    return agent_pk is not None and debrief.invitations.filter(agent_id=agent_pk).exists()


def can_open(agent: Any, cooperation: Cooperation) -> bool:
    return is_facilitator(agent) and cooperation.status == CooperationStatus.CONFIRMED


def can_see_draft(agent: Any, debrief: Debrief) -> bool:
    """The people at work on it: its contributions, revisions and remarks are theirs."""
    if not getattr(agent, "is_authenticated", False):
        return False
    return (
        agent.is_facilitator
        or debrief.cooperation.created_by_id == agent.pk
        or is_invited(agent, debrief)
    )


def can_view(agent: Any, debrief: Debrief) -> bool:
    if not getattr(agent, "is_authenticated", False):
        return False
    return debrief.status == DebriefStatus.PUBLISHED or can_see_draft(agent, debrief)


def can_contribute(agent: Any, debrief: Debrief) -> bool:
    """Invited people and facilitators, until publication."""
    if debrief.status == DebriefStatus.PUBLISHED:
        return False
    return is_facilitator(agent) or is_invited(agent, debrief)


def can_edit(agent: Any, debrief: Debrief) -> bool:
    """The consolidated text: facilitators, while it is not published."""
    return is_facilitator(agent) and debrief.status != DebriefStatus.PUBLISHED


def can_invite(agent: Any, debrief: Debrief) -> bool:
    return is_facilitator(agent) and debrief.status != DebriefStatus.PUBLISHED


def can_change_status(agent: Any, debrief: Debrief) -> bool:
    return is_facilitator(agent)


def can_remark(agent: Any, debrief: Debrief) -> bool:
    """Review remarks: the people at work on it, while it is not published."""
    return debrief.status != DebriefStatus.PUBLISHED and can_see_draft(agent, debrief)


def can_edit_guide(agent: Any) -> bool:
    return is_facilitator(agent)
