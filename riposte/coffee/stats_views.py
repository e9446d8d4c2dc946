"""The statistics page: facilitators only, figures per round and overall, never a person."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from riposte.coffee import stats
from riposte.core.permissions import role_required
from riposte.directory.models import Role

# Rounds drawn on the page: the table below the chart has the same ones.
SHOWN_ROUNDS = 26


@dataclass(frozen=True)
class Bar:
    """One bar of a server-drawn SVG chart; `width` and `offset` in percent of the widest."""

    label: str
    value: int
    width: float
    offset: float = 0.0


def _scale(value: int, top: int) -> float:
    return round(100 * value / top, 2) if top else 0.0


@role_required(Role.FACILITATOR)
def coffee_stats(request: HttpRequest) -> HttpResponse:
    rounds = stats.rounds_stats()[:SHOWN_ROUNDS]
    summary = stats.overview(rounds)
    top_due = max((max(r.due, r.placed + r.unplaced) for r in rounds), default=0)
    # Placed then unplaced, stacked on one line per round (oldest at the top, as a timeline).
    participation = [
        (
            r,
            Bar(str(r.number), r.placed, _scale(r.placed, top_due)),
            Bar(str(r.number), r.unplaced, _scale(r.unplaced, top_due), _scale(r.placed, top_due)),
        )
        for r in reversed(rounds)
    ]
    top_pairs = max((n for _d, n in summary.distances), default=0)
    distances = [Bar(str(d), n, _scale(n, top_pairs)) for d, n in summary.distances]
    return render(
        request,
        "coffee/stats.html",
        {
            "summary": summary,
            "participation": participation,
            "distances": distances,
            "min_answers": stats.MIN_ANSWERS,
            "shown_rounds": SHOWN_ROUNDS,
        },
    )
