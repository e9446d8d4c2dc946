"""Helpers that make debriefs and guide editions through the services, for the tests of the
debriefs, the guide, its PDF and their pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from riposte.cooperations.debriefs import (
    DebriefData,
    debrief_edit,
    debrief_invite,
    debrief_open,
    debrief_publish,
    debrief_submit_for_review,
)
from riposte.cooperations.guide import guide_edition_compile, guide_edition_publish
from riposte.cooperations.models import Cooperation, Debrief, Event, GuideEdition
from riposte.directory.models import Agent
from riposte.initiatives.models import Theme
from tests.cooperations.builders import (
    LOCKDOWN_START,
    make_actor,
    make_cooperation,
    make_event,
    make_service_actor,
)

TEXTS = {
    "context": "Premier confinement : les familles ne pouvaient plus aller au marché solidaire.",
    "what_worked": "Un tableur partagé entre la PMI et l'association, mis à jour chaque soir.",
    "what_blocked": "Les attestations de déplacement des bénévoles.",
    "levers": "Une dérogation préfectorale obtenue en 48 heures.",
    "do_again": "Réunion de cinq minutes chaque matin au téléphone.",
    "avoid": "Les listes de bénéficiaires envoyées par courriel sans chiffrement.",
    "advice": "Appelez l'association avant la crise : échangez vos numéros directs.",
}


def themes(*slugs: str) -> list[Theme]:
    # The themes come from a data migration, but live-server tests (tests/browser) empty every
    # table after each test: a missing one is made again.
    return [
        Theme.objects.get_or_create(slug=s, defaults={"name": s.title(), "name_en": s.title()})[0]
        for s in slugs
    ]


def cooperation(
    by: Agent,
    *,
    title: str = "Colis alimentaires avec le Secours populaire",
    event: Event | None = None,
    started_on: dt.date = LOCKDOWN_START,
    theme_slugs: tuple[str, ...] = ("aide-alimentaire",),
    partner: str = "Secours populaire de Saint-Denis",
) -> Cooperation:
    """A confirmed cooperation between a directory service and an association, recorded by `by`."""
    return make_cooperation(
        [make_service_actor(), make_actor(partner, by=by)],
        by=by,
        title=title,
        started_on=started_on,
        event=event,
        themes=themes(*theme_slugs),
    )


def data(**texts: Any) -> DebriefData:
    theme_list = texts.pop("themes", None)
    return DebriefData(**{**TEXTS, **texts}, themes=theme_list or themes("aide-alimentaire"))


def published(
    by: Agent, coop: Cooperation | None = None, *, invite: list[Agent] | None = None, **texts: Any
) -> Debrief:
    """A debrief opened, written, reviewed and published by the facilitator `by`."""
    coop = coop or cooperation(by, event=make_event())
    debrief = debrief_open(cooperation=coop, by=by)
    if invite:
        debrief_invite(debrief=debrief, agents=invite, by=by)
    debrief = debrief_edit(debrief=debrief, by=by, data=data(**texts), version=0)
    debrief_submit_for_review(debrief=debrief, by=by)
    return debrief_publish(debrief=debrief, by=by)


def edition(by: Agent) -> GuideEdition:
    """Compile and publish the next edition."""
    return guide_edition_publish(edition=guide_edition_compile(by=by), by=by)
