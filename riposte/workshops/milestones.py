"""Writes of the workshop's roadmap: the milestones of each axis by horizon, who carries them,
by when, and what they become (an initiative, a norm to debate, a cooperation to map).

Who may do what, beyond rules.py:
- Planning — adding a milestone, making one of a note, renaming it, moving it between horizons —
  is for the workshop's facilitators while the workshop is not closed: a closed workshop's
  roadmap is the record of what was said.
- Following up — the owner, the due date, the status, turning a milestone into tracked work —
  goes on after the workshop has closed: that is what a roadmap is for. The facilitators do it;
  the owner of a milestone may also set its status.

Every write locks the workshop's row first (as services.py does), then the milestone: writes in
one workshop are serialised, and `version` tells a form that someone saved since it opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riposte.core.audit import audit_record
from riposte.core.notifications import notification_send
from riposte.directory.models import Agent
from riposte.workshops import rules
from riposte.workshops.live import board_changed
from riposte.workshops.models import (
    Axis,
    Horizon,
    Milestone,
    MilestoneStatus,
    Note,
    Workshop,
)
from riposte.workshops.models.roadmap import MILESTONE_MAX

# Titles of the objects a milestone becomes (initiatives, norms, cooperations: 200 characters).
TARGET_TITLE_MAX = 200


class MilestoneConflict(ValidationError):
    """Someone saved the milestone since the form was opened: the current state comes along."""

    def __init__(self, message: str, *, current: Milestone) -> None:
        super().__init__(message, code="conflict")
        self.current = current


@dataclass
class MilestoneData:
    """What the milestone's form says of it."""

    title: str
    owner: Agent | None = None
    due_on: dt.date | None = None
    status: str = MilestoneStatus.OPEN


# -- who may


def can_plan(agent: Any, workshop: Workshop) -> bool:
    """Add, rename and move milestones."""
    return rules.facilitates(agent, workshop) and not workshop.is_closed


def can_track(agent: Any, workshop: Workshop) -> bool:
    """Owner, due date, status, conversions: also once the workshop is closed."""
    return rules.facilitates(agent, workshop)


def can_set_status(agent: Any, milestone: Milestone, workshop: Workshop) -> bool:
    if not getattr(agent, "is_authenticated", False) or not agent.is_active:
        return False
    return milestone.owner_id == agent.pk or can_track(agent, workshop)


def _require_plan(by: Agent, workshop: Workshop) -> None:
    if not rules.facilitates(by, workshop):
        raise PermissionDenied
    if workshop.is_closed:
        raise ValidationError(
            _(
                "This workshop is closed: its roadmap is a record. Milestones can still be followed up."
            )
        )


def _require_track(by: Agent, workshop: Workshop) -> None:
    if not can_track(by, workshop):
        raise PermissionDenied


# -- checks


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Give the milestone a title.")})
    if len(title) > MILESTONE_MAX:
        raise ValidationError({"title": _("A milestone is limited to 300 characters.")})
    return title


def _clean_horizon(horizon: str) -> Horizon:
    if horizon not in Horizon.values:
        raise ValidationError({"horizon": _("Choose a horizon.")})
    return Horizon(horizon)


def _clean_owner(owner: Agent | None) -> None:
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": _("This agent has left: their account is closed.")})


def clip(text: str, limit: int) -> str:
    """A text cut to `limit` characters at a word, with an ellipsis when it was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut + "…"


# -- locks and order


def _lock(milestone: Milestone) -> tuple[Workshop, Milestone]:
    """The workshop's row, then the milestone's, locked in that order (as every write does)."""
    workshop_id = Axis.objects.values_list("workshop_id", flat=True).get(pk=milestone.axis_id)
    workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
    current = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("axis", "owner")
        .get(pk=milestone.pk)
    )
    return workshop, current


def _column(axis_id: int, horizon: str, *, without: int | None = None) -> list[int]:
    """The ids of an axis's milestones on one horizon, in their order."""
    rows = Milestone.objects.filter(axis_id=axis_id, horizon=horizon).order_by("position", "id")
    if without is not None:
        rows = rows.exclude(pk=without)
    return list(rows.values_list("pk", flat=True))


