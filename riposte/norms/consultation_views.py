"""Pages of consultations and decisions: open a consultation, vote, answer an objection, record a
decision; and what the norm's page shows of them (the consultation panel, the decision panel).

A refused vote or answer is shown on the norm's page itself (400, or 403 outside the electorate),
with the message beside the form and the voter's choice and reason kept: the page's context
(views.detail_context) carries the refusal to the panel as `consultation_refusal`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest
from riposte.directory.models import Agent, Role
from riposte.norms import ballots, rules, services
from riposte.norms.consultation_forms import AnswerForm, ConsultationForm, DecisionForm, VoteForm
from riposte.norms.models import (
    IN_FORCE,
    Ballot,
    Choice,
    Consultation,
    Decision,
    Electorate,
    Method,
    Norm,
    Voter,
)

# How many names the panel lists (who voted, or who voted what): the count is always complete.
NAMES_SHOWN = 100

OUTCOME_LABELS = {
    Choice.FOR.value: gettext_lazy("“For” has the most votes"),
    Choice.AGAINST.value: gettext_lazy("“Against” has the most votes"),
    "tie": gettext_lazy("Tie between “for” and “against”"),
    "consent": gettext_lazy("Consent: nobody objected"),
    "objection": gettext_lazy("Objections were raised"),
    "none": gettext_lazy("Nobody voted"),
}


@dataclass(frozen=True)
class Refusal:
    """A vote or an answer that was not taken: why, and what the agent had typed."""

    message: str
    consultation_id: int
    choice: str = ""
    reason: str = ""
    ballot_id: uuid.UUID | None = None
    answer: str = ""


def _anchor(norm: Norm, fragment: str = "consultation") -> str:
    return f"{norm.get_absolute_url()}#{fragment}"


def _norm_page(request: AgentRequest, norm: Norm, refusal: Refusal, status: int) -> HttpResponse:
    """The norm's page, as the agent saw it, with the refusal in the consultation panel."""
    from riposte.norms import views  # the page's own context; imported here, its urls import ours

    context = views.detail_context(request, norm, consultation_refusal=refusal)
    return render(request, "norms/detail.html", context, status=status)


