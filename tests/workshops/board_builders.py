"""Helpers of the board's tests: the scene's workshop opened, its people as rules.Viewer, notes
posted through the services."""

from __future__ import annotations

from typing import Any

from riposte.workshops import board, rules
from riposte.workshops.models import Note, Step, Workshop, WorkshopStatus
from tests.workshops.builders import Scene, set_status


def steps_of(workshop: Workshop) -> list[Step]:
    return list(
        Step.objects.filter(axis__workshop=workshop)
        .select_related("axis")
        .order_by("axis__position", "axis_id", "position", "id")
    )


def opened(scene: Scene) -> Workshop:
    scene.workshop = set_status(scene.workshop, WorkshopStatus.LIVE)
    return scene.workshop


def viewer(scene: Scene, role: str, workshop: Workshop | None = None) -> rules.Viewer:
    """How `role` of the scene sees `workshop` (the scene's own by default)."""
    workshop = workshop or scene.workshop
    if role in scene.guests:
        guest = scene.guests[role]
        session = {rules.GUEST_SESSION_KEY: {str(guest.workshop_id): rules.guest_seat(guest)}}

        class _Anonymous:
            is_authenticated = False
            is_active = False

        return rules.viewer_for(_Anonymous(), session, workshop)
    return rules.viewer_for(scene.people[role], {}, workshop)


def post(scene: Scene, role: str, text: str, *, step: Step | None = None, **kw: Any) -> Note:
    step = step or steps_of(scene.workshop)[0]
    return board.note_post(step=step, by=viewer(scene, role), text=text, **kw)