def _renumber(ids: list[int]) -> None:
    for position, pk in enumerate(ids):
        Milestone.objects.filter(pk=pk).exclude(position=position).update(position=position)


def _touch(milestone: Milestone) -> None:
    milestone.version += 1
    milestone.updated_at = timezone.now()


def _set_status(milestone: Milestone, status: str) -> None:
    if status not in MilestoneStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == MilestoneStatus.DONE:
        if milestone.status != MilestoneStatus.DONE or milestone.done_on is None:
            milestone.done_on = timezone.localdate()
    else:
        milestone.done_on = None
    milestone.status = status


def _tell_owner(milestone: Milestone, workshop: Workshop, by: Agent) -> None:
    if milestone.owner is None:
        return
    notification_send(
        recipients=[milestone.owner],
        actor=by,
        message=gettext_lazy(
            "%(name)s made you the owner of the milestone “%(milestone)s” (workshop “%(workshop)s”)"
        ),
        params={"name": str(by), "milestone": milestone.title, "workshop": workshop.title},
        url=milestone_url(milestone),
    )


def milestone_url(milestone: Milestone) -> str:
    return reverse("workshops:milestone", args=[milestone.pk])


# -- planning


def _create(axis: Axis, workshop: Workshop, *, by: Agent, title: str, horizon: str,
            source_note: Note | None = None) -> Milestone:  # fmt: skip
    chosen = _clean_horizon(horizon)
    last = Milestone.objects.filter(axis=axis, horizon=chosen).aggregate(m=Max("position"))["m"]
    milestone = Milestone(
        axis=axis,
        title=_clean_title(title),
        horizon=chosen,
        position=0 if last is None else last + 1,
        due_on=chosen.due_from(workshop.held_on),
        source_note=source_note,
    )
    milestone.full_clean(exclude=["axis", "source_note"])
    milestone.save()
    board_changed(workshop, "milestone", milestone=milestone.pk)
    audit_record(actor=by, action="workshop.milestone_add", target=milestone,
                 changes={"workshop": workshop.pk, "horizon": chosen.value})  # fmt: skip
    return milestone


@transaction.atomic
def milestone_add(*, axis: Axis, by: Agent, title: str, horizon: str) -> Milestone:
    """A facilitator adds a milestone at the end of its horizon; its due date follows from the
    workshop's date (the ideal has none)."""
    workshop = Workshop.objects.select_for_update().get(pk=axis.workshop_id)
    _require_plan(by, workshop)
    return _create(axis, workshop, by=by, title=title, horizon=horizon)


@transaction.atomic
def milestone_from_note(*, note: Note, by: Agent, horizon: str) -> Milestone:
    """A note of the axis (typically of its "Through which stages?" step) becomes a milestone,
    which remembers it. Made again, it is the same milestone, not a second one."""
    axis = Axis.objects.get(steps=note.step_id)
    workshop = Workshop.objects.select_for_update().get(pk=axis.workshop_id)
    _require_plan(by, workshop)
    existing = Milestone.objects.filter(source_note=note).first()
    if existing is not None:
        return existing
    # Read again under the workshop's lock: it may have been deleted or hidden meanwhile.
    found = Note.objects.select_related("step").filter(pk=note.pk, step__axis=axis).first()
    if found is None:
        raise ValidationError(_("This note was deleted meanwhile."))
    if found.step.notes_hidden:
        # Its text would show on the roadmap and in the report before the reveal.
        raise ValidationError(_("Reveal the notes of this step before making one a milestone."))
    note = found
    return _create(axis, workshop, by=by, title=clip(note.text, MILESTONE_MAX), horizon=horizon,
                   source_note=note)  # fmt: skip


