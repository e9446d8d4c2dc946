"""Coffee rooms: opening one, and the presence lists the pages and the websocket show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from riposte.coffee import rooms
from riposte.coffee.models import CoffeeRoom, Presence
from riposte.coffee.room_tasks import presence_purge_stale
from riposte.core.scheduler import periodic_jobs
from riposte.directory.models import Agent, Role
from tests.coffee.room_builders import make_room


@pytest.fixture
def room(facilitator) -> CoffeeRoom:
    return make_room(by=facilitator)


# --- room_create -------------------------------------------------------------------------------


def test_a_facilitator_opens_a_room_with_an_unguessable_video_room(facilitator, settings):
    settings.VIDEO_PROVIDER = "jitsi"
    settings.VIDEO_BASE_URL = "https://visio.example.org"
    first = make_room(by=facilitator, name="Pause des nouveaux arrivants", theme="Accueil")
    second = make_room(by=facilitator, name="Café des données")

    assert (first.slug, first.theme, first.is_open) == (
        "pause-des-nouveaux-arrivants",
        "Accueil",
        True,
    )
    assert first.room != second.room
    assert len(first.room) > len("riposte-cafe-") + 16
    assert rooms.room_url(first) == f"https://visio.example.org/{first.room}"


@pytest.mark.parametrize("role", [Role.AGENT, Role.DECISION_MAKER, Role.MODERATOR])
def test_other_roles_may_not_open_a_room(role, agent):
    agent.role = role
    agent.save()
    with pytest.raises(PermissionDenied):
        make_room(by=agent)
    assert not CoffeeRoom.objects.exists()


def test_a_room_name_is_unique_and_needs_a_letter(facilitator, room):
    with pytest.raises(ValidationError):
        make_room(by=facilitator)  # the same name again
    with pytest.raises(ValidationError) as refused:
        make_room(by=facilitator, name="!!!")
    assert "name" in refused.value.message_dict
    assert CoffeeRoom.objects.count() == 1


# --- presence ----------------------------------------------------------------------------------


def test_the_list_names_each_agent_once_whatever_their_tabs(room, agent, facilitator):
    rooms.presence_join(room=room, agent=agent, channel_name="tab-1")
    rooms.presence_join(room=room, agent=agent, channel_name="tab-2")
    rooms.presence_join(room=room, agent=facilitator, channel_name="tab-3")

    assert rooms.presence_list(room=room) == ["Célia Navarro", "Fanny Lebon"]
    assert Presence.objects.count() == 3

    assert rooms.presence_leave(channel_name="tab-1") == room.pk
    assert rooms.presence_list(room=room) == ["Célia Navarro", "Fanny Lebon"]
    rooms.presence_leave(channel_name="tab-2")
    assert rooms.presence_list(room=room) == ["Fanny Lebon"]


def test_leaving_twice_is_harmless(room, agent):
    rooms.presence_join(room=room, agent=agent, channel_name="tab-1")
    assert rooms.presence_leave(channel_name="tab-1") == room.pk
    assert rooms.presence_leave(channel_name="tab-1") is None
    assert not Presence.objects.exists()


def test_joining_again_on_a_channel_moves_its_row(room, agent, facilitator):
    other = make_room(by=facilitator, name="Café des données")
    rooms.presence_join(room=room, agent=agent, channel_name="tab-1")
    rooms.presence_join(room=other, agent=agent, channel_name="tab-1")

    assert rooms.presence_names(rooms=[room, other]) == {other.pk: ["Célia Navarro"]}


def test_an_agent_without_a_name_is_not_shown_by_email(room, service):
    nameless = Agent.objects.create_user("x.y@example.org", "pw", service=service)
    rooms.presence_join(room=room, agent=nameless, channel_name="tab-1")

    assert rooms.presence_list(room=room) == ["A colleague"]


def test_stale_rows_are_hidden_then_purged_and_a_heartbeat_keeps_a_row(room, agent, facilitator):
    rooms.presence_join(room=room, agent=agent, channel_name="alive")
    rooms.presence_join(room=room, agent=facilitator, channel_name="dead")
    long_ago = timezone.now() - rooms.PRESENCE_STALE - dt.timedelta(seconds=1)
    Presence.objects.update(seen_at=long_ago)

    assert rooms.presence_list(room=room) == []
    assert rooms.presence_touch(channel_name="alive") is True
    assert rooms.presence_list(room=room) == ["Célia Navarro"]

    assert presence_purge_stale.call() == 1
    assert list(Presence.objects.values_list("channel_name", flat=True)) == ["alive"]
    assert rooms.presence_touch(channel_name="dead") is False


def test_the_purge_is_a_periodic_job():
    assert "coffee.presence_purge" in {job.name for job in periodic_jobs()}


# --- pages -------------------------------------------------------------------------------------


def test_the_list_shows_who_is_in_each_room(client_for, room, agent, facilitator):
    empty = make_room(by=facilitator, name="Café des données")
    rooms.presence_join(room=room, agent=agent, channel_name="tab-1")
    rooms.presence_join(room=room, agent=agent, channel_name="tab-2")
    rooms.presence_join(room=room, agent=facilitator, channel_name="tab-3")

    page = client_for("moderator").get(reverse("coffee:rooms")).content.decode()

    assert "2 people there now: Célia Navarro, Fanny Lebon" in page
    assert "Nobody there right now." in page
    assert reverse("coffee:room", args=[room.slug]) in page
    assert reverse("coffee:room", args=[empty.slug]) in page
    assert 'name="name"' not in page  # no form to open a room for an agent


def test_a_closed_room_is_not_listed_nor_open(client_for, room):
    CoffeeRoom.objects.filter(pk=room.pk).update(is_open=False)
    client = client_for("agent")

    assert room.name not in client.get(reverse("coffee:rooms")).content.decode()
    assert client.get(reverse("coffee:room", args=[room.slug])).status_code == 404


def test_the_room_page_links_the_video_in_a_new_tab_and_the_presence(client_for, room):
    page = client_for("agent").get(reverse("coffee:room", args=[room.slug])).content.decode()

    assert f'href="{rooms.room_url(room)}" target="_blank" rel="noopener noreferrer"' in page
    assert f'data-url="/ws/coffee/rooms/{room.slug}/"' in page
    assert 'aria-live="polite"' in page
    assert "coffee/presence.js" in page


def test_a_facilitator_opens_a_room_from_the_list(client_for, facilitator):
    response = client_for("facilitator").post(
        reverse("coffee:rooms"), {"name": "Pause des nouveaux arrivants", "theme": "Accueil"}
    )

    room = CoffeeRoom.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/coffee/rooms/{room.slug}/")
    assert room.theme == "Accueil"


def test_a_refused_room_keeps_the_form_with_its_error(client_for, room):
    response = client_for("facilitator").post(reverse("coffee:rooms"), {"name": room.name})

    assert response.status_code == 200
    assert CoffeeRoom.objects.count() == 1
    assert "already exists" in response.content.decode()


def test_an_agent_may_not_post_a_room(client_for):
    response = client_for("agent").post(reverse("coffee:rooms"), {"name": "Mon café"})
    assert response.status_code == 403
    assert not CoffeeRoom.objects.exists()
