"""Rows of the access table for the cooperations module's debriefs (see tests/cooperations/access.py).

The debrief of a draft is opened by the facilitator on a cooperation that the `agent` actor
recorded, with the moderator invited: the agent sees it (as the cooperation's recorder) without
contributing, the moderator contributes, the decision-maker (neither) does not even see it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.cooperations.debriefs import debrief_edit, debrief_invite, debrief_open
from riposte.cooperations.models import Cooperation, Debrief
from tests.access_table import OBJECT, Outcome, Route, logged_in, only
from tests.cooperations.builders import make_event
from tests.cooperations.debrief_builders import cooperation, data, published

FACILITATORS = ("facilitator", "admin")
# At work on the draft: its facilitators, the agent who recorded the cooperation, the invitee.
AT_WORK = ("agent", "facilitator", "admin", "moderator")


def _cooperation(actors: dict[str, Any]) -> Cooperation:
    return cooperation(actors["agent"], event=make_event())


def _draft(actors: dict[str, Any], *, written: bool = False) -> Debrief:
    debrief = debrief_open(cooperation=_cooperation(actors), by=actors["facilitator"])
    debrief_invite(debrief=debrief, agents=[actors["moderator"]], by=actors["facilitator"])
    if written:
        debrief = debrief_edit(debrief=debrief, by=actors["facilitator"], data=data(), version=0)
    actors["made"] = debrief.get_absolute_url()
    return debrief


def _url(name: str, state: str = "draft") -> Callable[[dict[str, Any]], str]:
    """The URL `name` of a cooperation in a state: "none" (no debrief yet), "draft" (opened,
    moderator invited), "written" (a draft with revision 1), "published"."""

    def build(actors: dict[str, Any]) -> str:
        if state == "none":
            coop = _cooperation(actors)
            actors["made"] = reverse("cooperations:debrief", args=[coop.pk])
            return reverse(name, args=[coop.pk])
        if state == "published":
            debrief = published(actors["facilitator"], _cooperation(actors))
            actors["made"] = debrief.get_absolute_url()
        else:
            debrief = _draft(actors, written=state == "written")
        return reverse(name, args=[debrief.cooperation_id])

    return build


def _revision_url(state: str) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        if state == "published":
            debrief = published(actors["facilitator"], _cooperation(actors))
        else:
            debrief = _draft(actors, written=True)
        return reverse("cooperations:debrief-revision", args=[debrief.cooperation_id, 1])

    return build


def _at_work(outcome: Outcome, *, also: tuple[str, ...] = ()) -> dict[str, Outcome]:
    """For the people at work on the draft only; the others do not see it (404)."""
    return {
        **logged_in(404),
        **dict.fromkeys(AT_WORK, 403),
        **dict.fromkeys(("facilitator", "admin", *also), outcome),
    }


ROUTES: list[Route] = [
    Route("cooperations:debrief-list", "GET", logged_in(200)),
    # Every agent gets a page: what the debrief says once published, that one is in progress,
    # or that there is none yet (with the button to open it for facilitators).
    Route("cooperations:debrief", "GET", logged_in(200), path=_url("cooperations:debrief", "none")),
    Route("cooperations:debrief", "GET", logged_in(200), path=_url("cooperations:debrief")),
    Route(
        "cooperations:debrief",
        "GET",
        logged_in(200),
        path=_url("cooperations:debrief", "published"),
    ),
    Route(
        "cooperations:debrief-open",
        "GET",
        logged_in(405),
        path=_url("cooperations:debrief-open", "none"),
    ),
    Route(
        "cooperations:debrief-open",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_url("cooperations:debrief-open", "none"),
    ),
    Route(
        "cooperations:debrief-invite",
        "GET",
        logged_in(405),
        path=_url("cooperations:debrief-invite"),
    ),
    Route(
        "cooperations:debrief-invite",
        "POST",
        _at_work(OBJECT),
        path=_url("cooperations:debrief-invite"),
        data={"emails": "denis@example.org"},
    ),
    Route(
        "cooperations:debrief-contribute",
        "GET",
        _at_work(200, also=("moderator",)),
        path=_url("cooperations:debrief-contribute"),
    ),
    Route(
        "cooperations:debrief-contribute",
        "POST",
        _at_work(OBJECT, also=("moderator",)),
        path=_url("cooperations:debrief-contribute"),
        data={"advice": "Se parler tôt."},
    ),
    Route(
        "cooperations:debrief-edit",
        "GET",
        _at_work(200),
        path=_url("cooperations:debrief-edit"),
    ),
    Route(
        "cooperations:debrief-edit",
        "POST",
        _at_work(OBJECT),
        path=_url("cooperations:debrief-edit"),
        data={"version": "0", "advice": "Se parler tôt."},
    ),
    Route(
        "cooperations:debrief-status",
        "GET",
        logged_in(405),
        path=_url("cooperations:debrief-status", "written"),
    ),
    Route(
        "cooperations:debrief-status",
        "POST",
        _at_work(OBJECT),
        path=_url("cooperations:debrief-status", "written"),
        data={"action": "review"},
    ),
    # A published debrief is read by all, but moved by facilitators only.
    Route(
        "cooperations:debrief-status",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_url("cooperations:debrief-status", "published"),
        data={"action": "draft"},
    ),
    Route(
        "cooperations:debrief-remark",
        "GET",
        logged_in(405),
        path=_url("cooperations:debrief-remark"),
    ),
    Route(
        "cooperations:debrief-remark",
        "POST",
        _at_work(OBJECT, also=AT_WORK),
        path=_url("cooperations:debrief-remark"),
        data={"body": "Ajoutez les horaires."},
    ),
    Route(
        "cooperations:debrief-revision",
        "GET",
        _at_work(200, also=AT_WORK),
        path=_revision_url("written"),
    ),
    # Revisions are the working history: even of a published debrief, for those at work on it.
    Route(
        "cooperations:debrief-revision",
        "GET",
        {**logged_in(404), "agent": 200, "facilitator": 200, "admin": 200},
        path=_revision_url("published"),
    ),
]