@transaction.atomic
def milestone_move(
    *,
    milestone: Milestone,
    by: Agent,
    horizon: str | None = None,
    position: int | None = None,
    offset: int | None = None,
) -> Milestone:
    """Move a milestone to another horizon (at `position`, the end if None), or up (-1) and down
    (+1) in its own. Its due date follows the new horizon, unless it was set by hand."""
    workshop, current = _lock(milestone)
    _require_plan(by, workshop)
    target = _clean_horizon(horizon if horizon is not None else current.horizon)
    before = (current.horizon, current.position)
    column = _column(current.axis_id, target, without=current.pk)
    if target == current.horizon and offset is not None:
        at = _column(current.axis_id, target).index(current.pk) + offset
    elif position is not None:
        at = position
    elif target == current.horizon:
        return current  # nowhere to go
    else:
        at = len(column)
    column.insert(max(0, min(len(column), at)), current.pk)
    if target != current.horizon:
        _renumber(_column(current.axis_id, current.horizon, without=current.pk))
        if not current.due_on_by_hand:
            current.due_on = target.due_from(workshop.held_on)
        current.horizon = target
    _renumber(column)
    current.position = column.index(current.pk)
    if (current.horizon, current.position) == before:
        return current
    _touch(current)
    current.save(update_fields=["horizon", "position", "due_on", "version", "updated_at"])
    board_changed(workshop, "milestone", milestone=current.pk)
    audit_record(actor=by, action="workshop.milestone_move", target=current,
                 changes={"horizon": [before[0], current.horizon]})  # fmt: skip
    return current


# -- following up


@transaction.atomic
def milestone_edit(
    *, milestone: Milestone, by: Agent, data: MilestoneData, version: int
) -> Milestone:
    """Title, owner, due date and status. A save based on an older version is refused
    (MilestoneConflict, with the milestone as it is now): nothing is overwritten silently."""
    workshop, current = _lock(milestone)
    _require_track(by, workshop)
    if version != current.version:
        raise MilestoneConflict(
            _("Someone saved this milestone while you were editing it. What you typed is still in "
              "the form: compare it with what is saved now, then save again."),
            current=current,
        )  # fmt: skip
    title = _clean_title(data.title)
    if workshop.is_closed and title != current.title:
        raise ValidationError(
            {"title": _("The workshop is closed: the milestone's title is part of its record.")}
        )
    _clean_owner(data.owner)
    changes: dict[str, Any] = {}
    for name, value in (("title", title), ("owner_id", getattr(data.owner, "pk", None)),
                        ("due_on", data.due_on), ("status", data.status)):  # fmt: skip
        if getattr(current, name) != value:
            changes[name] = [str(getattr(current, name)), str(value)]
    if not changes:
        return current
    new_owner = "owner_id" in changes and data.owner is not None and data.owner.pk != by.pk
    current.title = title
    current.owner = data.owner
    current.due_on = data.due_on
    # "By hand" means: not the date the horizon gives. Typing that date back makes it follow
    # the horizon again.
    current.due_on_by_hand = data.due_on != Horizon(current.horizon).due_from(workshop.held_on)
    _set_status(current, data.status)
    _touch(current)
    current.full_clean(
        exclude=["axis", "owner", "source_note", "initiative", "norm", "cooperation"]
    )
    current.save()
    if new_owner:
        _tell_owner(current, workshop, by)
    board_changed(workshop, "milestone", milestone=current.pk)
    audit_record(actor=by, action="workshop.milestone_edit", target=current, changes=changes)
    return current


@transaction.atomic
def milestone_set_status(*, milestone: Milestone, by: Agent, status: str) -> Milestone:
    """To do, done (dated today) or dropped: the owner or a facilitator."""
    workshop, current = _lock(milestone)
    if not can_set_status(by, current, workshop):
        raise PermissionDenied
    if status == current.status:
        return current
    before = current.status
    _set_status(current, status)
    _touch(current)
    current.save(update_fields=["status", "done_on", "version", "updated_at"])
    board_changed(workshop, "milestone", milestone=current.pk)
    audit_record(actor=by, action="workshop.milestone_status", target=current,
                 changes={"status": [before, status]})  # fmt: skip
    return current


# -- what a milestone becomes


