"""What the norms module tells many agents at once: who they are, and the worker's jobs that tell
them (a consultation's electorate when it opens, a decision's scope). Apart from services.py,
which enqueues these jobs, and tasks.py, which uses the audiences: neither imports the other.
"""

from __future__ import annotations

import datetime as dt
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
        # Claimed and told in one transaction: a failure leaves it to the next minute's run.
        # The claim's lock (FOR NO KEY UPDATE, then the update of `announced_at`) does not hold
        # up the votes, whose lock is FOR KEY SHARE (ballots._lock_for_voting); another worker
        # skips it rather than wait and tell twice.
        with transaction.atomic():
            consultation = (
                Consultation.objects.select_for_update(no_key=True, skip_locked=True)
                .filter(pk=pk, announced_at__isnull=True)
                .first()
            )
            if consultation is None:
                continue
            consultation.announced_at = now
            consultation.save(update_fields=["announced_at"])
            _announce(consultation)
        announced += 1
    return announced


def _announce(consultation: Consultation) -> None:
    norm = consultation.norm
    params = {"norm": norm.title, "closes": date_param(consultation.closes_at, "DATETIME_FORMAT")}
    electorate = Agent.objects.filter(is_active=True, **rules.electorate_filter(consultation))
    notification_send(
        recipients=electorate.iterator(chunk_size=2000),
        actor=None,
        message=gettext_lazy("Your vote is asked on “%(norm)s” until %(closes)s"),
        params=params,
        url=norm.get_absolute_url(),
    )
    asked = set(electorate.values_list("pk", flat=True))
    notification_send(
        recipients=[a for a in followers_of(norm) if a.pk not in asked],
        actor=None,
        message=gettext_lazy("A consultation is open on “%(norm)s” until %(closes)s"),
        params=params,
        url=norm.get_absolute_url(),
    )


@task()
def decision_tell_scope(decision_id: int) -> int:
    """After a decision: its consultation's voters and the agents the norm applies to, besides
    its followers, who were told at once (services.decision_record). Once, whoever runs it first
    (the job enqueued after the decision, the sweep below, or the demo ahead of the worker), in
    one transaction: a failure leaves it to the sweep. Returns how many were told."""
    with transaction.atomic():
        decision = (
            # of: the optional consultation is an outer join, which PostgreSQL cannot lock.
            Decision.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=decision_id, scope_told_at__isnull=True)
            .select_related("norm", "consultation", "decided_by")
            .first()
        )
        if decision is None:
            return 0
        decision.scope_told_at = timezone.now()
        decision.save(update_fields=["scope_told_at"])
        norm = decision.norm
        followers = {a.pk for a in followers_of(norm)}
        everyone = decision_audience(norm, decision.consultation)
        sent = notification_send(
            recipients=(a for a in everyone if a.pk not in followers),
            actor=decision.decided_by,
            message=DECISION_MESSAGE,
            params={"norm": norm.title, "outcome": Outcome(decision.outcome).label},
            url=norm.get_absolute_url(),
        )
    return len(sent)


@task()
def decisions_tell_due() -> int:
    """Every minute: the decisions whose job did not run, or failed (a worker stopped between
    the commit and the job). A minute's grace leaves the job enqueued after the commit to run."""
    due = Decision.objects.filter(
        scope_told_at__isnull=True, created_at__lte=timezone.now() - dt.timedelta(minutes=1)
    )
    return sum(decision_tell_scope.call(decision_id=pk) for pk in due.values_list("pk", flat=True))
