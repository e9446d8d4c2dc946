"""How the board's views answer (board_views.py): who gets in, the whole board or the fragments
that changed, rendered for the viewer who asks, and the refusals.

board.js sends the board's forms with an `HX-Request` header: the answer is then the fragment
that changed (`done`), which it swaps in place, with the message in `#board-message`. Without
JavaScript, a write redirects back to its place on the board (`#note-<id>`, `#step-<id>`) with a
message; a refusal whose typed text matters comes back as the whole board (400, 409) with the
text kept and the reason beside it.

Guests have no account: `rules.guest_or_login_required` lets in a logged-in agent, or a browser that
came through a guest link (rules.GUEST_SESSION_KEY); anyone else goes to the login page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from riposte.workshops import board, board_queries, rules
from riposte.workshops.models import NOTE_MAX, Note, Step, Workshop, WorkshopStatus
from riposte.workshops.rules import Viewer

View = Callable[..., HttpResponse]
Adjust = Callable[[list[board_queries.AxisView]], None]


def open_board(request: HttpRequest, pk: int) -> tuple[Workshop, Viewer]:
    """The workshop and who looks at it; 404 for a guest of another workshop."""
    workshop = get_object_or_404(Workshop, pk=pk)
    return workshop, rules.viewer(request, workshop)


def is_fragment(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def to_int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def board_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("workshops:board", args=[workshop.pk])
    return f"{url}#{anchor}" if anchor else url


def reason_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def board_context(workshop: Workshop, viewer: Viewer, axes: list[board_queries.AxisView]) -> dict:
    participant = viewer.participant
    can_participate = rules.can_participate(viewer, workshop)
    return {
        "workshop": workshop,
        "viewer": viewer,
        "axes": axes,
        "can_participate": can_participate,
        "can_facilitate": rules.can_facilitate(viewer, workshop),
        "can_join": rules.can_join(viewer, workshop),
        # Counted only where a template shows it (the templates call it): not in a note's fragment.
        "dots_left": partial(board.dots_left, participant, workshop) if participant else None,
        "note_max": NOTE_MAX,
        "is_preparing": workshop.status == WorkshopStatus.PREPARING,
    }


def whole_board(
    request: HttpRequest,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    adjust: Adjust | None = None,
    message: str = "",
) -> HttpResponse:
    """The whole board: the page, or (for board.js) the board's fragment."""
    axes = board_queries.board(workshop, viewer)
    if adjust is not None:
        adjust(axes)
    context = {**board_context(workshop, viewer, axes), "message": message}
    if is_fragment(request):
        return render(request, "workshops/_board_fragment.html", context, status=status)
    if message:  # shown by the page's messages, not as a fragment's
        context["message"] = ""
        if status >= 400:
            messages.error(request, message)
        else:
            messages.info(request, message)
    return render(request, "workshops/board.html", context, status=status)


def steps_fragment(
    request: HttpRequest,
    workshop: Workshop,
    viewer: Viewer,
    step_ids: Iterable[int],
    *,
    status: int = 200,
    message: str = "",
) -> HttpResponse:
    steps = list(
        Step.objects.filter(pk__in=set(step_ids), axis__workshop=workshop).select_related("axis")
    )
    views = [board_queries.step(workshop, viewer, s) for s in steps]
    context = {
        **board_context(workshop, viewer, []),
        "step_views": views,
        "message": message,
    }
    return render(request, "workshops/_board_steps.html", context, status=status)


def done(
    request: HttpRequest,
    workshop: Workshop,
    viewer: Viewer,
    *,
    steps: Iterable[int] = (),
    anchor: str = "",
    message: str = "",
    whole: bool = False,
    note: int | None = None,
) -> HttpResponse:
    """After a write: the changed fragment for board.js (the whole board, some steps, or only
    the `note` that changed), or a redirect back to the board. The X-Board-Revision header says
    which revision the write made (none when it changed nothing)."""
    revision = board.take_revision()
    response: HttpResponse
    found = board_queries.note(workshop, viewer, note) if note and is_fragment(request) else None
    if is_fragment(request):
        workshop.refresh_from_db()
        if whole:
            response = whole_board(request, workshop, viewer, message=message)
        elif found is not None:
            context = {
                **board_context(workshop, viewer, []),
                "note_view": found[0],
                "step_view": board_queries.StepView(step=found[0].note.step),
                "count": found[1],
                "message": message,
            }
            response = render(request, "workshops/_board_note_answer.html", context)
        else:
            response = steps_fragment(request, workshop, viewer, steps, message=message)
    else:
        if message:
            messages.success(request, message)
        response = redirect(board_url(workshop, anchor))
    if revision is not None:
        response["X-Board-Revision"] = str(revision)
    return response


def refused(
    request: HttpRequest,
    workshop: Workshop,
    viewer: Viewer,
    reason: str,
    *,
    steps: Iterable[int] = (),
    anchor: str = "",
    status: int = 400,
) -> HttpResponse:
    """A refusal with nothing typed to keep: the message, and the board as it is now."""
    board.take_revision()
    workshop.refresh_from_db()
    if is_fragment(request):
        if steps:
            return steps_fragment(request, workshop, viewer, steps, status=status, message=reason)
        return whole_board(request, workshop, viewer, status=status, message=reason)
    messages.error(request, reason)
    return redirect(board_url(workshop, anchor))


def step_views(axes: list[board_queries.AxisView], step_id: int) -> list[board_queries.StepView]:
    return [s for a in axes for s in a.steps if s.step.pk == step_id]


def step_refused(
    request: HttpRequest,
    workshop: Workshop,
    viewer: Viewer,
    step_id: int,
    keep: Adjust,
    reason: str,
    status: int = 400,
) -> HttpResponse:
    """The step's fragment with the typed text kept and the reason beside it."""
    workshop.refresh_from_db()
    step = Step.objects.select_related("axis").filter(pk=step_id, axis__workshop=workshop).first()
    if step is None:  # deleted meanwhile: the whole board, as it is now
        return whole_board(request, workshop, viewer, status=status, message=reason)
    view = board_queries.step(workshop, viewer, step)
    axes = [board_queries.AxisView(axis=step.axis, steps=[view])]
    keep(axes)
    context = {**board_context(workshop, viewer, []), "step_views": [view], "message": reason}
    return render(request, "workshops/_board_steps.html", context, status=status)


def note_views(axes: list[board_queries.AxisView], note_id: int) -> list[board_queries.NoteView]:
    found = []
    for axis in axes:
        for step in axis.steps:
            for item in [*step.loose, *(n for c in step.clusters for n in c.notes)]:
                if item.note.pk == note_id:
                    found.append(item)
    return found


def note_refused(
    request: HttpRequest,
    workshop: Workshop,
    viewer: Viewer,
    note: Note,
    adjust: Adjust,
    reason: str,
    *,
    status: int,
) -> HttpResponse:
    if is_fragment(request):
        return step_refused(request, workshop, viewer, note.step_id, adjust, reason, status)
    workshop.refresh_from_db()
    return whole_board(request, workshop, viewer, status=status, adjust=adjust, message=reason)
