"""The live board's pages: the board itself, its fragments (one step, or the whole board,
rendered for the viewer who asks), and the forms that change it. Each reads top to bottom: who
looks (board_render.open_board), the service, then the answer (board_render.done, or a refusal).

Every form works without JavaScript (POST, then a redirect back to the same place on the board)
and with static/workshops/board.js (the fragment that changed): see board_render.py.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from riposte.workshops import board, board_queries, rules, services
from riposte.workshops.board import NoteConflict
from riposte.workshops.board_render import (
    board_context,
    done,
    is_fragment,
    note_refused,
    note_views,
    open_board,
    reason_of,
    refused,
    step_refused,
    step_views,
    steps_fragment,
    to_int,
    whole_board,
)
from riposte.workshops.models import Axis, Cluster, Note, Step, Workshop, WorkshopStatus

# -- reading


@rules.guest_or_login_required
@require_GET
def board_page(request: HttpRequest, pk: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    return whole_board(request, workshop, viewer)


@rules.guest_or_login_required
@require_GET
def board_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole board for board.js: after a reconnect, a missed change, or a change of
    structure, status or focus."""
    workshop, viewer = open_board(request, pk)
    context = {
        **board_context(workshop, viewer, board_queries.board(workshop, viewer)),
        "message": "",
    }
    return render(request, "workshops/_board_fragment.html", context)


