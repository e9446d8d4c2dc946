"""Voting: one ballot per eligible agent, changeable until the close, secret when asked.

The count is always the number of distinct eligible voters: `Voter` has a unique key on
(consultation, agent), `Ballot` one on (consultation, key), and both are written in one
transaction. Two tabs of the same agent voting at once meet at Voter's unique key: the second
waits for the first to commit, then finds its ballot and changes it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from riposte.core.audit import audit_record
from riposte.norms import rules
from riposte.norms.models import Ballot, Choice, Consultation, Decision, Method, Voter
from riposte.norms.models.consultations import REASON_MAX


def ballot_key(consultation_id: int, agent_id: int) -> str:
    """Finds an agent's ballot again without storing who cast it. Keyed by the server's secret:
    whoever reads the database alone cannot recompute it for a given agent."""
    message = f"riposte.norms.ballot:{consultation_id}:{agent_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class VoteRefused(ValidationError):
    """A vote that cannot be taken, with the reason shown to the voter (and a code for the API)."""


def _refuse(message: str, code: str) -> VoteRefused:
    return VoteRefused(message, code=code)


def _lock_for_voting(consultation_id: int) -> None:
    """The weakest shared lock on the consultation's row, held until the vote commits: voters do
    not wait for each other, nor for the announcement writing `announced_at` (an update of a
    column that is no key); but the seal and the decision (FOR UPDATE) wait for the votes in
    flight, and no vote starts while they hold it. Two tabs of one agent meet at Voter's unique
    key. An exclusive lock here made every voter wait for every other one (bench/README.md §5).
    SQLite takes one writer at a time: it needs no lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM norms_consultation WHERE id = %s FOR KEY SHARE", [consultation_id]
            )


