"""The roadmap in the other modules: a milestone opens the cooperation form
(riposte.cooperations.hooks), registered in WorkshopsConfig.ready. The way back — "from the
workshop X, milestone Y" on an initiative's, a norm's or a cooperation's page — is the template
workshops/_milestone_origin.html, included by those pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from riposte.cooperations.hooks import Origin
from riposte.workshops.milestones import (
    TARGET_TITLE_MAX,
    can_track,
    clip,
    milestone_to_cooperation,
    milestone_url,
)
from riposte.workshops.models import Milestone

ORIGIN_KIND = "milestone"


def cooperation_origin(milestone_id: int, agent: Any) -> Origin | None:
    """The milestone a cooperation form was opened from, for those who follow the roadmap up."""
    milestone = Milestone.objects.select_related("axis__workshop").filter(pk=milestone_id).first()
    if milestone is None or not can_track(agent, milestone.axis.workshop):
        return None

    def link(cooperation: Any, by: Any) -> object:
        return milestone_to_cooperation(milestone=milestone, by=by, cooperation=cooperation)

    return Origin(
        key=f"{ORIGIN_KIND}:{milestone.pk}",
        label=_("the workshop “%(workshop)s”, milestone “%(milestone)s”")
        % {"workshop": milestone.axis.workshop.title, "milestone": milestone.title},
        url=milestone_url(milestone),
        title=clip(milestone.title, TARGET_TITLE_MAX),
        link=link,
    )