@rules.guest_or_login_required
@require_GET
def step_fragment(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    get_object_or_404(Step, pk=step_id, axis__workshop=workshop)
    return steps_fragment(request, workshop, viewer, [step_id])


@rules.guest_or_login_required
@require_GET
def note_fragment(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    """One note for board.js, when only it changed (posted, edited, voted for): a step's
    fragment costs as much as its notes, this one as much as one."""
    workshop, viewer = open_board(request, pk)
    found = board_queries.note(workshop, viewer, note_id)
    if found is None:
        raise Http404
    view, count = found
    step = view.note.step
    context = {
        **board_context(workshop, viewer, []),
        "note_view": view,
        "step_view": board_queries.StepView(step=step),
        "count": count,
    }
    return render(request, "workshops/_board_note.html", context)


# -- notes


def _note(workshop: Workshop, note_id: int) -> Note:
    return get_object_or_404(
        Note.objects.select_related("step__axis"), pk=note_id, step__axis__workshop=workshop
    )


@rules.guest_or_login_required
@require_POST
def note_post(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    step = get_object_or_404(
        Step.objects.select_related("axis"), pk=step_id, axis__workshop=workshop
    )
    text = request.POST.get("text", "")
    anonymous = bool(request.POST.get("anonymous"))
    try:
        board.note_post(step=step, by=viewer, text=text, anonymous=anonymous)
    except ValidationError as exc:
        reason = reason_of(exc)

        def keep(axes: list[board_queries.AxisView]) -> None:
            for view in step_views(axes, step.pk):
                view.draft, view.draft_anonymous, view.error = text, anonymous, reason

        if is_fragment(request):
            return step_refused(request, workshop, viewer, step.pk, keep, reason)
        return whole_board(request, workshop, viewer, status=400, adjust=keep, message=reason)
    return done(
        request,
        workshop,
        viewer,
        steps=[step.pk],
        # The step's form, just under the new note: ready for the next one.
        anchor=f"post-{step.pk}",
        message=_("Your note is on the board."),
    )


@rules.guest_or_login_required
@require_POST
def note_edit(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    note = _note(workshop, note_id)
    text = request.POST.get("text", "")
    version = to_int(request.POST.get("version"))
    if version is None:
        return HttpResponseBadRequest()
    try:
        note = board.note_edit(note=note, by=viewer, text=text, version=version)
    except NoteConflict as conflict:
        reason = _(
            "Someone changed this note while you were editing it. Read its new text: to keep "
            "yours instead, save it again."
        )
        current = conflict.note

        def show_both(axes: list[board_queries.AxisView]) -> None:
            for item in note_views(axes, current.pk):
                item.edit_text, item.error, item.conflict = text, reason, True

        return note_refused(request, workshop, viewer, current, show_both, reason, status=409)
    except ValidationError as exc:
        reason = reason_of(exc)

        def keep(axes: list[board_queries.AxisView]) -> None:
            for item in note_views(axes, note.pk):
                item.edit_text, item.error = text, reason

        return note_refused(request, workshop, viewer, note, keep, reason, status=400)
    return done(
        request,
        workshop,
        viewer,
        steps=[note.step_id],
        anchor=f"note-{note.pk}",
        message=_("The note is saved."),
        note=note.pk,
    )


def _target(workshop: Workshop, raw: str) -> tuple[Step | None, Cluster | None] | None:
    """ "12" is step 12 in no group, "12:3" group 3 of step 12; None when it is not one."""
    step_id, _sep, cluster_id = raw.partition(":")
    step = Step.objects.filter(pk=to_int(step_id) or 0, axis__workshop=workshop).first()
    if step is None:
        return None
    if not cluster_id:
        return step, None
    cluster = Cluster.objects.filter(pk=to_int(cluster_id) or 0, step=step).first()
    return (step, cluster) if cluster is not None else None


@rules.guest_or_login_required
@require_GET
def note_move_to(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    """The list of the places a note may go: a page of its own without JavaScript, the form
    alone for board.js (which shows it in the note's "Move" menu). Rendered on demand: in each
    note of the board, it would make every step's fragment several times heavier."""
    workshop, viewer = open_board(request, pk)
    note = _note(workshop, note_id)
    if not board.may_see(viewer, note):
        raise Http404
    if not rules.can_participate(viewer, workshop):
        raise PermissionDenied
    if note.step.is_locked:
        return refused(
            request,
            workshop,
            viewer,
            _("The step “%(step)s” is locked: its notes can no longer be posted or moved.")
            % {"step": note.step.title},
            steps=[note.step_id],
            anchor=f"note-{note.pk}",
        )
    here = f"{note.step_id}:{note.cluster_id}" if note.cluster_id else str(note.step_id)
    context = {
        "workshop": workshop,
        "note": note,
        "here": here,
        "targets": board_queries.move_targets(workshop),
    }
    template = (
        "workshops/_note_move_form.html" if is_fragment(request) else "workshops/note_move.html"
    )
    return render(request, template, context)


@rules.guest_or_login_required
@require_POST
def note_move(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    """To another step or group (`to`), and/or up or down (`offset`: -1, 1)."""
    workshop, viewer = open_board(request, pk)
    note = _note(workshop, note_id)
    version = to_int(request.POST.get("version"))
    offset = to_int(request.POST.get("offset")) or 0
    raw_to = request.POST.get("to", "")
    target = _target(workshop, raw_to) if raw_to else (note.step, note.cluster)
    if version is None or target is None or offset not in (-1, 0, 1):
        return HttpResponseBadRequest()
    step, cluster = target
    before = note.step_id
    try:
        note = board.note_move(
            note=note, by=viewer, version=version, step=step, cluster=cluster, offset=offset
        )
    except NoteConflict as conflict:
        reason = _(
            "Someone moved or changed this note meanwhile: here it is now. Move it again if you "
            "still want to."
        )
        return refused(
            request,
            workshop,
            viewer,
            reason,
            steps={before, conflict.note.step_id, step.pk if step else before},
            anchor=f"note-{note.pk}",
            status=409,
        )
    except ValidationError as exc:
        return refused(
            request, workshop, viewer, reason_of(exc), steps={before}, anchor=f"note-{note.pk}"
        )
    return done(
        request,
        workshop,
        viewer,
        steps={before, note.step_id},
        anchor=f"note-{note.pk}",
        message=_("The note is moved."),
    )


@rules.guest_or_login_required
@require_POST
def note_delete(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    note = _note(workshop, note_id)
    version = to_int(request.POST.get("version"))
    try:
        board.note_delete(note=note, by=viewer, version=version)
    except NoteConflict:
        reason = _("Someone changed this note meanwhile: read it again before deleting it.")
        return refused(
            request,
            workshop,
            viewer,
            reason,
            steps=[note.step_id],
            anchor=f"note-{note.pk}",
            status=409,
        )
    except ValidationError as exc:
        return refused(
            request,
            workshop,
            viewer,
            reason_of(exc),
            steps=[note.step_id],
            anchor=f"note-{note.pk}",
        )
    return done(
        request,
        workshop,
        viewer,
        steps=[note.step_id],
        anchor=f"step-{note.step_id}",
        message=_("The note is deleted."),
    )


# -- dots


@rules.guest_or_login_required
@require_POST
def note_vote(request: HttpRequest, pk: int, note_id: int) -> HttpResponse:
    """One more of my dots on the note (`dot=add`), or one back (`dot=remove`)."""
    workshop, viewer = open_board(request, pk)
    note = _note(workshop, note_id)
    action = request.POST.get("dot")
    if action not in ("add", "remove"):
        return HttpResponseBadRequest()
    try:
        if action == "add":
            board.dot_add(note=note, by=viewer)
            message = _("One of your dots is on the note.")
        else:
            board.dot_remove(note=note, by=viewer)
            message = _("You took a dot back.")
    except ValidationError as exc:
        return refused(
            request,
            workshop,
            viewer,
            reason_of(exc),
            steps=[note.step_id],
            anchor=f"note-{note.pk}",
        )
    return done(
        request,
        workshop,
        viewer,
        steps=[note.step_id],
        anchor=f"note-{note.pk}",
        message=message,
        note=note.pk,
    )


# -- groups


@rules.guest_or_login_required
@require_POST
def cluster_create(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    step = get_object_or_404(
        Step.objects.select_related("axis"), pk=step_id, axis__workshop=workshop
    )
    try:
        cluster = board.cluster_create(step=step, by=viewer, title=request.POST.get("title", ""))
    except ValidationError as exc:
        return refused(
            request, workshop, viewer, reason_of(exc), steps=[step.pk], anchor=f"step-{step.pk}"
        )
    return done(
        request,
        workshop,
        viewer,
        steps=[step.pk],
        anchor=f"step-{step.pk}",
        message=_("The group “%(title)s” is made: move notes into it.") % {"title": cluster.title},
    )


def _cluster(workshop: Workshop, cluster_id: int) -> Cluster:
    return get_object_or_404(
        Cluster.objects.select_related("step__axis"), pk=cluster_id, step__axis__workshop=workshop
    )


@rules.guest_or_login_required
@require_POST
def cluster_rename(request: HttpRequest, pk: int, cluster_id: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    cluster = _cluster(workshop, cluster_id)
    try:
        board.cluster_rename(cluster=cluster, by=viewer, title=request.POST.get("title", ""))
    except ValidationError as exc:
        return refused(
            request,
            workshop,
            viewer,
            reason_of(exc),
            steps=[cluster.step_id],
            anchor=f"cluster-{cluster.pk}",
        )
    return done(
        request,
        workshop,
        viewer,
        steps=[cluster.step_id],
        anchor=f"cluster-{cluster.pk}",
        message=_("The group is renamed."),
    )


@rules.guest_or_login_required
@require_POST
def cluster_delete(request: HttpRequest, pk: int, cluster_id: int) -> HttpResponse:
    workshop, viewer = open_board(request, pk)
    cluster = _cluster(workshop, cluster_id)
    step_id = cluster.step_id
    try:
        board.cluster_delete(cluster=cluster, by=viewer)
    except ValidationError as exc:
        return refused(
            request, workshop, viewer, reason_of(exc), steps=[step_id], anchor=f"step-{step_id}"
        )
    return done(
        request,
        workshop,
        viewer,
        steps=[step_id],
        anchor=f"step-{step_id}",
        message=_("The group is undone: its notes stay in the step."),
    )


# -- facilitation


@rules.guest_or_login_required
@require_POST
def step_lock(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    """`lock=1` locks the step, `lock=0` opens it again."""
    workshop, viewer = open_board(request, pk)
    step = get_object_or_404(
        Step.objects.select_related("axis"), pk=step_id, axis__workshop=workshop
    )
    lock = request.POST.get("lock")
    if lock not in ("0", "1"):
        return HttpResponseBadRequest()
    try:
        if lock == "1":
            board.step_lock(step=step, by=viewer)
            message = _("The step is locked: notes can no longer be posted or moved in it.")
        else:
            board.step_unlock(step=step, by=viewer)
            message = _("The step is open again.")
    except ValidationError as exc:
        return refused(request, workshop, viewer, reason_of(exc), steps=[step.pk])
    # The "move to" lists of every step change with a step's lock: the whole board.
    return done(request, workshop, viewer, anchor=f"step-{step.pk}", message=message, whole=True)


@rules.guest_or_login_required
@require_POST
def step_hide(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    """`hide=1`: each participant sees only their own notes; `hide=0` reveals them all."""
    workshop, viewer = open_board(request, pk)
    step = get_object_or_404(
        Step.objects.select_related("axis"), pk=step_id, axis__workshop=workshop
    )
    hide = request.POST.get("hide")
    if hide not in ("0", "1"):
        return HttpResponseBadRequest()
    try:
        if hide == "1":
            board.step_hide(step=step, by=viewer)
            message = _("The step's notes are hidden: each participant sees only their own.")
        else:
            board.step_reveal(step=step, by=viewer)
            message = _("The step's notes are revealed to everyone.")
    except ValidationError as exc:
        return refused(request, workshop, viewer, reason_of(exc), steps=[step.pk])
    return done(
        request, workshop, viewer, steps=[step.pk], anchor=f"step-{step.pk}", message=message
    )


@rules.guest_or_login_required
@require_POST
def board_focus(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Bring everyone here": every open board goes to the axis."""
    workshop, viewer = open_board(request, pk)
    axis = get_object_or_404(Axis, pk=to_int(request.POST.get("axis")) or 0, workshop=workshop)
    try:
        board.workshop_focus(workshop=workshop, by=viewer, axis=axis)
    except ValidationError as exc:
        return refused(request, workshop, viewer, reason_of(exc))
    return done(
        request,
        workshop,
        viewer,
        anchor=f"axis-{axis.pk}",
        message=_("Everyone is brought to “%(axis)s”.") % {"axis": axis.title},
        whole=True,
    )


@rules.guest_or_login_required
@require_POST
def board_timer(request: HttpRequest, pk: int) -> HttpResponse:
    """`minutes=N` starts the timer, `stop=1` stops it."""
    workshop, viewer = open_board(request, pk)
    try:
        if request.POST.get("stop"):
            board.timer_stop(workshop=workshop, by=viewer)
            message = _("The timer is stopped.")
        else:
            minutes = to_int(request.POST.get("minutes"))
            if minutes is None:
                raise ValidationError(_("Say for how many minutes."))
            board.timer_start(workshop=workshop, by=viewer, minutes=minutes)
            message = _("The timer is started.")
    except ValidationError as exc:
        return refused(request, workshop, viewer, reason_of(exc), anchor="facilitation")
    return done(request, workshop, viewer, anchor="facilitation", message=message, whole=True)


@rules.guest_or_login_required
@require_POST
def board_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the board (`status=live`) or close the workshop (`status=closed`)."""
    workshop, viewer = open_board(request, pk)
    if not viewer.facilitates:
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status not in (WorkshopStatus.LIVE, WorkshopStatus.CLOSED):
        return HttpResponseBadRequest()
    try:
        services.workshop_set_status(workshop=workshop, by=viewer.agent, status=status)
    except ValidationError as exc:
        return refused(request, workshop, viewer, reason_of(exc), anchor="facilitation")
    message = (
        _("The board is open: participants can post their notes.")
        if status == WorkshopStatus.LIVE
        else _("The workshop is closed: its board is now read only.")
    )
    return done(request, workshop, viewer, anchor="facilitation", message=message, whole=True)