@transaction.atomic
def vote_cast(*, consultation: Consultation, agent: Any, choice: str, reason: str = "") -> Ballot:
    """Record or change the agent's ballot. Raises VoteRefused (a ValidationError) or
    PermissionDenied (not in the electorate) with a message for the voter."""
    _lock_for_voting(consultation.pk)
    consultation = Consultation.objects.get(pk=consultation.pk)
    now = timezone.now()
    if now < consultation.opens_at:
        raise _refuse(_("This consultation is not open yet."), "not_open")
    if consultation.sealed_at is not None or consultation.has_closed(now):
        raise _refuse(_("This consultation is closed: votes are no longer taken."), "closed")
    if not rules.is_eligible(agent, consultation):
        raise PermissionDenied(_("You are not among the agents this consultation asks."))
    if choice not in consultation.choices:
        raise _refuse(_("Choose one of the answers offered."), "invalid_choice")
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise _refuse(_("A reason is limited to 2,000 characters."), "reason_too_long")
    if choice == Choice.OBJECTION and not reason:
        raise _refuse(_("An objection needs a reason, so that it can be answered."), "reason")

    key = ballot_key(consultation.pk, agent.pk)
    voter, created = Voter.objects.get_or_create(
        consultation=consultation, agent=agent, defaults={"voted_at": now}
    )
    ballot = Ballot.objects.filter(consultation=consultation, key=key).first()
    if ballot is None:
        if not created:
            # A voter without a ballot: the secret key changed while the consultation was open.
            raise _refuse(
                _("Your earlier vote can no longer be changed. It is counted as it was."),
                "locked",
            )
        ballot = Ballot(consultation=consultation, key=key)
    elif ballot.answer and (ballot.choice, ballot.reason) != (choice, reason):
        # An answered objection stays as answered; a new position is a new ballot content.
        ballot.answer, ballot.answered_by = "", None
    ballot.choice = choice
    ballot.reason = reason if consultation.method == Method.CONSENT else ""
    ballot.voter = None if consultation.secret else agent
    # The unique keys and checks are the database's: only the fields' own rules here.
    ballot.full_clean(
        exclude=["consultation", "voter", "answered_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    ballot.save()
    if not created:
        voter.voted_at = now
        voter.save(update_fields=["voted_at"])
    # Who took part is public; what they chose is recorded only when the ballot is.
    changes: dict[str, Any] = {"changed": not created}
    if not consultation.secret:
        changes["choice"] = choice
    audit_record(actor=agent, action="norm.vote", target=consultation, changes=changes)
    return ballot


def my_ballot(*, consultation: Consultation, agent: Any) -> Ballot | None:
    """The agent's own ballot (for their eyes only: "you voted ...", and to change it)."""
    if not agent.is_authenticated:
        return None
    return Ballot.objects.filter(
        consultation=consultation, key=ballot_key(consultation.pk, agent.pk)
    ).first()


@dataclass(frozen=True)
class Results:
    counts: dict[str, int]
    voters: int
    eligible: int
    quorum: int
    quorum_reached: bool
    # Objections that no facilitator has answered yet (consent method).
    unanswered: int
    # The answer that won: the most "for/against" (a tie is "tie"); under consent, "consent"
    # when nobody objected, else "objection" (the objections and their answers are then shown);
    # "none" when nobody voted.
    outcome: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "voters": self.voters,
            "eligible": self.eligible,
            "quorum": self.quorum,
            "quorum_reached": self.quorum_reached,
            "unanswered": self.unanswered,
            "outcome": self.outcome,
        }


def results_compute(consultation: Consultation) -> Results:
    from riposte.directory.models import Agent

    ballots = list(Ballot.objects.filter(consultation=consultation).values("choice", "answer"))
    counts = Counter(b["choice"] for b in ballots)
    voters = Voter.objects.filter(consultation=consultation).count()
    eligible = Agent.objects.filter(is_active=True, **rules.electorate_filter(consultation)).count()
    unanswered = sum(1 for b in ballots if b["choice"] == Choice.OBJECTION and not b["answer"])
    if not voters:
        outcome = "none"  # not a tie, nor a consent: nobody answered
    elif consultation.method == Method.CONSENT:
        outcome = "objection" if counts[Choice.OBJECTION] else "consent"
    elif counts[Choice.FOR] == counts[Choice.AGAINST]:
        outcome = "tie"
    else:
        outcome = Choice.FOR if counts[Choice.FOR] > counts[Choice.AGAINST] else Choice.AGAINST
    return Results(
        counts={c: counts.get(c, 0) for c in consultation.choices},
        voters=voters,
        eligible=eligible,
        quorum=consultation.quorum,
        quorum_reached=voters >= consultation.quorum,
        unanswered=unanswered,
        outcome=str(outcome),
    )


def unanswered(consultation: Consultation) -> int:
    """Objections no facilitator has answered yet, now: answers go on after the seal (until the
    decision), so this is counted live, beside the frozen tally."""
    return Ballot.objects.filter(
        consultation=consultation, choice=Choice.OBJECTION, answer=""
    ).count()


def results_visible(consultation: Consultation, now=None) -> bool:  # type: ignore[no-untyped-def]
    """A secret ballot's results are hidden until the close; a public one's are shown as they come."""
    return not consultation.secret or consultation.has_closed(now)


@transaction.atomic
def consultation_seal(*, consultation: Consultation) -> bool:
    """Freeze the result of a closed consultation (the worker, once). Returns whether it sealed."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.sealed_at is not None or not consultation.has_closed():
        return False
    consultation.result = results_compute(consultation).as_dict()
    consultation.sealed_at = timezone.now()
    consultation.save(update_fields=["result", "sealed_at"])
    audit_record(actor=None, action="norm.consultation.seal", target=consultation,
                 changes={"voters": consultation.result["voters"]})  # fmt: skip
    return True


def undecided(norm_id: int) -> QuerySet[Consultation]:
    """The norm's consultations that closed and await a decision: those closed after its latest
    decision. A decision settles every consultation before it, whether its form named one or
    not, so that none waits forever."""
    closed = Consultation.objects.filter(norm_id=norm_id, closes_at__lte=timezone.now())
    latest = (
        Decision.objects.filter(norm_id=norm_id)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return closed if latest is None else closed.filter(closes_at__gt=latest)


def may_answer(consultation: Consultation) -> bool:
    """Objections are answered until a decision follows the consultation: an objection raised in
    its last minutes is answered after the close, and the decision waits for it
    (services.decision_record)."""
    return not Decision.objects.filter(
        norm_id=consultation.norm_id, created_at__gte=consultation.closes_at
    ).exists()


@transaction.atomic
def objection_answer(*, ballot: Ballot, by: Any, answer: str) -> Ballot:
    """A facilitator answers an objection: the answer is public, the objector stays unknown."""
    if not rules.is_facilitator(by):
        raise PermissionDenied
    # The consultation's row first, as the seal and the decision take it: an answer is wholly
    # before or after them.
    Consultation.objects.select_for_update().get(pk=ballot.consultation_id)
    ballot = Ballot.objects.select_for_update().select_related("consultation").get(pk=ballot.pk)
    if not results_visible(ballot.consultation):
        # Unseen until the close (consultation_views.consultation_panel says why); first, so
        # that not even what a ballot is comes out before.
        raise ValidationError(_("A secret ballot's objections are answered after its close."))
    if ballot.choice != Choice.OBJECTION:
        raise ValidationError(_("Only an objection is answered."))
    if not may_answer(ballot.consultation):
        raise ValidationError(_("A decision has followed this consultation: it is closed."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer to this objection.")})
    if len(answer) > REASON_MAX:
        raise ValidationError({"answer": _("An answer is limited to 2,000 characters.")})
    ballot.answer, ballot.answered_by = answer, by
    ballot.save(update_fields=["answer", "answered_by"])
    audit_record(actor=by, action="norm.objection.answer", target=ballot.consultation)
    return ballot
