"""Norms over HTTP: the register, and votes with the same services and rules as the pages.

A secret consultation's API shows who may vote, how many took part and (after the close) the
counts, never who chose what: the only ballot an answer carries is the caller's own, found with
ballots.my_ballot. Objections are listed with their reasons and answers, without their authors,
and only when the results are visible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from riposte.cooperations.models import CooperationStatus
from riposte.core.text import fold
from riposte.directory.models import Agent, Service
from riposte.norms import ballots, queries, rules
from riposte.norms.models import (
    IN_FORCE,
    Argument,
    Ballot,
    Choice,
    Consultation,
    Method,
    Norm,
    NormKind,
    NormStatus,
    Testimony,
    Voter,
)

router = Router(tags=["norms"])

MAX_LIMIT = 100


class NormCounts(Schema):
    testimonies: int
    arguments: int
    initiatives: int
    cooperations: int


class NormItemOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    next_date: dt.date | None = Field(
        None, description="the sunset of a temporary authorisation, else the review date"
    )
    review_on: dt.date | None
    sunset_on: dt.date | None
    updated_at: dt.datetime
    counts: NormCounts
    url: str


class OriginOut(Schema):
    event: int | None = Field(None, description="emergency id")
    event_name: str | None
    text: str = Field(..., description="the decision or note that opened it")
    date: dt.date | None
    granted_by: str


class ServiceRef(Schema):
    code: str
    name: str


class ScopeOut(Schema):
    services: list[ServiceRef] = Field(..., description="empty with no sites nor roles: everyone")
    sites: list[str]
    roles: list[str]


class StatusChangeOut(Schema):
    before: str
    after: str
    by: str | None = Field(None, description="null: changed by the worker (e.g. expiry)")
    reason: str = Field(description="in the words of whoever changed it (a decision's rationale)")
    cause: str = Field(description='"consultation" (one opened), "sunset" (its date passed) or ""')
    at: dt.datetime


class DecisionOut(Schema):
    outcome: str
    rationale: str
    new_text: str
    decided_on: dt.date
    next_review_on: dt.date | None
    decided_by: str
    consultation: int | None


class ArgumentOut(Schema):
    id: int
    title: str
    side: str
    endorsements: int


class ObjectionOut(Schema):
    reason: str
    answer: str
    answered_by: str | None


class MyBallotOut(Schema):
    consultation: int
    choice: str
    reason: str
    answer: str = Field(..., description="a facilitator's answer to your objection, if any")
    voted_at: dt.datetime | None
    changeable_until: dt.datetime | None = Field(
        None, description="the close; null once the consultation has closed"
    )


class ConsultationOut(Schema):
    id: int
    question: str
    method: str
    choices: list[str]
    state: str = Field(..., description="upcoming, open or closed")
    opens_at: dt.datetime
    closes_at: dt.datetime
    electorate: str
    service: ServiceRef | None
    role: str
    quorum: int
    secret: bool
    voters: int = Field(..., description="how many agents took part (always public)")
    eligible: int
    may_vote: bool = Field(..., description="the caller is in the electorate")
    results_visible: bool
    results: dict[str, Any] | None = Field(
        None, description="counts, quorum, outcome: null while a secret ballot is running"
    )
    objections: list[ObjectionOut] | None = Field(
        None, description="consent method: objections and answers, never who objected"
    )
    my_ballot: MyBallotOut | None


class NormDetailOut(Schema):
    id: int
    title: str
    text: str
    version: int
    kind: str
    status: str
    next_date: dt.date | None
    review_on: dt.date | None
    sunset_on: dt.date | None
    origin: OriginOut
    scope: ScopeOut
    proposed_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    status_history: list[StatusChangeOut]
    decisions: list[DecisionOut]
    testimonies: int
    arguments: list[ArgumentOut]
    initiatives: list[int]
    cooperations: list[int]
    consultations: list[ConsultationOut]
    url: str


class VoteIn(Schema):
    choice: str = Field(..., description=", ".join(Choice.values))
    reason: str = Field("", description="required with an objection (consent method)")

    @field_validator("choice", "reason")
    @classmethod
    def no_nul(cls, value: str) -> str:
        # PostgreSQL refuses NUL in text: say so rather than fail with a 500.
        if "\x00" in value:
            raise ValueError("a NUL character is not allowed")
        return value


class ErrorOut(Schema):
    code: str = Field(
        ...,
        description="not_open, closed, invalid_choice, reason, reason_too_long, locked, "
        "not_eligible, no_norm, no_consultation",
    )
    message: str


def _agent(request: HttpRequest) -> Agent:
    return request.user  # type: ignore[return-value]


def _name(agent: Agent | None) -> str | None:
    return None if agent is None else str(agent)


def _service_ref(service: Service | None) -> dict[str, str] | None:
    return None if service is None else {"code": service.code, "name": service.name}


def _count(model: Any, **filters: Any) -> Coalesce:
    """A correlated count: one subquery per counted relation, instead of joins that multiply."""
    rows = (
        model.objects.filter(norm=OuterRef("pk"), **filters)
        .order_by()
        .values("norm")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _item(norm: Norm) -> dict[str, Any]:
    return {
        "id": norm.pk,
        "title": norm.title,
        "kind": norm.kind,
        "status": norm.status,
        "next_date": norm.next_date,
        "review_on": norm.review_on,
        "sunset_on": norm.sunset_on,
        "updated_at": norm.updated_at,
        "counts": {
            "testimonies": norm.n_testimonies,  # type: ignore[attr-defined]
            "arguments": norm.n_arguments,  # type: ignore[attr-defined]
            "initiatives": norm.n_initiatives,  # type: ignore[attr-defined]
            "cooperations": norm.n_cooperations,  # type: ignore[attr-defined]
        },
        "url": norm.get_absolute_url(),
    }


@router.get("/norms", response=list[NormItemOut], summary="The register, with the list's filters")
def norm_list(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    service: str = Query(
        "",
        description="service code: the norms that apply to it (its own, those of a service "
        "under it, and those of no service in particular)",
    ),
    due_within_days: int | None = Query(
        None, description="review or sunset due within this many days (overdue included)"
    ),
    q: str = "",
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    if "\x00" in "".join((status, kind, service, q)):
        raise HttpError(422, "A NUL character is not allowed in a parameter.")
    if status and status not in NormStatus.values:
        raise HttpError(422, f"status: one of {', '.join(NormStatus.values)}")
    if kind and kind not in NormKind.values:
        raise HttpError(422, f"kind: one of {', '.join(NormKind.values)}")
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, min(offset, 100_000))
    qs: QuerySet[Norm] = Norm.objects.all()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if service:
        chosen = Service.objects.filter(code=service[:30]).first()
        if chosen is None:
            return []
        qs = qs.filter(queries.applies_to(chosen))
    if due_within_days is not None:
        # As the list's filter: in force, and its next date within the days, overdue included.
        until = timezone.localdate() + dt.timedelta(days=max(0, min(due_within_days, 3660)))
        qs = qs.annotate(due_on=queries.due_on()).filter(status__in=IN_FORCE, due_on__lte=until)
    for word in fold(q[:200]).split():
        qs = qs.filter(search_key__contains=word)
    qs = qs.annotate(
        n_testimonies=_count(Testimony, hidden_at__isnull=True),
        n_arguments=_count(Argument, hidden_at__isnull=True),
        # As on the page (queries.counts_for): published initiatives, confirmed cooperations.
        n_initiatives=_count(Norm.initiatives.through, initiative__submitted_at__isnull=False),
        n_cooperations=_count(
            Norm.cooperations.through, cooperation__status=CooperationStatus.CONFIRMED
        ),
    )
    return [_item(norm) for norm in qs[offset : offset + limit]]


def _state(consultation: Consultation, now: dt.datetime) -> str:
    if now < consultation.opens_at:
        return "upcoming"
    if consultation.sealed_at is not None or consultation.has_closed(now):
        return "closed"
    return "open"


def _my_ballot(consultation: Consultation, agent: Agent, now: dt.datetime) -> dict[str, Any] | None:
    ballot = ballots.my_ballot(consultation=consultation, agent=agent)
    return None if ballot is None else _ballot_out(consultation, agent, ballot, now)


def _ballot_out(
    consultation: Consultation, agent: Agent, ballot: Ballot, now: dt.datetime
) -> dict[str, Any]:
    """The caller's own ballot: for their eyes only."""
    voter = Voter.objects.filter(consultation=consultation, agent=agent).first()
    closed = consultation.sealed_at is not None or consultation.has_closed(now)
    return {
        "consultation": consultation.pk,
        "choice": ballot.choice,
        "reason": ballot.reason,
        "answer": ballot.answer,
        "voted_at": voter.voted_at if voter else None,
        "changeable_until": None if closed else consultation.closes_at,
    }


