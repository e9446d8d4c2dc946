"""What the norms module tells many agents at once: who they are, and the worker's jobs that tell
them (a consultation's electorate when it opens, a decision's scope). Apart from services.py,
which enqueues these jobs, and tasks.py, which uses the audiences: neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy

from riposte.core.follows import followers_of
from riposte.core.notifications import date_param, notification_send
from riposte.directory.models import Agent
from riposte.norms import rules
from riposte.norms.models import Consultation, Decision, Norm, Outcome, Voter

DECISION_MESSAGE = gettext_lazy("Decision on “%(norm)s”: %(outcome)s")


def scope_agents(norm: Norm) -> QuerySet[Agent]:
    """The active agents a norm applies to: those of its services (with the services under
    them), of its roles and of its sites, each narrowing the others. A norm with no scope at all
    applies to everyone."""
    agents = Agent.objects.filter(is_active=True)
    service_ids: set[int] = set()
    for service in norm.services.all():
        service_ids |= rules.service_subtree_ids(service)
    if service_ids:
        agents = agents.filter(service_id__in=service_ids)
    if norm.roles:
        agents = agents.filter(role__in=norm.roles)
    site_ids = list(norm.sites.values_list("pk", flat=True))
    if site_ids:
        agents = agents.filter(site_id__in=site_ids)
    return agents


def consultation_audience(norm: Norm, consultation: Consultation | None) -> list[Agent]:
    """The norm's followers and the consultation's voters."""
    people: dict[int, Agent] = {a.pk: a for a in followers_of(norm)}
    if consultation is not None:
        voter_ids = Voter.objects.filter(consultation=consultation).values("agent_id")
        people.update({a.pk: a for a in Agent.objects.filter(pk__in=voter_ids, is_active=True)})
    return list(people.values())


def decision_audience(norm: Norm, consultation: Consultation | None) -> Iterable[Agent]:
    """Who hears of a decision, or of an expiry: the followers, the voters, and every agent the
    norm applies to (notification_send tells each once)."""
    return chain(
        consultation_audience(norm, consultation),
        scope_agents(norm).iterator(chunk_size=2000),
    )


@task()
def consultations_announce_due() -> int:
    """Once a consultation has opened (at once, or at its opening date): the agents it asks are
    told they may vote, and the norm's other followers that it is open. Once each."""
    announced = 0
    now = timezone.now()
    due = Consultation.objects.filter(
        announced_at__isnull=True, opens_at__lte=now, closes_at__gt=now
    )
    for pk in due.values_list("pk", flat=True):
        # Claimed by one UPDATE, committed at once: another worker then finds it taken, and the
        # consultation's row is not held while thousands of notifications are written (the
        # first votes take a shared lock on it, ballots._lock_for_voting).
        with transaction.atomic():
            claimed = Consultation.objects.filter(pk=pk, announced_at__isnull=True).update(
                announced_at=now
            )
        if not claimed:
            continue
        consultation = Consultation.objects.select_related("norm").get(pk=pk)
        norm = consultation.norm
        params = {
            "norm": norm.title,
            "closes": date_param(consultation.closes_at, "DATETIME_FORMAT"),
        }
        electorate = Agent.objects.filter(is_active=True, **rules.electorate_filter(consultation))
        with transaction.atomic():
            notification_send(
                recipients=electorate.iterator(chunk_size=2000),
                actor=None,
                message=gettext_lazy("Your vote is asked on “%(norm)s” until %(closes)s"),
                params=params,
                url=norm.get_absolute_url(),
            )
            voters = set(electorate.values_list("pk", flat=True))
            notification_send(
                recipients=[a for a in followers_of(norm) if a.pk not in voters],
                actor=None,
                message=gettext_lazy("A consultation is open on “%(norm)s” until %(closes)s"),
                params=params,
                url=norm.get_absolute_url(),
            )  # fmt: skip
        announced += 1
    return announced


@task()
def decision_tell_scope(decision_id: int) -> int:
    """After a decision: the agents the norm applies to, besides its followers and voters, who
    were told at once (services.decision_record). Returns how many were told."""
    with transaction.atomic():
        # Once, whoever runs it first (a retried job, or the demo ahead of the worker).
        decision = (
            Decision.objects.select_for_update(skip_locked=True)
            .filter(pk=decision_id, scope_told_at__isnull=True)
            .first()
        )
        if decision is None:
            return 0
        decision.scope_told_at = timezone.now()
        decision.save(update_fields=["scope_told_at"])
        norm = decision.norm
        told = {a.pk for a in consultation_audience(norm, decision.consultation)}
        sent = notification_send(
            recipients=(
                a for a in scope_agents(norm).iterator(chunk_size=2000) if a.pk not in told
            ),
            actor=decision.decided_by,
            message=DECISION_MESSAGE,
            params={"norm": norm.title, "outcome": Outcome(decision.outcome).label},
            url=norm.get_absolute_url(),
        )
    return len(sent)
