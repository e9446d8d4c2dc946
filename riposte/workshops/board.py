"""Writes of the live board: sticky notes, their groups (clusters), the voting dots, and what the
facilitator does while the workshop runs (lock, reveal, "bring everyone", the timer).

Every write takes the workshop's row first (`select_for_update`), then checks the rules on what
it just read: a step locked, a workshop closed or a note changed a millisecond earlier are seen.
`live.board_changed` bumps that same row's revision, so the board's writes are serialised on it
anyway; taking it first only makes the order explicit (workshop, then participant, then note).

Who does it is a `rules.Viewer`: a guest has no account, only a participant row.

Two people changing the same note: every edit, move and delete carries the note's `version` as
the page showed it. An older version raises `NoteConflict`, which carries the note as it is now:
the page shows both texts, and nothing is silently overwritten. A move replayed after a
reconnect carries its old version too, so it is refused the same way (never applied twice).
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from riposte.workshops import rules
from riposte.workshops.live import board_changed
from riposte.workshops.models import (
    NOTE_MAX,
    Axis,
    Cluster,
    Dot,
    Note,
    Participant,
    Step,
    Workshop,
    WorkshopStatus,
)
from riposte.workshops.models.board import CLUSTER_TITLE_MAX
from riposte.workshops.rules import Viewer

TIMER_MAX_MINUTES = 180

# The revision the last write of this request made, for the view's X-Board-Revision header:
# board.js then knows whether the answer it got is the very next change (and needs no fetch
# when its event comes), and the benchmark ties each event to the POST that made it.
_revision: ContextVar[int | None] = ContextVar("board_revision", default=None)


def _changed(workshop: Workshop, change: str, **extra: Any) -> int:
    revision = board_changed(workshop, change, **extra)
    _revision.set(revision)
    return revision


def take_revision() -> int | None:
    """The revision of this request's last write (then forgotten), or None if it changed nothing."""
    revision = _revision.get()
    _revision.set(None)
    return revision


class NoteConflict(Exception):
    """The note changed (or moved) since the page showed it: `note` is how it is now."""

    def __init__(self, note: Note, attempted_text: str = "") -> None:
        super().__init__(f"note {note.pk} is at version {note.version}")
        self.note = note
        self.attempted_text = attempted_text


# -- the checks every write shares


def _locked_workshop(workshop_id: int) -> Workshop:
    return Workshop.objects.select_for_update().get(pk=workshop_id)


def _require_open(workshop: Workshop) -> None:
    """The board takes writes while the workshop is live; say clearly why not otherwise."""
    if workshop.status == WorkshopStatus.CLOSED:
        raise ValidationError(_("This workshop is closed: its board can no longer be changed."))
    if workshop.status != WorkshopStatus.LIVE:
        raise ValidationError(_("The board is not open yet: the facilitator opens it."))


def _require_participant(viewer: Viewer, workshop: Workshop) -> Participant:
    if viewer.participant is None or viewer.participant.workshop_id != workshop.pk:
        raise PermissionDenied
    _require_open(workshop)
    return viewer.participant


def _require_facilitator(viewer: Viewer, workshop: Workshop) -> None:
    if not viewer.facilitates:
        raise PermissionDenied
    if workshop.is_closed:
        raise ValidationError(_("This workshop is closed: its board can no longer be changed."))


def _require_unlocked(step: Step) -> None:
    if step.is_locked:
        raise ValidationError(
            _("The step “%(step)s” is locked: its notes can no longer be posted or moved.")
            % {"step": step.title}
        )


def _step_in(workshop: Workshop, step_id: int) -> Step:
    """The step, read again under the workshop's lock (its lock and visibility are current)."""
    step = Step.objects.select_related("axis").filter(pk=step_id, axis__workshop=workshop).first()
    if step is None:
        raise ValidationError(_("This step is no longer on the board."))
    return step


def _note_in(workshop: Workshop, note_id: int) -> Note:
    note = (
        Note.objects.select_for_update()
        .filter(pk=note_id, step__axis__workshop=workshop)
        .select_related("step__axis")
        .first()
    )
    if note is None:
        raise ValidationError(_("This note was deleted meanwhile."))
    return note


def _check_version(note: Note, version: int | None, attempted_text: str = "") -> None:
    if version is not None and version != note.version:
        raise NoteConflict(note, attempted_text)


