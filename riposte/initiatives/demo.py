"""Demo initiatives: the texts of data/demo_initiatives.json, in every stage, with their history,
supports, contributions, help requests and comments. Deterministic for a seed."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from riposte.core.markdown import render_markdown
from riposte.core.models import Comment, Follow
from riposte.directory.demo import DEMO_DOMAIN
from riposte.directory.models import Agent, Commune, Role, Service, SupportProfile
from riposte.initiatives import similarity
from riposte.initiatives.models import (
    Contribution,
    HelpRequest,
    Initiative,
    Stage,
    StageChange,
    Support,
    Theme,
)

DATA = Path(__file__).parent / "data" / "demo_initiatives.json"
PATHS = [  # the stages each demo initiative went through, in order
    [Stage.SPOTTED],
    [Stage.SPOTTED, Stage.QUALIFIED],
    [Stage.SPOTTED, Stage.QUALIFIED, Stage.SUPPORTED],
    [Stage.SPOTTED, Stage.QUALIFIED, Stage.SUPPORTED, Stage.ACCELERATED],
    [Stage.SPOTTED, Stage.QUALIFIED, Stage.SUPPORTED, Stage.ACCELERATED, Stage.SUSTAINED],
    [Stage.SPOTTED, Stage.QUALIFIED, Stage.SUPPORTED, Stage.ACCELERATED, Stage.SPREAD],
    [Stage.SPOTTED, Stage.QUALIFIED, Stage.ABANDONED],
]
REASONS = {
    Stage.SPOTTED: "Proposée par ses auteurs.",
    Stage.QUALIFIED: "Besoin confirmé avec le service et deux usagers rencontrés.",
    Stage.SUPPORTED: "Une designer et une facilitatrice de l'équipe d'appui l'accompagnent.",
    Stage.ACCELERATED: "Budget d'expérimentation accordé pour six mois.",
    Stage.SUSTAINED: "Inscrite au budget de la direction : elle continue l'an prochain.",
    Stage.SPREAD: "Reprise par trois autres communes du territoire.",
    Stage.ABANDONED: "Le besoin existait, mais le partenaire s'est retiré : on garde la méthode "
    "d'enquête auprès des usagers pour un prochain projet.",
}
COMMENTS = [
    "On a eu le même problème à l'antenne nord, je veux bien partager notre tableau de suivi.",
    "Bravo ! Est-ce que le service juridique a été consulté ?",
    "Nous pouvons prêter une salle le mardi après-midi.",
    "Très bonne idée, pensez aux agents qui travaillent en horaires décalés.",
    "Le CCAS de notre commune serait intéressé pour essayer.",
    "Attention au RGPD pour le fichier des bénéficiaires : voyez avec la déléguée à la protection des données.",
]
SKILLS = ["graphisme", "animation d'atelier", "tableurs", "arabe", "rédaction", "logistique"]


@transaction.atomic
def demo_reset() -> None:
    """Delete the demo initiatives and what hangs on them (before the directory they point to)."""
    content_type = ContentType.objects.get_for_model(Initiative)
    Comment.objects.filter(content_type=content_type).delete()
    Follow.objects.filter(content_type=content_type).delete()
    HelpRequest.objects.all().delete()
    StageChange.objects.all().delete()
    Initiative.objects.filter(merged_into__isnull=False).delete()
    Initiative.objects.all().delete()


@transaction.atomic
def demo_build(*, seed: int = 93) -> int:
    rng = random.Random(seed)
    entries = json.loads(DATA.read_text(encoding="utf-8"))["initiatives"]
    agents = list(Agent.objects.filter(is_active=True).order_by("pk"))
    demo_agent = Agent.objects.get(email=f"agent@{DEMO_DOMAIN}")
    facilitator = Agent.objects.get(email=f"facilitatrice@{DEMO_DOMAIN}")
    team = [
        facilitator,
        *Agent.objects.filter(role=Role.FACILITATOR).exclude(pk=facilitator.pk).order_by("pk")[:5],
    ]
    themes = {t.slug: t for t in Theme.objects.all()}
    communes = list(Commune.objects.order_by("insee_code"))
    services = list(Service.objects.exclude(level=Service.Level.DIRECTION).order_by("code"))
    vectors = similarity.embed(
        [similarity.text_for(e["title"], e["problem"], e["idea"]) for e in entries]
    )
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Initiative)
    for n, (entry, vector) in enumerate(zip(entries, vectors, strict=True)):
        # The demo agent brings two initiatives forward, one still a draft.
        author = demo_agent if n in (1, 7) else rng.choice(agents)
        draft = n == 1
        path = PATHS[n % len(PATHS)]
        submitted = now - timedelta(days=rng.randint(30 * len(path), 30 * len(path) + 400))
        initiative = Initiative.objects.create(
            title=entry["title"], problem=entry["problem"], idea=entry["idea"], author=author,
            beneficiaries="Les habitants concernés et les agents des services partenaires.",
            needs_time=rng.random() < 0.6, needs_budget=rng.random() < 0.4,
            needs_partners="Une association du quartier" if rng.random() < 0.3 else "",
            whole_department=n % 5 == 0, stage=path[-1],
            submitted_at=None if draft else submitted, created_at=submitted,
            updated_at=submitted, embedding=similarity.to_bytes(vector), indexed_at=now,
        )  # fmt: skip
        initiative.themes.set([themes[entry["theme"]]])
        if n % 5:
            initiative.communes.set(rng.sample(communes, k=rng.randint(1, 3)))
        initiative.services.set(rng.sample(services, k=min(len(services), rng.randint(1, 2))))
        if n % 3 == 0:
            initiative.coauthors.set([a for a in rng.sample(agents, k=2) if a.pk != author.pk])
        Follow.objects.get_or_create(
            agent=author, content_type=content_type, object_id=initiative.pk
        )
        if draft:
            continue
        at = submitted
        previous = ""
        for stage in path:
            by = author if stage == Stage.SPOTTED else rng.choice(team)
            StageChange.objects.create(
                initiative=initiative, from_stage=previous, to_stage=stage, by=by,
                reason=REASONS[stage], at=at,
            )  # fmt: skip
            previous = stage
            at += timedelta(days=rng.randint(10, 45))
        Initiative.objects.filter(pk=initiative.pk).update(stage_changed_at=at)
        supporters = rng.sample(agents, k=rng.randint(0, 40))
        Support.objects.bulk_create(
            [Support(initiative=initiative, agent=a) for a in supporters], ignore_conflicts=True
        )
        for agent in rng.sample(agents, k=rng.randint(0, 3)):
            Contribution.objects.get_or_create(
                initiative=initiative, agent=agent, defaults={"skill": rng.choice(SKILLS)}
            )
        if path[-1] in (Stage.SPOTTED, Stage.QUALIFIED, Stage.SUPPORTED) or n == 7:
            profile = rng.choice(SupportProfile.values)
            request = HelpRequest(
                initiative=initiative, profile=profile, requested_by=author,
                requested_at=submitted + timedelta(days=1),
                message="Nous aurions besoin d'un regard extérieur pour avancer.",
            )  # fmt: skip
            if path[-1] == Stage.SUPPORTED:
                request.status = HelpRequest.Status.ASSIGNED
                request.assignee = rng.choice(team)
                request.assigned_at = request.requested_at + timedelta(days=3)
            request.save()
        for text in rng.sample(COMMENTS, k=rng.randint(0, 3)):
            Comment.objects.create(
                content_type=content_type, object_id=initiative.pk, author=rng.choice(agents),
                body=text, body_html=render_markdown(text), created_at=submitted + timedelta(days=2),
            )  # fmt: skip
    return len(entries)
