"""Who may do what in a workshop. Every view, the API and the websocket ask here first.

- Any agent may read any workshop (board, roadmap, report): an administration's workshops are
  open to its agents. A guest, who has no account, reads the one workshop their link opens.
- Participants (agents who joined, guests) post notes, move and group them, and vote, while the
  workshop is live; the author of a note (or a facilitator) edits or deletes it.
- The workshop's facilitators (and administrators) run it: structure, timer, reveal, lock,
  "bring everyone", participants, guests, the roadmap. Agents with the facilitator role create
  workshops.
- A closed workshop is read only, for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from riposte.directory.models import Role
from riposte.workshops.models import Participant, Workshop, WorkshopStatus

# The session key holding {workshop id: guest_seat(participant)} for the guests this browser
# came as.
GUEST_SESSION_KEY = "workshop_guests"


@dataclass(frozen=True)
class Viewer:
    """Who looks at a workshop: an agent (perhaps a participant), or a guest participant."""

    agent: Any  # an Agent, or None for a guest
    participant: Participant | None
    facilitates: bool

    @property
    def is_guest(self) -> bool:
        return self.agent is None

    @property
    def name(self) -> str:
        if self.participant is not None:
            return self.participant.display_name
        return str(self.agent)


def can_create(agent: Any) -> bool:
    return bool(agent.is_authenticated and agent.has_role(Role.FACILITATOR))


def facilitates(agent: Any, workshop: Workshop) -> bool:
    if not agent.is_authenticated or not agent.is_active:
        return False
    if agent.role == Role.ADMIN:
        return True
    return workshop.facilitators.filter(pk=agent.pk).exists()


def guest_participant(session: Any, workshop: Workshop) -> Participant | None:
    """The guest this browser came as in this workshop, if any, and if their link is still the
    one it came through: renewing a guest's link also ends the browsers already inside."""
    guests = session.get(GUEST_SESSION_KEY) or {}
    seat = guests.get(str(workshop.pk))
    if not isinstance(seat, list | tuple) or len(seat) != 2:
        return None
    participant_id, key_digest = seat
    return Participant.objects.filter(
        pk=participant_id, workshop=workshop, agent__isnull=True, guest_key_digest=key_digest
    ).first()


def guest_seat(participant: Participant) -> list[Any]:
    """What the session keeps of a guest's seat (see guest_participant)."""
    return [participant.pk, participant.guest_key_digest]


def viewer_for(user: Any, session: Any, workshop: Workshop) -> Viewer:
    """The viewer, or Http404: a guest of another workshop learns nothing about this one."""
    if user.is_authenticated and user.is_active:
        participant = Participant.objects.filter(workshop=workshop, agent=user).first()
        return Viewer(agent=user, participant=participant, facilitates=facilitates(user, workshop))
    guest = guest_participant(session, workshop)
    if guest is None:
        raise Http404
    return Viewer(agent=None, participant=guest, facilitates=False)


def guest_or_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the pages a workshop's guest sees too. An anonymous visitor who did not come through a
    guest link is sent to the login page, as everywhere else; a guest goes on to `viewer`, which
    answers 404 outside their workshop."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and not request.session.get(GUEST_SESSION_KEY):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def viewer(request: HttpRequest, workshop: Workshop) -> Viewer:
    return viewer_for(request.user, request.session, workshop)


def can_participate(viewer: Viewer, workshop: Workshop) -> bool:
    """Post, move, group, vote."""
    return viewer.participant is not None and workshop.status == WorkshopStatus.LIVE


def can_join(viewer: Viewer, workshop: Workshop) -> bool:
    """An agent joins a workshop that is not closed by themselves."""
    return viewer.agent is not None and viewer.participant is None and not workshop.is_closed


def can_facilitate(viewer: Viewer, workshop: Workshop) -> bool:
    return viewer.facilitates and not workshop.is_closed


def can_edit_note(viewer: Viewer, workshop: Workshop, author_id: int) -> bool:
    if workshop.is_closed:
        return False
    if viewer.facilitates:
        return True
    return (
        workshop.status == WorkshopStatus.LIVE
        and viewer.participant is not None
        and viewer.participant.pk == author_id
    )