def clean_text(text: str) -> str:
    """A note's text as it will be stored, or the reason it cannot be."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write something on the note.")})
    if "\x00" in text:  # PostgreSQL stores no NUL character: refused here, not with a 500
        raise ValidationError({"text": _("The text holds a character that cannot be stored.")})
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {
                "text": _(
                    "A note holds at most %(max)s characters; this one has %(count)s. "
                    "Shorten it or split it into several notes."
                )
                % {"max": NOTE_MAX, "count": len(text)}
            }
        )
    return text


def may_see(viewer: Viewer, note: Note) -> bool:
    """While a step's notes are hidden, a participant sees only their own."""
    if not note.step.notes_hidden or viewer.facilitates:
        return True
    return viewer.participant is not None and viewer.participant.pk == note.author_id


def _next_position(step: Step) -> int:
    last = Note.objects.filter(step=step).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


# -- notes


@transaction.atomic
def note_post(
    *, step: Step, by: Viewer, text: str, anonymous: bool = False, cluster: Cluster | None = None
) -> Note:
    """A participant sticks a note at the end of a step (or of one of its groups)."""
    workshop = _locked_workshop(step.axis.workshop_id)
    author = _require_participant(by, workshop)
    step = _step_in(workshop, step.pk)
    _require_unlocked(step)
    text = clean_text(text)
    if cluster is not None and cluster.step_id != step.pk:
        raise ValidationError(_("This group is not in this step."))
    now = timezone.now()
    note = Note.objects.create(
        step=step,
        cluster=cluster,
        author=author,
        is_anonymous=anonymous,
        text=text,
        position=_next_position(step),
        created_at=now,
        updated_at=now,
    )
    _changed(workshop, "note", step_id=step.pk, steps=[step.pk], note=note.pk, op="add")
    return note


@transaction.atomic
def note_edit(*, note: Note, by: Viewer, text: str, version: int) -> Note:
    """Its author (while the workshop is live) or a facilitator rewrites a note. A locked step
    keeps its notes as they are, except for a facilitator tidying them up."""
    workshop = _locked_workshop(note.step.axis.workshop_id)
    current = _note_in(workshop, note.pk)
    if not rules.can_edit_note(by, workshop, current.author_id):
        if workshop.is_closed:
            raise ValidationError(_("This workshop is closed: its board can no longer be changed."))
        raise PermissionDenied
    if current.step.is_locked and not by.facilitates:
        _require_unlocked(current.step)
    cleaned = clean_text(text)
    _check_version(current, version, attempted_text=cleaned)
    if cleaned != current.text:
        current.text = cleaned
        current.version += 1
        current.updated_at = timezone.now()
        current.save(update_fields=["text", "version", "updated_at"])
        _changed(
            workshop, "note", step_id=current.step_id, steps=[current.step_id], note=current.pk
        )
    return current


@transaction.atomic
def note_move(
    *,
    note: Note,
    by: Viewer,
    version: int,
    step: Step | None = None,
    cluster: Cluster | None = None,
    offset: int = 0,
) -> Note:
    """Move a note: to another step of the workshop (`step`, at its end), into a group of its
    step or out of it (`cluster`, None for none), and/or up (-1) or down (+1) among the notes of
    its list. Any participant may move any note, as on a paper board; nobody moves a note into or
    out of a locked step."""
    workshop = _locked_workshop(note.step.axis.workshop_id)
    _require_participant(by, workshop)
    current = _note_in(workshop, note.pk)
    if not may_see(by, current):
        raise PermissionDenied
    _check_version(current, version)
    source = current.step
    _require_unlocked(source)
    target = _step_in(workshop, step.pk) if step is not None else source
    _require_unlocked(target)
    if cluster is not None:
        # Read again under the workshop's lock: it may have been undone meanwhile.
        cluster = Cluster.objects.filter(pk=cluster.pk, step=target).first()
        if cluster is None:
            raise ValidationError(_("This group is not in the step the note goes to any more."))
    changed = False
    if target.pk != source.pk:
        current.step = target
        current.position = _next_position(target)
        changed = True
    if (cluster.pk if cluster else None) != current.cluster_id:
        current.cluster = cluster
        changed = True
    if changed:
        current.save(update_fields=["step", "cluster", "position"])
    if offset and _shift(current, offset):
        changed = True
    if not changed:
        return current
    Note.objects.filter(pk=current.pk).update(
        version=current.version + 1, updated_at=timezone.now()
    )
    current.version += 1
    steps = sorted({source.pk, target.pk})
    _changed(workshop, "note", step_id=target.pk, steps=steps)
    return current


