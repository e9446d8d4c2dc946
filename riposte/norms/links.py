"""The norms module on an initiative's page (riposte.initiatives.hooks): beside the authorisation
the initiative needs, the link that proposes it to the register, prefilled from the initiative."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from riposte.initiatives.hooks import Action
from riposte.initiatives.models import Initiative


def propose_from_initiative(initiative: Initiative, agent: Any) -> Action | None:
    """Any agent who sees the initiative may propose the authorisation it needs (the norm and
    the initiative are then linked both ways); not from a draft, which is its authors' only."""
    if not getattr(agent, "is_authenticated", False) or initiative.is_draft:
        return None
    url = f"{reverse('norms:propose')}?initiative={initiative.pk}"
    return Action(label=_("Propose this authorisation to the register"), url=url)
