"""Rows of the access table for the register and the debate (see tests/norms/access.py).

The norm of each row is proposed by the `agent` actor and still under debate, so that its
proposer may edit it (with the facilitators); a "temporary" one is what a facilitator may put
up for debate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.initiatives.services import InitiativeData, initiative_create
from riposte.norms.models import Argument, Norm, NormStatus, Side, Testimony
from riposte.norms.services import argument_add, testimony_add
from tests.access_table import OBJECT, Route, logged_in, only
from tests.norms.builders import make_norm

EDITORS = ("agent", "facilitator", "admin")
FACILITATORS = ("facilitator", "admin")
MODERATORS = ("moderator", "admin")


def _norm(actors: dict[str, Any], status: str = NormStatus.DEBATE) -> Norm:
    norm = make_norm(by=actors["agent"], status=status)
    actors["made"] = norm.get_absolute_url()
    return norm


def _url(name: str, *, status: str = NormStatus.DEBATE, anchor: str = "") -> Callable[..., str]:
    """The URL `name` of a new norm; a POST there comes back to the norm's page (at `anchor`)."""

    def build(actors: dict[str, Any]) -> str:
        norm = _norm(actors, status)
        actors["made"] += anchor
        return reverse(name, args=[norm.pk])

    return build


def _argument(actors: dict[str, Any]) -> Argument:
    norm = _norm(actors)
    argument = argument_add(
        norm=norm, by=actors["agent"], side=Side.FOR, title="On gagne trois semaines"
    )
    actors["made"] = f"{norm.get_absolute_url()}#argument-{argument.pk}"
    return argument


def _argument_url(name: str) -> Callable[..., str]:
    return lambda actors: reverse(name, args=[_argument(actors).pk])


def _testimony_url(actors: dict[str, Any]) -> str:
    norm = _norm(actors)
    testimony: Testimony = testimony_add(
        norm=norm, by=actors["agent"], made_possible="Payer le traiteur en 48 heures."
    )
    actors["made"] = f"{norm.get_absolute_url()}#evidence"
    return reverse("norms:testimony-hide", args=[testimony.pk])


def _link_url(actors: dict[str, Any]) -> str:
    data = InitiativeData(
        title="Colis alimentaires livrés par les agents",
        problem="Des familles ne peuvent pas se déplacer.",
        idea="Des agents volontaires livrent les colis.",
        whole_department=True,
    )
    actors["initiative"] = initiative_create(author=actors["agent"], data=data, submit=True).pk
    return _url("norms:link", anchor="#evidence")(actors)


def _draft_initiative(actors: dict[str, Any]) -> str:
    """Proposing from a draft initiative: nobody, its author included (the link would show the
    draft on the norm's page); for the others it does not exist, as on its own page."""
    data = InitiativeData(
        title="Signer seul sous 1 500 €",
        problem="Chaque achat attend trois signatures.",
        idea="Une délégation de signature.",
        needs_authorisation=True,
        authorisation="Une délégation de signature au chef de service.",
        whole_department=True,
    )
    initiative = initiative_create(author=actors["agent"], data=data, submit=False)
    return f"{reverse('norms:propose')}?initiative={initiative.pk}"


ROUTES: list[Route] = [
    Route("norms:list", "GET", logged_in(200)),
    Route("norms:propose", "GET", logged_in(200)),
    # An empty form is refused (200, with its errors): what matters is who gets that far.
    Route("norms:propose", "POST", logged_in(200), data={"title": ""}),
    Route("norms:propose", "GET", logged_in(404), path=_draft_initiative),
    Route("norms:detail", "GET", logged_in(200), path=_url("norms:detail")),
    Route("norms:versions", "GET", logged_in(200), path=_url("norms:versions")),
    # Its proposer reworks it while it is debated; the facilitators always.
    Route("norms:edit", "GET", only(EDITORS, 200), path=_url("norms:edit")),
    Route(
        "norms:edit",
        "POST",
        only(EDITORS, OBJECT),
        path=_url("norms:edit"),
        data={
            "version": "1",
            "title": "Signer seul sous 2 000 €",
            "text": "Un chef de service signe seul sous 2 000 €.",
            "kind": "autorisation",
        },
    ),
    Route("norms:follow", "GET", logged_in(405), path=_url("norms:follow")),
    Route("norms:follow", "POST", logged_in(OBJECT), path=_url("norms:follow")),
    Route(
        "norms:put-to-debate",
        "GET",
        only(FACILITATORS, 405),
        path=_url("norms:put-to-debate", status=NormStatus.TEMPORARY),
    ),
    Route(
        "norms:put-to-debate",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_url("norms:put-to-debate", status=NormStatus.TEMPORARY),
    ),
    Route("norms:link", "GET", logged_in(405), path=_url("norms:link")),
    Route(
        "norms:link",
        "POST",
        logged_in(OBJECT),
        path=_link_url,
        data=lambda actors: {"initiative": str(actors["initiative"])},
    ),
    Route("norms:testimony", "GET", logged_in(405), path=_url("norms:testimony")),
    Route(
        "norms:testimony",
        "POST",
        logged_in(OBJECT),
        path=_url("norms:testimony", anchor="#evidence"),
        data={"made_possible": "Payer le traiteur en 48 heures."},
    ),
    Route("norms:testimony-hide", "GET", only(MODERATORS, 405), path=_testimony_url),
    Route(
        "norms:testimony-hide",
        "POST",
        only(MODERATORS, OBJECT),
        path=_testimony_url,
        data={"reason": "Propos injurieux."},
    ),
    Route("norms:argument", "GET", logged_in(405), path=_url("norms:argument")),
    # Without its line the argument is refused (400, the page with its errors); its success is
    # in test_debate_views.py (the redirect names the new argument).
    Route(
        "norms:argument",
        "POST",
        logged_in(400),
        path=_url("norms:argument"),
        data={"side": "pour", "pour-title": ""},
    ),
    Route("norms:endorse", "GET", logged_in(405), path=_argument_url("norms:endorse")),
    Route("norms:endorse", "POST", logged_in(OBJECT), path=_argument_url("norms:endorse")),
    Route("norms:reply", "GET", logged_in(405), path=_argument_url("norms:reply")),
    Route(
        "norms:reply",
        "POST",
        logged_in(OBJECT),
        path=_argument_url("norms:reply"),
        data={"body": "Et le contrôle a posteriori ?"},
    ),
    Route(
        "norms:argument-hide",
        "GET",
        only(MODERATORS, 405),
        path=_argument_url("norms:argument-hide"),
    ),
    Route(
        "norms:argument-hide",
        "POST",
        only(MODERATORS, OBJECT),
        path=_argument_url("norms:argument-hide"),
        data={"reason": "Hors sujet et injurieux."},
    ),
]
