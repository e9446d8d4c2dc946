"""The board as one viewer sees it: axes, their steps, each step's groups and notes, with the
dots, what this viewer may do, and what a hidden step keeps from them.

Each page asks for what changed (the whole board, or one step) rendered for its own viewer:
anonymous authors and hidden steps mean that two people never see quite the same board.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from riposte.workshops import rules
from riposte.workshops.models import Axis, Cluster, Note, Step, Workshop, WorkshopStatus
from riposte.workshops.rules import Viewer


@dataclass
class NoteView:
    note: Note
    author: str
    dots: int
    my_dots: int
    mine: bool
    hidden: bool  # in a hidden step, shown to this viewer only (a facilitator, or its author)
    can_edit: bool
    # A refused edit, shown again: the text typed, why it was refused, and whether it crossed
    # someone else's change (the page then shows both texts).
    edit_text: str | None = None
    error: str = ""
    conflict: bool = False


@dataclass
class ClusterView:
    cluster: Cluster
    notes: list[NoteView] = field(default_factory=list)


@dataclass
class StepView:
    step: Step
    clusters: list[ClusterView] = field(default_factory=list)
    loose: list[NoteView] = field(default_factory=list)  # the notes in no group
    kept_hidden: int = 0  # notes of others this viewer does not see until the reveal
    # A refused note, shown again in the step's form with the reason.
    draft: str = ""
    draft_anonymous: bool = False
    error: str = ""

    @property
    def count(self) -> int:
        return len(self.loose) + sum(len(c.notes) for c in self.clusters)

    @property
    def can_post(self) -> bool:
        return not self.step.is_locked


@dataclass
class AxisView:
    axis: Axis
    steps: list[StepView] = field(default_factory=list)


@dataclass
class Target:
    """One choice of the "move to" list: a step, or a group in it."""

    value: str
    label: str


def author_label(note: Note, viewer: Viewer) -> str:
    mine = viewer.participant is not None and note.author_id == viewer.participant.pk
    if note.is_anonymous:
        return _("You (anonymous)") if mine else _("Anonymous")
    if mine:
        return _("You")
    return note.author.display_name


def _note_queryset(viewer: Viewer) -> QuerySet[Note]:
    me = viewer.participant.pk if viewer.participant is not None else None
    return (
        Note.objects.select_related("author__agent")
        .annotate(
            dot_count=Count("dots"),
            my_dot_count=Count("dots", filter=Q(dots__participant_id=me)),
        )
        .order_by("step_id", "position", "id")
    )


def _note_view(workshop: Workshop, viewer: Viewer, note: Note, hidden: bool) -> NoteView | None:
    """The note as the viewer sees it; None while its step hides it from them."""
    me = viewer.participant.pk if viewer.participant is not None else None
    mine = me is not None and note.author_id == me
    if hidden and not (mine or viewer.facilitates):
        return None
    return NoteView(
        note=note,
        author=author_label(note, viewer),
        dots=note.dot_count,  # type: ignore[attr-defined]
        my_dots=note.my_dot_count,  # type: ignore[attr-defined]
        mine=mine,
        hidden=hidden,
        can_edit=rules.can_edit_note(viewer, workshop, note.author_id),
    )


def _notes(workshop: Workshop, viewer: Viewer, steps: list[Step]) -> dict[int, list[NoteView]]:
    hidden_steps = {s.pk for s in steps if s.notes_hidden}
    by_step: dict[int, list[NoteView]] = {s.pk: [] for s in steps}
    for note in _note_queryset(viewer).filter(step__in=steps):
        view = _note_view(workshop, viewer, note, note.step_id in hidden_steps)
        if view is not None:
            by_step[note.step_id].append(view)
    return by_step


def _hidden_counts(viewer: Viewer, steps: list[Step]) -> dict[int, int]:
    hidden = [s.pk for s in steps if s.notes_hidden]
    if not hidden or viewer.facilitates:
        return {}
    queryset = Note.objects.filter(step_id__in=hidden)
    if viewer.participant is not None:
        queryset = queryset.exclude(author=viewer.participant)
    rows = queryset.values("step_id").annotate(n=Count("id"))
    return {row["step_id"]: row["n"] for row in rows}


def _step_views(workshop: Workshop, viewer: Viewer, steps: list[Step]) -> list[StepView]:
    notes = _notes(workshop, viewer, steps)
    kept = _hidden_counts(viewer, steps)
    clusters: dict[int, list[Cluster]] = {s.pk: [] for s in steps}
    for cluster in Cluster.objects.filter(step__in=steps).order_by("position", "id"):
        clusters[cluster.step_id].append(cluster)
    views = []
    for step in steps:
        view = StepView(step=step, kept_hidden=kept.get(step.pk, 0))
        groups = {c.pk: ClusterView(cluster=c) for c in clusters[step.pk]}
        for item in notes[step.pk]:
            group = groups.get(item.note.cluster_id or 0)
            (group.notes if group is not None else view.loose).append(item)
        view.clusters = list(groups.values())
        views.append(view)
    return views


def board(workshop: Workshop, viewer: Viewer) -> list[AxisView]:
    axes = list(workshop.axes.order_by("position", "id"))
    steps = list(
        Step.objects.filter(axis__workshop=workshop)
        .select_related("axis")
        .order_by("axis__position", "axis_id", "position", "id")
    )
    by_axis: dict[int, AxisView] = {a.pk: AxisView(axis=a) for a in axes}
    for view in _step_views(workshop, viewer, steps):
        by_axis[view.step.axis_id].steps.append(view)
    return list(by_axis.values())


def step(workshop: Workshop, viewer: Viewer, step: Step) -> StepView:
    return _step_views(workshop, viewer, [step])[0]


def note(workshop: Workshop, viewer: Viewer, note_id: int) -> tuple[NoteView, int] | None:
    """One note as the viewer sees it, and how many notes its step shows them; None when the
    note is gone, or hidden from them. Two queries: a page asks for it at each change of a note."""
    current = (
        _note_queryset(viewer)
        .select_related("step")
        .filter(pk=note_id, step__axis__workshop=workshop)
        .first()
    )
    if current is None:
        return None
    step = current.step
    view = _note_view(workshop, viewer, current, step.notes_hidden)
    if view is None:
        return None
    shown = Note.objects.filter(step=step)
    if step.notes_hidden and not viewer.facilitates:
        shown = shown.filter(author=viewer.participant)
    return view, shown.count()


def move_targets(workshop: Workshop) -> list[Target]:
    """Every place a note may go: each open step, and each group in it, in the board's order."""
    steps = (
        Step.objects.filter(axis__workshop=workshop, is_locked=False)
        .select_related("axis")
        .order_by("axis__position", "axis_id", "position", "id")
    )
    clusters: dict[int, list[Cluster]] = {}
    for cluster in Cluster.objects.filter(step__axis__workshop=workshop).order_by("position", "id"):
        clusters.setdefault(cluster.step_id, []).append(cluster)
    targets = []
    for s in steps:
        where = f"{s.axis.title} — {s.title}"
        targets.append(Target(value=str(s.pk), label=where))
        for c in clusters.get(s.pk, []):
            targets.append(
                Target(
                    value=f"{s.pk}:{c.pk}",
                    label=_("%(where)s — group “%(group)s”") % {"where": where, "group": c.title},
                )
            )
    return targets


def is_live(workshop: Workshop) -> bool:
    return workshop.status == WorkshopStatus.LIVE