def _consultation_out(consultation: Consultation, agent: Agent, now: dt.datetime) -> dict[str, Any]:
    visible = ballots.results_visible(consultation, now)
    results: dict[str, Any] | None = None
    objections: list[dict[str, Any]] | None = None
    if visible:
        # A sealed consultation's result is the frozen one, never recomputed.
        if consultation.result is not None:
            results = dict(consultation.result)
        else:
            results = ballots.results_compute(consultation).as_dict()
        # Answers go on after the seal, until the decision: their count is today's.
        results["unanswered"] = ballots.unanswered(consultation)
        if consultation.method == Method.CONSENT:
            # Ballot ids are random: their order says nothing of who objected first.
            objections = [
                {"reason": b.reason, "answer": b.answer, "answered_by": _name(b.answered_by)}
                for b in Ballot.objects.filter(consultation=consultation, choice=Choice.OBJECTION)
                .select_related("answered_by")
                .order_by("pk")
            ]
    eligible = (
        consultation.result["eligible"]
        if consultation.result is not None
        else Agent.objects.filter(is_active=True, **rules.electorate_filter(consultation)).count()
    )
    return {
        "id": consultation.pk,
        "question": consultation.question,
        "method": consultation.method,
        "choices": list(consultation.choices),
        "state": _state(consultation, now),
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "electorate": consultation.electorate,
        "service": _service_ref(consultation.service),
        "role": consultation.role,
        "quorum": consultation.quorum,
        "secret": consultation.secret,
        "voters": Voter.objects.filter(consultation=consultation).count(),
        "eligible": eligible,
        "may_vote": rules.is_eligible(agent, consultation),
        "results_visible": visible,
        "results": results,
        "objections": objections,
        "my_ballot": _my_ballot(consultation, agent, now),
    }


