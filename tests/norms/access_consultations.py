"""Rows of the access table for consultations, votes, decisions and the calendar (see
tests/norms/access.py). Who may vote in a consultation is the electorate's business (the row with
a role electorate); everything else about a vote's refusals is in test_consultation_views.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from riposte.directory.models import Role
from riposte.norms.ballots import vote_cast
from riposte.norms.ics import ics_token
from riposte.norms.models import Choice, Consultation, Electorate, Method, Norm
from tests.access_table import OBJECT, Route, everyone, logged_in, only
from tests.norms.builders import close, make_consultation, make_norm

FACILITATORS = ("facilitator", "admin")
DECISION_MAKERS = ("decision_maker", "admin")


def _norm(actors: dict[str, Any], fragment: str = "") -> Norm:
    norm = make_norm(by=actors["agent"])
    actors["made"] = norm.get_absolute_url() + (f"#{fragment}" if fragment else "")
    return norm


def _norm_url(name: str, fragment: str = "") -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        return reverse(name, args=[_norm(actors, fragment).pk])

    return build


def _consultation(actors: dict[str, Any], **fields: Any) -> Consultation:
    norm = _norm(actors, "consultation")
    return make_consultation(norm=norm, by=actors["facilitator"], **fields)


def _vote_url(**fields: Any) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        return reverse("norms:vote", args=[_consultation(actors, **fields).pk])

    return build


def _answer_url(actors: dict[str, Any]) -> str:
    consultation = _consultation(actors, method=Method.CONSENT)
    ballot = vote_cast(
        consultation=consultation,
        agent=actors["moderator"],
        choice=Choice.OBJECTION,
        reason="Le seuil de 1 500 € est trop haut pour les petites communes.",
    )
    close(consultation)  # a secret ballot's objections are answered after its close
    actors["made"] = f"{consultation.norm.get_absolute_url()}#objection-{ballot.pk}"
    return reverse("norms:objection-answer", args=[ballot.pk])


def _decide_after_close_url(actors: dict[str, Any]) -> str:
    consultation = close(_consultation(actors))
    actors["made"] = consultation.norm.get_absolute_url() + "#decide"
    actors["consultation"] = consultation.pk
    return reverse("norms:decide", args=[consultation.norm_id])


def _consultation_form(actors: dict[str, Any]) -> dict[str, str]:
    return {
        "question": "Faut-il garder cette délégation ?",
        "method": Method.VOTE,
        "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "closes_at": "2099-12-31T18:00",
        "electorate": Electorate.ALL,
        "quorum": "0",
        "secret": "on",
    }


def _decision_form(actors: dict[str, Any]) -> dict[str, str]:
    return {
        "outcome": "keep",
        "rationale": "La délégation a servi sans incident pendant deux ans.",
        "new_text": "",
        "decided_on": "2024-01-15",
        "next_review_on": "2099-01-15",
        "consultation": str(actors["consultation"]),
    }


def _ics_url(actors: dict[str, Any]) -> str:
    _norm(actors)  # something in the calendar
    return reverse("norms:calendar-ics", args=[ics_token(actors["agent"])])


def _forged_ics_url(actors: dict[str, Any]) -> str:
    """A well-formed token, signed for another purpose than the feed."""
    return reverse("norms:calendar-ics", args=[signing.dumps(actors["agent"].pk, salt="other")])


ROUTES: list[Route] = [
    Route(
        "norms:consultation-open",
        "GET",
        only(FACILITATORS, 200),
        path=_norm_url("norms:consultation-open"),
    ),
    # An empty form is refused (200, with its errors): what matters is who gets that far.
    Route(
        "norms:consultation-open",
        "POST",
        only(FACILITATORS, 200),
        path=_norm_url("norms:consultation-open"),
        data={"question": ""},
    ),
    Route(
        "norms:consultation-open",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_norm_url("norms:consultation-open", "consultation"),
        data=_consultation_form,
    ),
    Route("norms:vote", "GET", logged_in(405), path=_vote_url()),
    Route("norms:vote", "POST", logged_in(OBJECT), path=_vote_url(), data={"choice": "pour"}),
    # Outside the electorate: refused on the norm's page, with the reason (403).
    Route(
        "norms:vote",
        "POST",
        {**logged_in(403), "decision_maker": OBJECT},
        path=_vote_url(electorate=Electorate.ROLE, role=Role.DECISION_MAKER),
        data={"choice": "contre"},
    ),
    Route("norms:objection-answer", "GET", logged_in(405), path=_answer_url),
    Route(
        "norms:objection-answer",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_answer_url,
        data={
            "answer": "Le seuil est ramené à 800 € dans les communes de moins de 5 000 habitants."
        },
    ),
    Route("norms:decide", "GET", only(DECISION_MAKERS, 200), path=_norm_url("norms:decide")),
    Route(
        "norms:decide",
        "POST",
        only(DECISION_MAKERS, 200),
        path=_norm_url("norms:decide"),
        data={"outcome": "keep", "rationale": ""},
    ),
    Route(
        "norms:decide",
        "POST",
        only(DECISION_MAKERS, OBJECT),
        path=_decide_after_close_url,
        data=_decision_form,
    ),
    Route("norms:calendar", "GET", logged_in(200)),
    # The feed is read by calendar applications, without a session: the signed token is the key.
    Route("norms:calendar-ics", "GET", everyone(200), path=_ics_url),
    Route("norms:calendar-ics", "GET", everyone(404), path=_forged_ics_url),
    Route("norms:calendar-ics", "POST", everyone(405), path=_ics_url),
]
