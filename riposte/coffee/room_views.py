"""Pages of the always-open coffee rooms: the list, with who is in each now, and a room's page,
which joins the room's presence (static/coffee/presence.js over consumers.py) and links to its
video room. Facilitators open new rooms from the list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from riposte.coffee import rooms
from riposte.coffee.models import CoffeeRoom
from riposte.coffee.room_forms import RoomForm
from riposte.core.forms import add_errors
from riposte.core.http import AgentRequest


@login_required
def room_list(request: AgentRequest) -> HttpResponse:
    form = None
    if request.user.is_facilitator:
        form = RoomForm(request.POST if request.method == "POST" else None)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            room = rooms.room_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The room is open."))
            return redirect("coffee:room", slug=room.slug)
    listed = rooms.rooms_open()
    names = rooms.presence_names(rooms=listed)
    entries = [(room, names.get(room.pk, [])) for room in listed]
    return render(request, "coffee/rooms.html", {"entries": entries, "form": form})


@login_required
def room_detail(request: AgentRequest, slug: str) -> HttpResponse:
    room = get_object_or_404(CoffeeRoom.objects.select_related("site"), slug=slug, is_open=True)
    context = {
        "room": room,
        "video_url": rooms.room_url(room),
        "present": rooms.presence_list(room=room),
        "heartbeat": int(rooms.HEARTBEAT.total_seconds()),
    }
    return render(request, "coffee/room.html", context)