def _norm_or_404(pk: int) -> Norm:
    norm = Norm.objects.select_related("origin_event", "proposed_by").filter(pk=pk).first()
    if norm is None:
        raise HttpError(404, "No such norm.")
    return norm


def _history(norm: Norm) -> list[dict[str, Any]]:
    changes = norm.status_changes.select_related("by").order_by("at", "id")
    return [
        {
            "before": c.before,
            "after": c.after,
            "by": _name(c.by),
            "reason": c.reason,
            "cause": c.cause,
            "at": c.at,
        }
        for c in changes
    ]


def _decisions(norm: Norm) -> list[dict[str, Any]]:
    return [
        {
            "outcome": d.outcome,
            "rationale": d.rationale,
            "new_text": d.new_text,
            "decided_on": d.decided_on,
            "next_review_on": d.next_review_on,
            "decided_by": str(d.decided_by),
            "consultation": d.consultation_id,
        }
        for d in norm.decisions.select_related("decided_by")
    ]


@router.get("/norms/{pk}", response=NormDetailOut, summary="One norm, its debate and consultations")
def norm_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    norm = _norm_or_404(pk)
    agent, now = _agent(request), timezone.now()
    consultations = norm.consultations.select_related("service").order_by("-opens_at", "-id")
    return {
        "id": norm.pk,
        "title": norm.title,
        "text": norm.text,
        "version": norm.version,
        "kind": norm.kind,
        "status": norm.status,
        "next_date": norm.next_date,
        "review_on": norm.review_on,
        "sunset_on": norm.sunset_on,
        "origin": {
            "event": norm.origin_event_id,
            "event_name": norm.origin_event.name if norm.origin_event else None,
            "text": norm.origin,
            "date": norm.origin_date,
            "granted_by": norm.granted_by,
        },
        "scope": {
            "services": [_service_ref(s) for s in norm.services.order_by("code")],
            "sites": [s.name for s in norm.sites.order_by("name")],
            "roles": list(norm.roles),
        },
        "proposed_by": str(norm.proposed_by),
        "created_at": norm.created_at,
        "updated_at": norm.updated_at,
        "status_history": _history(norm),
        "decisions": _decisions(norm),
        "testimonies": norm.testimonies.filter(hidden_at__isnull=True).count(),
        "arguments": [
            {"id": a.pk, "title": a.title, "side": a.side, "endorsements": a.endorsements_count}
            for a in norm.arguments.filter(hidden_at__isnull=True)
        ],
        "initiatives": list(
            queries.linked_initiatives(norm).order_by("pk").values_list("pk", flat=True)
        ),
        "cooperations": list(
            queries.linked_cooperations(norm).order_by("pk").values_list("pk", flat=True)
        ),
        "consultations": [_consultation_out(c, agent, now) for c in consultations],
        "url": norm.get_absolute_url(),
    }


def _refusal(status: int, code: str, message: str) -> tuple[int, dict[str, str]]:
    """A refused vote: a code for programs, and the message the page gives, in the caller's
    language (the parameter errors of GET, for developers, are in English as in every API)."""
    return status, {"code": code, "message": message}


@router.post(
    "/norms/{pk}/votes",
    response={200: MyBallotOut, 201: MyBallotOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Vote (or change your vote) in the norm's consultation",
    description="201: your first vote; 200: your vote changed. Until the close, as on the page.",
)
def norm_vote(request: HttpRequest, pk: int, payload: VoteIn) -> tuple[int, dict[str, Any]]:
    norm = Norm.objects.filter(pk=pk).first()
    if norm is None:
        return _refusal(404, "no_norm", _("No such norm."))
    # The running one (at most one per norm); else the latest, whose close refuses the vote.
    consultation = (
        norm.consultations.filter(sealed_at__isnull=True).first() or norm.consultations.first()
    )
    if consultation is None:
        return _refusal(404, "no_consultation", _("No consultation on this norm."))
    agent = _agent(request)
    # Said before the vote, for the status code only: two tabs at once may both hear "first".
    first = not Voter.objects.filter(consultation=consultation, agent=agent).exists()
    try:
        ballot = ballots.vote_cast(
            consultation=consultation, agent=agent, choice=payload.choice, reason=payload.reason
        )
    except PermissionDenied as exc:
        return _refusal(403, "not_eligible", str(exc) or _("You may not vote here."))
    except ballots.VoteRefused as exc:
        return _refusal(400, exc.code or "refused", " ".join(exc.messages))
    except ValidationError as exc:
        return _refusal(400, "invalid", " ".join(exc.messages))
    return (201 if first else 200), _ballot_out(consultation, agent, ballot, timezone.now())
