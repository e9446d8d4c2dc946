"""The coffee pages: joining, preferences, leaving, and a group's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from riposte.coffee.models import Group, GroupMember, Membership
from riposte.coffee.services import membership_join, round_run
from riposte.coffee.video import room_url
from riposte.cooperations.models import Cooperation
from riposte.core.models import Notification
from tests.coffee.round_builders import MONDAY, member, org

pytestmark = pytest.mark.django_db
RUN_AT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
JOIN = {"frequency": "monthly", "group_size": "3", "preference": "sites",
        "availability": ["tue-am", "mon-pm"]}  # fmt: skip


def test_the_join_form_groups_half_days_by_day(client_for):
    page = client_for("agent").get(reverse("coffee:home")).content.decode()
    assert "action" not in page.split('id="join-title"')[1].split("<form")[1].split(">")[0]
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        assert f"<legend>{day}</legend>" in page
    assert 'name="availability" value="wed-pm"' in page


def test_joining_from_the_home_page(client_for, agent):
    response = client_for("agent").post(reverse("coffee:home"), JOIN, follow=True)
    membership = Membership.objects.get(agent=agent)
    assert (membership.frequency, membership.group_size) == ("monthly", 3)
    assert membership.availability == ["mon-pm", "tue-am"]
    page = response.content.decode()
    assert "Every month" in page and "Leave the coffee machine" in page


def test_unknown_half_days_are_refused_on_the_page(client_for, agent):
    response = client_for("agent").post(
        reverse("coffee:preferences"), {**JOIN, "availability": ["mon-am", "sat-am"]}
    )
    assert response.status_code == 200
    assert "sat-am is not one of the available choices" in response.content.decode()
    assert not Membership.objects.filter(agent=agent).exists()


def test_preferences_update_and_end_a_pause(client_for, agent):
    membership_join(agent=agent, paused_until=MONDAY)
    client = client_for("agent")
    page = client.get(reverse("coffee:preferences")).content.decode()
    assert 'value="2026-03-02"' in page
    client.post(reverse("coffee:preferences"), {**JOIN, "paused_until": ""})
    membership = Membership.objects.get(agent=agent)
    assert membership.paused_until is None and membership.preference == "sites"


def test_leaving_asks_first_then_deletes_the_preferences(client_for, agent):
    membership_join(agent=agent)
    client = client_for("agent")
    confirm = client.get(reverse("coffee:leave")).content.decode()
    assert "Yes, leave" in confirm
    assert Membership.objects.filter(agent=agent).exists()
    client.post(reverse("coffee:leave"))
    assert not Membership.objects.filter(agent=agent).exists()


def _group_with(client_for, agent, *, availability=()) -> Group:
    services = org()
    membership_join(agent=agent, frequency="weekly", availability=list(availability))
    member("bea@example.org", services["B1"], availability=["fri-pm"] if availability else [])
    (group,) = round_run(day=MONDAY, now=RUN_AT).groups
    return group


def test_the_group_page_shows_who_the_room_and_the_slot(client_for, agent):
    group = _group_with(client_for, agent)
    page = client_for("agent").get(reverse("coffee:group", args=[group.pk])).content.decode()
    assert "Bea" in page and room_url(group.room) in page
    assert reverse("coffee:group-ics", args=[group.pk]) in page
    home = client_for("agent").get(reverse("coffee:home")).content.decode()
    assert reverse("coffee:group", args=[group.pk]) in home


def test_without_a_common_half_day_the_page_says_so(client_for, agent):
    group = _group_with(client_for, agent, availability=["mon-am"])
    assert group.slot_start is None
    client = client_for("agent")
    page = client.get(reverse("coffee:group", args=[group.pk])).content.decode()
    assert "no half-day in common" in page and "Set the slot" in page
    assert client.get(reverse("coffee:group-ics", args=[group.pk])).status_code == 404


def test_the_invitation_downloads_as_a_calendar_file(client_for, agent):
    group = _group_with(client_for, agent)
    response = client_for("agent").get(reverse("coffee:group-ics", args=[group.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"METHOD:REQUEST" in response.content
    assert "attachment" in response["Content-Disposition"]


def test_moving_the_slot_into_the_past_is_refused(client_for, agent):
    group = _group_with(client_for, agent)
    before = group.slot_start
    past = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for("agent").post(
        reverse("coffee:group-move", args=[group.pk]), {"start": past}
    )
    assert response.status_code == 400
    assert "Choose a time to come." in response.content.decode()
    group.refresh_from_db()
    assert group.slot_start == before


def test_moving_the_slot(client_for, agent, mailoutbox, django_capture_on_commit_callbacks):
    group = _group_with(client_for, agent)
    when = (timezone.localtime() + dt.timedelta(days=4)).replace(hour=11, minute=15)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("agent").post(
            reverse("coffee:group-move", args=[group.pk]),
            {"start": when.strftime("%Y-%m-%dT%H:%M")},
            follow=True,
        )
    group.refresh_from_db()
    assert timezone.localtime(group.slot_start).strftime("%H:%M") == "11:15"
    assert group.slot_moved_by == agent
    # The one who moved it is told on the page only; the other gets the one e-mail.
    page = response.content.decode()
    assert "at 11:15; the others get the updated invitation by e-mail." in page
    assert [m.to for m in mailoutbox] == [["bea@example.org"]]
    assert not Notification.objects.filter(recipient=agent).exists()


def test_answering_after_the_coffee_and_proposing_a_cooperation(client_for, agent, facilitator):
    group = _group_with(client_for, agent)
    Group.objects.filter(pk=group.pk).update(
        slot_start=timezone.now() - dt.timedelta(hours=1),
        slot_end=timezone.now() - dt.timedelta(minutes=30),
    )
    client = client_for("agent")
    assert "Did you meet?" in client.get(reverse("coffee:group", args=[group.pk])).content.decode()
    client.post(
        reverse("coffee:group-answer", args=[group.pk]), {"met": "yes", "wants_cooperation": "on"}
    )
    row = GroupMember.objects.get(group=group, agent=agent)
    assert row.met is True and row.wants_cooperation is True
    assert Cooperation.objects.count() == 1


def test_the_answer_waits_for_the_slot(client_for, agent):
    group = _group_with(client_for, agent)
    soon = timezone.now() + dt.timedelta(days=1)
    Group.objects.filter(pk=group.pk).update(
        slot_start=soon, slot_end=soon + dt.timedelta(minutes=30)
    )
    client = client_for("agent")
    page = client.get(reverse("coffee:group", args=[group.pk])).content.decode()
    assert "Once the coffee has taken place" in page
    response = client.post(reverse("coffee:group-answer", args=[group.pk]), {"met": "yes"})
    assert response.status_code == 400
    assert GroupMember.objects.get(group=group, agent=agent).met is None


def test_a_non_member_gets_a_404_even_an_admin(client_for, agent):
    group = _group_with(client_for, agent)
    for role in ("facilitator", "admin"):
        client = client_for(role)
        assert client.get(reverse("coffee:group", args=[group.pk])).status_code == 404
        assert client.get(reverse("coffee:group-ics", args=[group.pk])).status_code == 404


def test_the_module_link_leads_to_the_coffee_home(client_for):
    response = client_for("agent").get(reverse("module", args=["coffee"]))
    assert (response.status_code, response["Location"]) == (302, reverse("coffee:home"))
