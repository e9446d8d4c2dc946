"""Writes of the workshops module: a workshop, its structure (axes and steps), who takes part.

The board's writes (notes, clusters, dots, facilitation) are in board.py, the roadmap's in
milestones.py. Every write that changes what a board shows calls live.board_changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riposte.core.audit import audit_record
from riposte.core.markdown import render_markdown
from riposte.directory.models import Agent
from riposte.workshops import rules
from riposte.workshops.live import board_changed, guest_revoked
from riposte.workshops.models import (
    Axis,
    Participant,
    Step,
    StepKind,
    Workshop,
    WorkshopStatus,
)

# The three steps of the format, in order, as a new axis gets them.
STANDARD_STEPS = (
    (StepKind.WHERE, gettext_lazy("Where to go?")),
    (StepKind.RESOURCES, gettext_lazy("With which resources or levers?")),
    (StepKind.STAGES, gettext_lazy("Through which stages?")),
)
# The four axes of the "Riposte créative territoriale" workshop (the template's default).
RIPOSTE_AXES = (
    gettext_lazy("Emergencies and cooperations"),
    gettext_lazy("Accelerating field initiatives"),
    gettext_lazy("Debating authorisations"),
    gettext_lazy("The informal, remotely"),
)


@dataclass
class WorkshopData:
    title: str
    held_on: dt.date
    group_name: str = ""
    place: str = ""
    video_url: str = ""
    pitch: str = ""
    dots_per_participant: int = 5
    facilitators: list[Agent] = field(default_factory=list)


def guest_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _apply(workshop: Workshop, data: WorkshopData) -> None:
    workshop.title = data.title.strip()
    workshop.held_on = data.held_on
    workshop.group_name = data.group_name.strip()
    workshop.place = data.place.strip()
    workshop.video_url = data.video_url.strip()
    workshop.pitch = data.pitch
    workshop.pitch_html = render_markdown(data.pitch)
    workshop.dots_per_participant = data.dots_per_participant


@transaction.atomic
def workshop_create(
    *, by: Agent, data: WorkshopData, axes: list[str] | None = None, template: bool = True
) -> Workshop:
    """A facilitator creates a workshop. With the "Riposte" template, each axis (the seed
    workshop's four unless `axes` names others) gets the three standard steps. The creator
    facilitates it and takes part in it."""
    if not rules.can_create(by):
        raise PermissionDenied
    workshop = Workshop(created_by=by)
    _apply(workshop, data)
    workshop.full_clean(exclude=["created_by", "focus_axis"])
    workshop.save()
    workshop.facilitators.set({by, *data.facilitators})
    for agent in workshop.facilitators.all():
        Participant.objects.create(workshop=workshop, agent=agent)
    if template:
        for title in axes if axes is not None else [str(t) for t in RIPOSTE_AXES]:
            _axis_create(workshop, title)
    audit_record(actor=by, action="workshop.create", target=workshop)
    return workshop


@transaction.atomic
def workshop_update(*, workshop: Workshop, by: Agent, data: WorkshopData) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require_facilitator(by, workshop)
    _apply(workshop, data)
    workshop.updated_at = timezone.now()
    workshop.full_clean(exclude=["created_by", "focus_axis"])
    workshop.save()
    if data.facilitators:
        workshop.facilitators.set(data.facilitators)
        for agent in data.facilitators:
            Participant.objects.get_or_create(workshop=workshop, agent=agent)
    board_changed(workshop, "structure")
    audit_record(actor=by, action="workshop.update", target=workshop)
    return workshop


@transaction.atomic
def workshop_set_status(*, workshop: Workshop, by: Agent, status: str) -> Workshop:
    """Open the board (live), or close the workshop (read only from then on). A closed
    workshop does not reopen: its report is a record."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not (by.is_authenticated and rules.facilitates(by, workshop)):
        raise PermissionDenied
    if workshop.is_closed:
        raise ValidationError(_("This workshop is closed: it cannot be reopened."))
    if status not in WorkshopStatus.values:
        raise ValidationError(_("Unknown status."))
    before = workshop.status
    workshop.status = status
    workshop.timer_ends_at = None if status == WorkshopStatus.CLOSED else workshop.timer_ends_at
    workshop.updated_at = timezone.now()
    workshop.save(update_fields=["status", "timer_ends_at", "updated_at"])
    board_changed(workshop, "status", status=status)
    audit_record(
        actor=by, action="workshop.status", target=workshop, changes={"status": [before, status]}
    )
    return workshop


def _require_facilitator(by: Agent, workshop: Workshop) -> None:
    if not rules.facilitates(by, workshop):
        raise PermissionDenied
    if workshop.is_closed:
        raise ValidationError(_("This workshop is closed: nothing can be changed in it."))


# -- structure


def _axis_create(workshop: Workshop, title: str) -> Axis:
    last = workshop.axes.aggregate(m=Max("position"))["m"]
    axis = Axis(workshop=workshop, title=title.strip(), position=0 if last is None else last + 1)
    axis.full_clean(exclude=["workshop"])
    axis.save()
    Step.objects.bulk_create(
        [
            Step(axis=axis, kind=kind, title=str(label), position=n)
            for n, (kind, label) in enumerate(STANDARD_STEPS)
        ]
    )
    return axis


@transaction.atomic
def axis_add(*, workshop: Workshop, by: Agent, title: str) -> Axis:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require_facilitator(by, workshop)
    axis = _axis_create(workshop, title)
    board_changed(workshop, "structure")
    return axis


@transaction.atomic
def axis_rename(*, axis: Axis, by: Agent, title: str) -> Axis:
    workshop = Workshop.objects.select_for_update().get(pk=axis.workshop_id)
    _require_facilitator(by, workshop)
    axis.title = title.strip()
    axis.full_clean(exclude=["workshop"])
    axis.save(update_fields=["title"])
    board_changed(workshop, "structure")
    return axis


@transaction.atomic
def axis_move(*, axis: Axis, by: Agent, offset: int) -> None:
    """Move an axis up (-1) or down (+1) among its workshop's axes."""
    workshop = Workshop.objects.select_for_update().get(pk=axis.workshop_id)
    _require_facilitator(by, workshop)
    _move(list(workshop.axes.all()), axis.pk, offset)
    board_changed(workshop, "structure")


@transaction.atomic
def axis_delete(*, axis: Axis, by: Agent) -> None:
    """Only an axis with no note and no milestone: what was said is never lost by a click."""
    workshop = Workshop.objects.select_for_update().get(pk=axis.workshop_id)
    _require_facilitator(by, workshop)
    if Step.objects.filter(axis=axis, notes__isnull=False).exists() or axis.milestones.exists():
        raise ValidationError(_("This axis has notes or milestones: it cannot be deleted."))
    axis.delete()
    board_changed(workshop, "structure")


@transaction.atomic
def step_add(*, axis: Axis, by: Agent, title: str) -> Step:
    workshop = Workshop.objects.select_for_update().get(pk=axis.workshop_id)
    _require_facilitator(by, workshop)
    last = axis.steps.aggregate(m=Max("position"))["m"]
    step = Step(axis=axis, title=title.strip(), position=0 if last is None else last + 1)
    step.full_clean(exclude=["axis"])
    step.save()
    board_changed(workshop, "structure")
    return step


@transaction.atomic
def step_rename(*, step: Step, by: Agent, title: str) -> Step:
    workshop = Workshop.objects.select_for_update().get(pk=step.axis.workshop_id)
    _require_facilitator(by, workshop)
    step.title = title.strip()
    step.full_clean(exclude=["axis"])
    step.save(update_fields=["title"])
    board_changed(workshop, "structure")
    return step


@transaction.atomic
def step_move(*, step: Step, by: Agent, offset: int) -> None:
    workshop = Workshop.objects.select_for_update().get(pk=step.axis.workshop_id)
    _require_facilitator(by, workshop)
    _move(list(step.axis.steps.all()), step.pk, offset)
    board_changed(workshop, "structure")


@transaction.atomic
def step_delete(*, step: Step, by: Agent) -> None:
    """Only a step with no note, as for an axis: what was said is never lost by a click."""
    workshop = Workshop.objects.select_for_update().get(pk=step.axis.workshop_id)
    _require_facilitator(by, workshop)
    if step.notes.exists():
        raise ValidationError(_("This step has notes: it cannot be deleted."))
    step.delete()
    board_changed(workshop, "structure")


def _move(items: list[Axis] | list[Step], pk: int, offset: int) -> None:
    """Renumber the items 0..n-1 with the one given moved by `offset` places (clamped)."""
    order = [item.pk for item in items]
    at = order.index(pk)
    order.insert(max(0, min(len(order) - 1, at + offset)), order.pop(at))
    model = type(items[0])
    for position, item_pk in enumerate(order):
        model.objects.filter(pk=item_pk).update(position=position)


# -- who takes part


@transaction.atomic
def participant_join(*, workshop: Workshop, agent: Agent) -> Participant:
    """An agent joins (again: joining twice changes nothing)."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.is_closed:
        raise ValidationError(_("This workshop is closed."))
    participant, created = Participant.objects.get_or_create(workshop=workshop, agent=agent)
    if created:
        board_changed(workshop, "participants")
    return participant


@transaction.atomic
def guest_invite(*, workshop: Workshop, by: Agent, name: str) -> tuple[Participant, str]:
    """A facilitator invites a guest without an account: returns the participant and the secret
    key of their link (shown once; only its digest is stored)."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _require_facilitator(by, workshop)
    if not name.strip():
        # The check constraint would refuse it too, but as a database error.
        raise ValidationError({"guest_name": _("A guest needs a name.")})
    key = secrets.token_urlsafe(24)
    participant = Participant(
        workshop=workshop, guest_name=name.strip(), guest_key_digest=guest_key_digest(key)
    )
    participant.full_clean(exclude=["workshop", "agent"])
    participant.save()
    board_changed(workshop, "participants")
    audit_record(actor=by, action="workshop.guest_invite", target=workshop)
    return participant, key


def guest_for_key(key: str) -> Participant | None:
    return (
        Participant.objects.select_related("workshop")
        .filter(guest_key_digest=guest_key_digest(key), agent__isnull=True)
        .first()
    )


@transaction.atomic
def guest_key_renew(*, participant: Participant, by: Agent) -> str:
    """A new link for a guest (the old one stops working at once)."""
    workshop = Workshop.objects.select_for_update().get(pk=participant.workshop_id)
    _require_facilitator(by, workshop)
    if participant.agent_id is not None:
        raise ValidationError(_("Only a guest has a link."))
    key = secrets.token_urlsafe(24)
    participant.guest_key_digest = guest_key_digest(key)
    participant.save(update_fields=["guest_key_digest"])
    guest_revoked(workshop, participant.pk)
    audit_record(actor=by, action="workshop.guest_renew", target=workshop)
    return key