def origin_text(milestone: Milestone, workshop: Workshop) -> str:
    """Where a milestone comes from, said in the text of what it becomes."""
    return _(
        "Milestone “%(milestone)s” of the workshop “%(workshop)s” held on %(date)s (axis "
        "“%(axis)s”, horizon: %(horizon)s)."
    ) % {
        "milestone": milestone.title,
        "workshop": workshop.title,
        "date": workshop.held_on.strftime("%d/%m/%Y"),
        "axis": milestone.axis.title,
        "horizon": Horizon(milestone.horizon).label,
    }


def _what_it_says(milestone: Milestone, workshop: Workshop) -> str:
    note = milestone.source_note.text if milestone.source_note_id else ""  # type: ignore[union-attr]
    parts = [note if note and note.strip() != milestone.title else milestone.title]
    return "\n\n".join([*parts, origin_text(milestone, workshop)])


def _became(milestone: Milestone, workshop: Workshop, by: Agent, field: str) -> None:
    _touch(milestone)
    milestone.save(update_fields=[field, "version", "updated_at"])
    board_changed(workshop, "milestone", milestone=milestone.pk)
    audit_record(actor=by, action=f"workshop.milestone_to_{field}", target=milestone,
                 changes={field: getattr(milestone, f"{field}_id")})  # fmt: skip


@transaction.atomic
def milestone_to_initiative(*, milestone: Milestone, by: Agent) -> Any:
    """A draft initiative, written by the facilitator with the milestone's owner as co-author
    (a draft is seen by its authors only: they complete it and submit it). Asked twice, it is
    the same initiative."""
    from riposte.initiatives.services import InitiativeData, initiative_create

    workshop, current = _lock(milestone)
    _require_track(by, workshop)
    if current.initiative_id is not None:
        return current.initiative
    owner = current.owner
    data = InitiativeData(
        title=clip(current.title, TARGET_TITLE_MAX),
        idea=_what_it_says(current, workshop),
        coauthors=[owner] if owner is not None and owner.is_active and owner.pk != by.pk else [],
    )
    initiative = initiative_create(author=by, data=data, submit=False)
    current.initiative = initiative
    _became(current, workshop, by, "initiative")
    return initiative


@transaction.atomic
def milestone_to_norm(*, milestone: Milestone, by: Agent, kind: str = "") -> Any:
    """A norm proposed for debate in the register, proposed by the facilitator. Asked twice, it
    is the same norm."""
    from riposte.norms.models import NormKind, NormStatus
    from riposte.norms.services import NormData, norm_propose

    workshop, current = _lock(milestone)
    _require_track(by, workshop)
    if current.norm_id is not None:
        return current.norm
    today = timezone.localdate()
    data = NormData(
        title=clip(current.title, TARGET_TITLE_MAX),
        text=_what_it_says(current, workshop),
        kind=kind or NormKind.AUTHORISATION,
        origin=clip(_("Workshop “%(workshop)s”") % {"workshop": workshop.title}, 300),
        origin_date=workshop.held_on if workshop.held_on <= today else None,
    )
    norm = norm_propose(by=by, data=data, status=NormStatus.DEBATE)
    current.norm = norm
    _became(current, workshop, by, "norm")
    return norm


@transaction.atomic
def milestone_to_cooperation(*, milestone: Milestone, by: Agent, cooperation: Any) -> Milestone:
    """Link the cooperation recorded from the milestone (the cooperation form, opened from the
    roadmap, calls this in the transaction that creates it: riposte/cooperations/hooks.py). A
    milestone is mapped once: a second cooperation is refused, and with it its recording."""
    workshop, current = _lock(milestone)
    _require_track(by, workshop)
    if current.cooperation_id == cooperation.pk:
        return current
    if current.cooperation_id is not None:
        raise ValidationError(
            _("This milestone is already mapped as the cooperation “%(title)s”.")
            % {"title": current.cooperation.title}  # type: ignore[union-attr]
        )
    current.cooperation = cooperation
    _became(current, workshop, by, "cooperation")
    return current
