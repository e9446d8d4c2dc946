"""The coffee machine's path for a new agent, as issue 6 describes it, with axe on every page.

The agent joins the coffee machine; the IT team runs the week's round (`riposte coffee-round`);
the agent finds the group, downloads the calendar invitation, moves the slot; once the coffee
has taken place, answers "did you meet?" and "we'd like to work together", which proposes a
cooperation between the two services to the support team.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect

from riposte.coffee.models import Group, GroupMember, Membership
from riposte.coffee.services import membership_join
from riposte.coffee.video import room_url
from riposte.cooperations.models import Cooperation
from riposte.directory.models import Agent, Role, Service
from tests.browser.conftest import check_axe, french_page, login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(world) -> dict:
    newcomer = Agent.objects.create_user(
        "nadia@example.org", PASSWORD, role=Role.AGENT, service=world["service"],
        first_name="Nadia", last_name="Ferhat", language="fr",
    )  # fmt: skip
    roads = Service.objects.create(code="DVD", name="Direction de la voirie", level="direction")
    colleague = Agent.objects.create_user(
        "victor@example.org", PASSWORD, service=roads, first_name="Victor", last_name="Hamon"
    )
    membership_join(agent=colleague, frequency="weekly")
    return {**world, "newcomer": newcomer, "colleague": colleague}


def test_join_get_paired_open_the_invitation_move_the_slot_and_answer(
    browser: Browser, site_url, scene
):
    newcomer, colleague = scene["newcomer"], scene["colleague"]
    page = french_page(browser)
    login(page, site_url, newcomer.email)

    # Join, every week, free on Tuesday and Thursday mornings.
    page.goto(f"{site_url}/coffee/")
    check_axe(page, "the coffee machine, not a member yet")
    page.locator("#id_frequency").select_option("weekly")
    for slot in ("tue-am", "thu-am"):
        page.locator(f"#id_availability_{slot}").check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".message-success, .message").first).to_be_visible()
    assert Membership.objects.get(agent=newcomer).availability == ["tue-am", "thu-am"]
    check_axe(page, "the coffee machine, member")

    # The week's round, run from the command line.
    out = io.StringIO()
    call_command("coffee_round", stdout=out)
    group = Group.objects.get(members__agent=newcomer)
    assert set(group.members.values_list("agent__email", flat=True)) == {
        newcomer.email, colleague.email,
    }  # fmt: skip

    # The group's page: the colleague, the video room, the invitation.
    page.goto(f"{site_url}/coffee/")
    page.locator(f"a[href='/coffee/groups/{group.pk}/']").first.click()
    expect(page.locator("main")).to_contain_text("Victor Hamon")
    expect(page.locator(f"a[href='{room_url(group.room)}']")).to_be_visible()
    check_axe(page, "the group's page")
    with page.expect_download() as download:
        page.locator(f"a[href='/coffee/groups/{group.pk}/invite.ics']").click()
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert room_url(group.room) in str(event.get("URL", "")) + str(event.get("LOCATION", ""))

    # Move the slot to next Friday at 11:00.
    friday = timezone.localdate() + dt.timedelta(days=(4 - timezone.localdate().weekday()) % 7 + 7)
    page.locator("#id_start").fill(f"{friday.isoformat()}T11:00")
    page.locator(f"form[action='/coffee/groups/{group.pk}/move/'] button").click()
    expect(page.locator("main")).to_contain_text("11:00")
    group.refresh_from_db()
    assert timezone.localtime(group.slot_start).replace(tzinfo=None) == dt.datetime.combine(
        friday, dt.time(11, 0)
    )
    check_axe(page, "the group's page, slot moved")

    # The coffee took place (its time is moved into the past): the agent answers.
    start = timezone.now() - dt.timedelta(hours=2)
    Group.objects.filter(pk=group.pk).update(
        slot_start=start, slot_end=start + dt.timedelta(minutes=30)
    )
    page.reload()
    page.locator("input[name=met][value=yes]").check()
    page.locator("#id_wants_cooperation").check()
    page.locator(f"form[action='/coffee/groups/{group.pk}/answer/'] button").click()
    expect(page.locator("main")).to_be_visible()
    mine = GroupMember.objects.get(group=group, agent=newcomer)
    assert (mine.met, mine.wants_cooperation) == (True, True)
    # A cooperation between the two services is proposed to the support team.
    assert Cooperation.objects.filter(status="suggested").count() == 1
    check_axe(page, "the group's page, answered")
