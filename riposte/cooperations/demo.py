"""Demo cooperations: the emergencies (real dates), actors across the 39 communes, the
cooperations born in those emergencies, a few proposals waiting for a facilitator, a probable
duplicate and one suggestion from a demo initiative. The texts are in data/demo_cooperations.json;
the organisations other than public bodies are fictional, and no person is named.

Everything goes through the services, so "inédite" and the rest are computed as in real use.
Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count

from riposte.cooperations import demo_debriefs
from riposte.cooperations import models as m
from riposte.cooperations.services import (
    ActorData,
    CooperationData,
    EventData,
    actor_for_service,
    actor_propose,
    cooperation_create,
    cooperations_suggest,
    event_create,
)
from riposte.core.markdown import render_markdown
from riposte.core.models import AuditEntry, Comment
from riposte.directory.demo import DEMO_DOMAIN
from riposte.directory.models import Agent, Commune, Role, Service
from riposte.initiatives.models import Initiative, Theme

DATA = Path(__file__).parent / "data" / "demo_cooperations.json"


@transaction.atomic
def demo_reset() -> None:
    """Delete the demo cooperations and what hangs on them (the guide, the debriefs, comments),
    before the directory and the initiatives they point to."""
    demo_debriefs.demo_reset()  # the guide and the debriefs point to the cooperations
    for model in (m.Cooperation, m.Actor):
        content_type = ContentType.objects.get_for_model(model)
        Comment.objects.filter(content_type=content_type).delete()
    m.Cooperation.objects.all().delete()
    # Merged records point to the ones they went into: those first.
    m.Actor.objects.filter(merged_into__isnull=False).delete()
    m.Actor.objects.all().delete()
    m.Event.objects.all().delete()
    m.GraphMetrics.objects.all().delete()
    AuditEntry.objects.filter(action__startswith="cooperation.").delete()


def _actor_data(entry: dict[str, Any], communes: dict[str, Commune]) -> ActorData:
    return ActorData(
        name=entry["name"],
        kind=entry["kind"],
        commune=communes.get(entry.get("commune") or ""),
        description=entry.get("description", ""),
        contact_name=entry.get("contact_name", ""),
        contact_email=entry.get("contact_email", ""),
        contact_phone=entry.get("contact_phone", ""),
        contact_public=entry.get("contact_public", False),
    )


@transaction.atomic
def demo_build(*, seed: int = 93) -> int:
    """Build the demo; returns how many cooperations were recorded."""
    rng = random.Random(seed)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    facilitator = Agent.objects.get(email=f"facilitatrice@{DEMO_DOMAIN}")
    demo_agent = Agent.objects.get(email=f"agent@{DEMO_DOMAIN}")
    agents = list(Agent.objects.filter(is_active=True, role=Role.AGENT).order_by("pk")[:200])
    communes = {c.insee_code: c for c in Commune.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}

    events = {
        e["key"]: event_create(
            by=facilitator,
            data=EventData(
                name=e["name"],
                kind=e["kind"],
                starts_on=dt.date.fromisoformat(e["starts_on"]),
                ends_on=dt.date.fromisoformat(e["ends_on"]) if e.get("ends_on") else None,
                description=e.get("description", ""),
            ),
        )
        for e in data["events"]
    }
    actors: dict[str, m.Actor] = {}
    for entry in data["services"]:
        service = Service.objects.filter(code=entry["code"]).first()
        if service is not None:  # a directory built otherwise may lack it: its cooperations go
            actors[entry["key"]] = actor_for_service(service=service, by=facilitator)
    for entry in data["actors"]:
        actors[entry["key"]] = actor_propose(by=facilitator, data=_actor_data(entry, communes))
    for entry in data["proposed"]:
        # Proposed by the demo agent; the last one is a second record of a known association
        # (the agent said it was another one): the facilitators' queue shows the pair.
        actors[entry["key"]] = actor_propose(
            by=demo_agent, data=_actor_data(entry, communes), allow_same_name=True
        )

    recorded = 0
    content_type = ContentType.objects.get_for_model(m.Cooperation)
    for entry in data["cooperations"]:
        chosen = [actors[k] for k in entry["actors"] if k in actors]
        if len(chosen) < 2:
            continue
        by = demo_agent if recorded % 7 == 3 else rng.choice([facilitator, *agents])
        cooperation = cooperation_create(
            by=by,
            data=CooperationData(
                title=entry["title"],
                description=entry["description"],
                started_on=dt.date.fromisoformat(entry["started_on"]),
                ended_on=dt.date.fromisoformat(entry["ended_on"]) if entry["ended_on"] else None,
                actors=chosen,
                roles={actors[k].pk: role for k, role in entry["roles"].items() if k in actors},
                event=events.get(entry["event"] or ""),
                themes=[themes[s] for s in entry["themes"] if s in themes],
            ),
        )
        recorded += 1
        for text in rng.sample(data["comments"], k=rng.choice([0, 0, 1, 2])):
            Comment.objects.create(
                content_type=content_type, object_id=cooperation.pk,
                author=rng.choice([facilitator, *agents]), body=text,
                body_html=render_markdown(text),
            )  # fmt: skip
    _suggest_one(facilitator)
    return recorded


def _suggest_one(facilitator: Agent) -> None:
    """One suggestion, from a demo initiative whose authors come from two services (one is given
    a co-author from another service if none has)."""
    candidates = (
        Initiative.objects.filter(submitted_at__isnull=False, merged_into__isnull=True)
        .annotate(n=Count("coauthors"))
        .order_by("-n", "pk")
    )
    for initiative in candidates[:50]:
        authors = [initiative.author, *initiative.coauthors.all()]
        if len({a.service_id for a in authors if a.service_id}) >= 2:
            break
    else:
        initiative = candidates.first()  # type: ignore[assignment]
        if initiative is None:
            return
        others = Agent.objects.filter(is_active=True, service__isnull=False)
        if initiative.author.service_id is not None:
            others = others.exclude(service_id=initiative.author.service_id)
        other = others.order_by("pk").first()
        if other is None:
            return
        initiative.coauthors.add(other)
    cooperations_suggest(initiative_ids=[initiative.pk])