def _shift(note: Note, offset: int) -> bool:
    """Move the note `offset` places among the notes of its list (its group, or the notes of
    its step in no group); renumber the step's notes. False when it was already at the end."""
    notes = list(Note.objects.filter(step_id=note.step_id).order_by("position", "id"))
    lane = [n for n in notes if n.cluster_id == note.cluster_id]
    at = next(i for i, n in enumerate(lane) if n.pk == note.pk)
    to = max(0, min(len(lane) - 1, at + offset))
    if to == at:
        return False
    neighbour = lane[to]
    order = [n for n in notes if n.pk != note.pk]
    where = order.index(neighbour)
    order.insert(where if offset < 0 else where + 1, next(n for n in notes if n.pk == note.pk))
    for position, item in enumerate(order):
        if item.position != position:
            Note.objects.filter(pk=item.pk).update(position=position)
    return True


@transaction.atomic
def note_delete(*, note: Note, by: Viewer, version: int | None = None) -> None:
    """Its author or a facilitator removes a note (with its dots). With `version`, a note that
    changed since the page showed it is not deleted: the page shows it as it is now."""
    workshop = _locked_workshop(note.step.axis.workshop_id)
    current = _note_in(workshop, note.pk)
    if not rules.can_edit_note(by, workshop, current.author_id):
        if workshop.is_closed:
            raise ValidationError(_("This workshop is closed: its board can no longer be changed."))
        raise PermissionDenied
    if current.step.is_locked and not by.facilitates:
        _require_unlocked(current.step)
    _check_version(current, version)
    step_id = current.step_id
    current.delete()
    _changed(workshop, "note", step_id=step_id, steps=[step_id])


# -- groups of notes


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the group a title.")})
    if "\x00" in title:
        raise ValidationError({"title": _("The text holds a character that cannot be stored.")})
    if len(title) > CLUSTER_TITLE_MAX:
        raise ValidationError(
            {
                "title": _("A group's title holds at most %(max)s characters.")
                % {"max": CLUSTER_TITLE_MAX}
            }
        )
    return title


@transaction.atomic
def cluster_create(*, step: Step, by: Viewer, title: str) -> Cluster:
    workshop = _locked_workshop(step.axis.workshop_id)
    _require_participant(by, workshop)
    step = _step_in(workshop, step.pk)
    _require_unlocked(step)
    last = Cluster.objects.filter(step=step).aggregate(m=Max("position"))["m"]
    cluster = Cluster.objects.create(
        step=step, title=_clean_title(title), position=0 if last is None else last + 1
    )
    _changed(workshop, "note", step_id=step.pk, steps=[step.pk])
    return cluster


@transaction.atomic
def cluster_rename(*, cluster: Cluster, by: Viewer, title: str) -> Cluster:
    """Participants rename a group while the step is open; a facilitator, also once locked."""
    workshop = _locked_workshop(cluster.step.axis.workshop_id)
    if not by.facilitates:
        _require_participant(by, workshop)
    else:
        _require_facilitator(by, workshop)
    step = _step_in(workshop, cluster.step_id)
    if not by.facilitates:
        _require_unlocked(step)
    cluster.title = _clean_title(title)
    cluster.save(update_fields=["title"])
    _changed(workshop, "note", step_id=step.pk, steps=[step.pk])
    return cluster


@transaction.atomic
def cluster_delete(*, cluster: Cluster, by: Viewer) -> None:
    """Ungroup: the group goes, its notes stay in the step, in no group."""
    workshop = _locked_workshop(cluster.step.axis.workshop_id)
    _require_participant(by, workshop)
    step = _step_in(workshop, cluster.step_id)
    _require_unlocked(step)
    # The notes change list: a page that shows one of them with its old version must not move it
    # back into a group that is gone without being told.
    for note in Note.objects.select_for_update().filter(cluster=cluster):
        Note.objects.filter(pk=note.pk).update(cluster=None, version=note.version + 1)
    cluster.delete()
    _changed(workshop, "note", step_id=step.pk, steps=[step.pk])


# -- dots


def dots_left(participant: Participant, workshop: Workshop) -> int:
    return max(
        0, workshop.dots_per_participant - Dot.objects.filter(participant=participant).count()
    )


def _dots_changed(workshop: Workshop, note: Note) -> None:
    """The event carries the note's count of dots, the same for everyone: the other pages show
    it without asking the server for anything (their own dots did not change)."""
    if note.step.notes_hidden:
        # Not everyone may see the note: the pages ask for the step, rendered for each of them.
        _changed(workshop, "note", step_id=note.step_id, steps=[note.step_id])
        return
    count = Dot.objects.filter(note=note).count()
    _changed(workshop, "dots", step_id=note.step_id, steps=[note.step_id], note=note.pk, dots=count)