def _first_message(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return exc.messages[0] if exc.messages else _("This could not be saved.")
    return str(exc) or _("You may not do this.")


# --- Opening a consultation -------------------------------------------------------------------


@login_required
def consultation_open(request: AgentRequest, pk: int) -> HttpResponse:
    norm = get_object_or_404(Norm, pk=pk)
    if not rules.can_open_consultation(request.user):
        raise PermissionDenied
    form = ConsultationForm(request.POST or None, norm=norm)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_open(
                norm=norm, by=request.user, data=form.to_data()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The consultation is open until %(closes)s.")
                % {"closes": _when(consultation.closes_at)}
                if consultation.is_open()
                else _("The consultation will open on %(opens)s.")
                % {"opens": _when(consultation.opens_at)},
            )
            return redirect(_anchor(norm))
    running = Consultation.objects.filter(norm=norm, sealed_at__isnull=True).first()
    context = {"norm": norm, "form": form, "running": running}
    return render(request, "norms/consultation_form.html", context)


# --- Voting -----------------------------------------------------------------------------------


@login_required
@require_POST
def vote(request: AgentRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(Consultation.objects.select_related("norm"), pk=pk)
    form = VoteForm(request.POST)
    form.is_valid()  # two optional strings: the rules are vote_cast's
    choice = form.cleaned_data.get("choice") or ""
    reason = form.cleaned_data.get("reason") or ""
    try:
        ballots.vote_cast(
            consultation=consultation, agent=request.user, choice=choice, reason=reason
        )
    except (ValidationError, PermissionDenied) as exc:
        refusal = Refusal(_first_message(exc), consultation.pk, choice=choice, reason=reason)
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return _norm_page(request, consultation.norm, refusal, status)
    messages.success(
        request,
        _("Your vote is recorded. You can change it until %(closes)s.")
        % {"closes": _when(consultation.closes_at)},
    )
    return redirect(_anchor(consultation.norm))


@login_required
@require_POST
def objection_answer(request: AgentRequest, pk: uuid.UUID) -> HttpResponse:
    ballot = get_object_or_404(Ballot.objects.select_related("consultation__norm"), pk=pk)
    if not rules.is_facilitator(request.user):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    form.is_valid()
    answer = form.cleaned_data.get("answer") or ""
    norm = ballot.consultation.norm
    try:
        ballots.objection_answer(ballot=ballot, by=request.user, answer=answer)
    except ValidationError as exc:
        refusal = Refusal(
            _first_message(exc), ballot.consultation_id, ballot_id=ballot.pk, answer=answer
        )
        return _norm_page(request, norm, refusal, 400)
    messages.success(request, _("Your answer to the objection is published."))
    return redirect(_anchor(norm, f"objection-{ballot.pk}"))


# --- Recording a decision ---------------------------------------------------------------------


@login_required
def decide(request: AgentRequest, pk: int) -> HttpResponse:
    norm = get_object_or_404(Norm, pk=pk)
    if not rules.can_decide(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST or None, norm=norm)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(norm=norm, by=request.user, data=form.to_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The decision is recorded: %(outcome)s. The agents concerned are notified.")
                % {"outcome": decision.get_outcome_display()},
            )
            return redirect(_anchor(norm, "decide"))
    running = Consultation.objects.filter(
        norm=norm, sealed_at__isnull=True, closes_at__gt=timezone.now()
    ).first()
    context = {"norm": norm, "form": form, "running": running}
    return render(request, "norms/decision_form.html", context)


# --- What the norm's page shows ---------------------------------------------------------------


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def electorate_label(consultation: Consultation) -> str:
    if consultation.electorate == Electorate.SERVICE and consultation.service is not None:
        return _("The agents of %(service)s and of the services under it") % {
            "service": consultation.service.name
        }
    if consultation.electorate == Electorate.ROLE:
        return _("The agents with the role “%(role)s”") % {"role": Role(consultation.role).label}
    return str(Electorate.ALL.label)


def _results(consultation: Consultation) -> dict[str, Any]:
    """The frozen result once sealed; until then computed (shown only when results_visible)."""
    result = consultation.result or ballots.results_compute(consultation).as_dict()
    # Answers go on after the seal, until the decision: their count is today's.
    result = {**result, "unanswered": ballots.unanswered(consultation)}
    counts = result["counts"]
    voters = result["voters"] or 0
    return {
        **result,
        "sealed": consultation.result is not None,
        "rows": [
            {
                "choice": choice,
                "label": Choice(choice).label,
                "count": counts.get(choice, 0),
                "percent": round(100 * counts.get(choice, 0) / voters) if voters else 0,
            }
            for choice in consultation.choices
        ],
        "outcome_label": OUTCOME_LABELS.get(result["outcome"], result["outcome"]),
    }


def consultation_panel(
    request: HttpRequest,
    norm: Norm,
    consultation: Consultation | None,
    refusal: Refusal | None = None,
) -> dict[str, Any]:
    """Everything _consultation.html shows, for this viewer. Choices are never put beside a name
    unless the consultation is public."""
    agent = request.user
    can_open = (
        rules.can_open_consultation(agent)
        and norm.status in IN_FORCE
        # A consultation closes the day before the sunset at the latest (consultation_open).
        and not (norm.lapses_on and norm.lapses_on <= timezone.localdate())
        and not Consultation.objects.filter(norm=norm, sealed_at__isnull=True).exists()
        and not ballots.undecided(norm.pk).exists()
    )
    panel: dict[str, Any] = {"consultation": consultation, "can_open": can_open}
    if consultation is None:
        return panel
    now = timezone.now()
    if refusal is not None and refusal.consultation_id != consultation.pk:
        refusal = None
    state = (
        "upcoming"
        if now < consultation.opens_at
        else "open"
        if consultation.is_open(now)
        else "closed"
    )
    eligible = rules.is_eligible(agent, consultation)
    # A refused vote (not an answer to an objection) comes back with what was chosen and typed.
    kept = refusal if refusal is not None and refusal.ballot_id is None else None
    mine = ballots.my_ballot(consultation=consultation, agent=agent)
    voters = Voter.objects.filter(consultation=consultation)
    turnout = voters.count()
    panel.update(
        {
            "state": state,
            "electorate": electorate_label(consultation),
            "eligible": eligible,
            "can_vote": state == "open" and eligible,
            "mine": mine,
            "mine_label": Choice(mine.choice).label if mine else "",
            "turnout": turnout,
            "is_consent": consultation.method == Method.CONSENT,
            "choices": [(c.value, c.label) for c in consultation.choices],
            "refusal": refusal,
            # What the form shows checked and typed: the refused input first, else the own ballot.
            "checked": kept.choice if kept else (mine.choice if mine else ""),
            "reason": kept.reason if kept else (mine.reason if mine else ""),
            "results": _results(consultation) if ballots.results_visible(consultation) else None,
            "is_facilitator": rules.is_facilitator(agent),
        }
    )
    if consultation.secret:
        # Who took part is public, once the votes are in: names shown while it runs, beside the
        # turnout and the objections as they come, would tell who objected. Their order (by
        # name) says nothing of when they voted.
        panel["participants"] = (
            list(
                Agent.objects.filter(pk__in=voters.values("agent_id")).order_by(
                    "last_name", "first_name", "pk"
                )[:NAMES_SHOWN]
            )
            if state == "closed"
            else []
        )
    else:
        panel["public_ballots"] = list(
            Ballot.objects.filter(consultation=consultation, voter__isnull=False)
            .select_related("voter")
            .order_by("voter__last_name", "voter__first_name", "voter_id")[:NAMES_SHOWN]
        )
    if panel["is_consent"]:
        # A secret ballot's objections are shown after the close, to everyone at once (the
        # facilitators answer them then, until the decision): seen live, with the audit log's
        # times of who voted, they would tell who objected. By their random id: neither their
        # order nor their time shows.
        panel["objections_shown"] = panel["results"] is not None
        panel["objections"] = (
            list(
                Ballot.objects.filter(consultation=consultation, choice=Choice.OBJECTION)
                .select_related("answered_by")
                .order_by("id")
            )
            if panel["objections_shown"]
            else []
        )
        panel["can_answer"] = panel["is_facilitator"] and ballots.may_answer(consultation)
    return panel


def decision_panel(request: HttpRequest, norm: Norm) -> dict[str, Any]:
    """For decision-makers: the link to the decision form, and what awaits a decision."""
    if not rules.can_decide(request.user):
        return {"can_decide": False}
    awaiting = ballots.undecided(norm.pk).order_by("-closes_at").first()
    last = Decision.objects.filter(norm=norm).order_by("-decided_on", "-id").first()
    return {
        "can_decide": True,
        "awaiting": awaiting,
        "last": last,
        "decide_url": reverse("norms:decide", args=[norm.pk]),
    }
