"""The norms module on an initiative's page (riposte.initiatives.hooks): beside the authorisation
the initiative needs, the link that proposes it to the register, prefilled from the initiative."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from riposte.initiatives.hooks import Action
from riposte.initiatives.models import Initiative
from riposte.norms.models import IN_FORCE


def propose_from_initiative(initiative: Initiative, agent: Any) -> Action | None:
    """Any agent who sees the initiative may propose the authorisation it needs (the norm and
    the initiative are then linked both ways); not from a draft, which is its authors' only.
    Once a norm is linked, the action leads to it."""
    if not getattr(agent, "is_authenticated", False) or initiative.is_draft:
        return None
    # Once a norm in force answers the need, the way to it rather than a second one (a
    # withdrawn or expired one leaves the need open: it may be proposed again).
    linked = (
        initiative.norms.filter(status__in=IN_FORCE)  # type: ignore[attr-defined]
        .order_by("-created_at", "-id")
        .first()
    )
    if linked is not None:
        label = _("In the register: “%(title)s”") % {"title": linked.title}
        return Action(label=label, url=linked.get_absolute_url())
    url = f"{reverse('norms:propose')}?initiative={initiative.pk}"
    return Action(label=_("Propose this authorisation to the register"), url=url)