@transaction.atomic
def dot_add(*, note: Note, by: Viewer) -> Dot:
    """Put one of one's dots on a note. A participant has the workshop's `dots_per_participant`
    in all, counted under a lock on their row: two clicks at once cannot spend one dot twice."""
    workshop = _locked_workshop(note.step.axis.workshop_id)
    _require_participant(by, workshop)
    participant = Participant.objects.select_for_update().get(pk=by.participant.pk)  # type: ignore[union-attr]
    current = _note_in(workshop, note.pk)
    if not may_see(by, current):
        raise PermissionDenied
    spent = Dot.objects.filter(participant=participant).count()
    if spent >= workshop.dots_per_participant:
        raise ValidationError(
            _(
                "You have used your %(count)s dots. Take one back from another note to vote "
                "for this one."
            )
            % {"count": workshop.dots_per_participant}
        )
    dot = Dot.objects.create(note=current, participant=participant)
    _dots_changed(workshop, current)
    return dot


@transaction.atomic
def dot_remove(*, note: Note, by: Viewer) -> bool:
    """Take back one of one's dots from a note; False when there was none."""
    workshop = _locked_workshop(note.step.axis.workshop_id)
    _require_participant(by, workshop)
    participant = Participant.objects.select_for_update().get(pk=by.participant.pk)  # type: ignore[union-attr]
    current = _note_in(workshop, note.pk)
    dot = Dot.objects.filter(note=current, participant=participant).order_by("-id").first()
    if dot is None:
        return False
    dot.delete()
    _dots_changed(workshop, current)
    return True


# -- facilitation


def _step_set(step: Step, by: Viewer, **fields: bool) -> Step:
    workshop = _locked_workshop(step.axis.workshop_id)
    _require_facilitator(by, workshop)
    step = _step_in(workshop, step.pk)
    changed = [name for name, value in fields.items() if getattr(step, name) != value]
    if changed:
        for name in changed:
            setattr(step, name, fields[name])
        step.save(update_fields=changed)
        _changed(workshop, "step", step_id=step.pk, steps=[step.pk])
    return step


@transaction.atomic
def step_lock(*, step: Step, by: Viewer) -> Step:
    """Nobody posts, moves or groups notes in the step any more (voting goes on)."""
    return _step_set(step, by, is_locked=True)


@transaction.atomic
def step_unlock(*, step: Step, by: Viewer) -> Step:
    return _step_set(step, by, is_locked=False)


@transaction.atomic
def step_hide(*, step: Step, by: Viewer) -> Step:
    """Each participant sees only their own notes of the step until it is revealed."""
    return _step_set(step, by, notes_hidden=True)


@transaction.atomic
def step_reveal(*, step: Step, by: Viewer) -> Step:
    return _step_set(step, by, notes_hidden=False)


@transaction.atomic
def workshop_focus(*, workshop: Workshop, by: Viewer, axis: Axis) -> Workshop:
    """ "Bring everyone here": every open board scrolls to the axis."""
    workshop = _locked_workshop(workshop.pk)
    _require_facilitator(by, workshop)
    if axis.workshop_id != workshop.pk:
        raise ValidationError(_("This axis is not in this workshop."))
    workshop.focus_axis = axis
    workshop.save(update_fields=["focus_axis"])
    _changed(workshop, "focus", axis=axis.pk)
    return workshop


@transaction.atomic
def timer_start(*, workshop: Workshop, by: Viewer, minutes: int) -> Workshop:
    workshop = _locked_workshop(workshop.pk)
    _require_facilitator(by, workshop)
    if not 1 <= minutes <= TIMER_MAX_MINUTES:
        raise ValidationError(
            {"minutes": _("Between 1 and %(max)s minutes.") % {"max": TIMER_MAX_MINUTES}}
        )
    workshop.timer_ends_at = timezone.now() + dt.timedelta(minutes=minutes)
    workshop.save(update_fields=["timer_ends_at"])
    _changed(workshop, "timer", ends_at=workshop.timer_ends_at.isoformat())
    return workshop


@transaction.atomic
def timer_stop(*, workshop: Workshop, by: Viewer) -> Workshop:
    workshop = _locked_workshop(workshop.pk)
    _require_facilitator(by, workshop)
    if workshop.timer_ends_at is not None:
        workshop.timer_ends_at = None
        workshop.save(update_fields=["timer_ends_at"])
        _changed(workshop, "timer", ends_at=None)
    return workshop
