"""The workshop's pages as their users try them: the list and its filters, creating a workshop
(with the template, the pitch's preview, co-facilitators), its page, opening and closing it, its
structure, its participants and the guests' secret links. Who may reach each page is in the
access tables (access_structure.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from riposte.directory.models import Role
from riposte.workshops import rules
from riposte.workshops.models import Note, Participant, Step, Workshop, WorkshopStatus
from riposte.workshops.services import guest_key_renew, participant_join
from tests.workshops.builders import (
    guest_client,
    guest_url,
    invite,
    make_agent,
    make_workshop,
    set_status,
)

pytestmark = pytest.mark.django_db

NEW = "/workshops/new/"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _form(**fields) -> dict:
    data = {
        "title": "Pérenniser le hors-norme",
        "group_name": "Riposte créative territoriale",
        "held_on": "2020-11-18",
        "place": "Bobigny",
        "video_url": "https://visio.example.org/perenniser",
        "pitch": "Bonjour à **toutes et tous**.",
        "dots_per_participant": "5",
        "template": "on",
        "axes": "Urgences et coopérations\r\nL'informel à distance",
    }
    data.update(fields)
    return data


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_live_then_coming_then_past(client_for, facilitator):
    make_workshop(by=facilitator, title="Atelier passé", status=WorkshopStatus.CLOSED)
    make_workshop(by=facilitator, title="Atelier en direct", status=WorkshopStatus.LIVE)
    make_workshop(by=facilitator, title="Atelier à venir", held_on=dt.date(2030, 1, 1))

    page = _page(client_for("agent").get("/workshops/"))

    order = [page.index(t) for t in ("Atelier en direct", "Atelier à venir", "Atelier passé")]
    assert order == sorted(order)
    assert page.index("Live now") < page.index("Coming up") < page.index("Past workshops")
    assert "Fanny Lebon" in page  # its facilitator


def test_the_list_searches_titles_without_accents_and_filters_by_status(client_for, facilitator):
    make_workshop(by=facilitator, title="Pérenniser le hors-norme", status=WorkshopStatus.LIVE)
    make_workshop(by=facilitator, title="Cafés en visio")
    client = client_for("agent")

    page = _page(client.get("/workshops/", {"q": "perenniser"}))
    assert "Pérenniser le hors-norme" in page and "Cafés en visio" not in page

    page = _page(client.get("/workshops/", {"status": "preparing"}))
    assert "Cafés en visio" in page and "Pérenniser le hors-norme" not in page

    page = _page(client.get("/workshops/", {"q": "nothing like it"}))
    assert "No workshop matches these filters." in page


def test_the_list_answers_htmx_with_the_results_only(client_for, facilitator):
    make_workshop(by=facilitator, title="Cafés en visio")
    response = client_for("agent").get("/workshops/", {"q": "cafe"}, headers={"HX-Request": "true"})
    page = _page(response)
    assert page.lstrip().startswith('<div id="results">')
    assert "Cafés en visio" in page
    assert "<html" not in page


def test_past_workshops_come_by_pages(client_for, facilitator):
    for n in range(22):
        make_workshop(
            by=facilitator,
            title=f"Atelier {n:02}",
            held_on=dt.date(2020, 1, 1) + dt.timedelta(days=n),
            status=WorkshopStatus.CLOSED,
        )
    client = client_for("agent")
    first = _page(client.get("/workshops/"))
    assert "Atelier 21" in first and "Atelier 01" not in first
    second = _page(client.get("/workshops/", {"page": 2}))
    assert "Atelier 01" in second and "Atelier 21" not in second


def test_the_create_button_is_for_the_support_team(client_for):
    page = _page(client_for("agent").get("/workshops/"))
    assert NEW not in page
    assert 'href="/workshops/roadmap/"' in page  # the milestones of every workshop, for all
    assert NEW in _page(client_for("facilitator").get("/workshops/"))


def test_the_home_page_links_to_the_module(client_for):
    page = _page(client_for("agent").get("/"))
    assert 'href="/workshops/"' in page
    assert 'href="/m/workshops/"' not in page


# --- creating ----------------------------------------------------------------------------------


def test_the_form_starts_with_the_template_and_its_four_axes(client_for):
    page = _page(client_for("facilitator").get(NEW))
    assert re.search(r'<input type="checkbox" name="template"[^>]* checked', page)
    for title in ("Emergencies and cooperations", "The informal, remotely"):
        assert title in page


def test_co_facilitators_are_chosen_among_the_support_team(client_for, actors, agent):
    olga = make_agent("olga@example.org", role=Role.FACILITATOR, last_name="Autre")
    page = _page(client_for("facilitator").get(NEW))
    offered = {int(pk) for pk in re.findall(r'name="facilitators" value="(\d+)"', page)}
    # Not the agent (not in the support team), nor the creator (who facilitates it anyway).
    assert offered == {olga.pk, actors["admin"].pk}

    response = client_for("facilitator").post(NEW, _form(facilitators=[agent.pk]))
    assert response.status_code == 200
    assert not Workshop.objects.exists()


def test_creating_a_workshop_with_the_template_and_the_axes_typed(client_for, facilitator):
    olga = make_agent("olga@example.org", role=Role.FACILITATOR)

    response = client_for("facilitator").post(NEW, _form(facilitators=[olga.pk]))

    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workshops/{workshop.pk}/"
    assert list(workshop.axes.values_list("title", flat=True)) == [
        "Urgences et coopérations",
        "L'informel à distance",
    ]
    assert Step.objects.filter(axis__workshop=workshop).count() == 6
    assert set(workshop.facilitators.all()) == {facilitator, olga}
    assert workshop.video_url == "https://visio.example.org/perenniser"
    assert workshop.held_on == dt.date(2020, 11, 18)
    assert "<strong>toutes et tous</strong>" in workshop.pitch_html


def test_creating_without_the_template(client_for):
    data = _form()
    del data["template"]
    client_for("facilitator").post(NEW, data)
    assert not Workshop.objects.get().axes.exists()


def test_the_template_needs_an_axis(client_for):
    page = _page(client_for("facilitator").post(NEW, _form(axes="  \r\n ")))
    assert "Give at least one axis, or untick the template to start empty." in page
    assert not Workshop.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("held_on", "18/11/2020x"),
        ("dots_per_participant", "0"),
        ("video_url", "pas une adresse"),
    ],
)
def test_bad_input_is_refused_and_kept(client_for, field, value):
    page = _page(client_for("facilitator").post(NEW, _form(**{field: value})))
    assert "There is a problem" in page
    assert "Bonjour à **toutes et tous**." in page  # what was typed is still there
    assert not Workshop.objects.exists()


def test_a_pitch_of_50000_characters_is_refused(client_for):
    page = _page(client_for("facilitator").post(NEW, _form(pitch="x" * 50_000)))
    assert "There is a problem" in page
    assert not Workshop.objects.exists()


def test_the_pitch_preview_shows_the_markdown_without_saving_nor_errors(client_for):
    response = client_for("facilitator").post(
        NEW, {"pitch": "Venez **dépasser** les bornes <script>alert(1)</script>", "preview": "1"}
    )
    page = _page(response)
    assert "Preview of the pitch" in page
    assert "<strong>dépasser</strong>" in page
    assert "<script>alert" not in page
    assert "There is a problem" not in page  # the title is not typed yet: no error for it
    assert not Workshop.objects.exists()


def test_the_pitch_preview_over_htmx_is_the_fragment(client_for):
    response = client_for("facilitator").post(
        NEW, {"pitch": "- un\n- deux", "preview": "1"}, headers={"HX-Request": "true"}
    )
    page = _page(response)
    assert "<li>un</li>" in page
    assert "<html" not in page and "<form" not in page


# --- editing -----------------------------------------------------------------------------------


def test_editing_shows_the_workshop_and_saves_it(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    client = client_for("facilitator")
    url = f"/workshops/{workshop.pk}/edit/"
    page = _page(client.get(url))
    assert 'value="Pérenniser le hors-norme"' in page
    assert 'name="template"' not in page  # the structure has its own page

    data = _form(title="Pérenniser, encore", facilitators=[facilitator.pk])
    response = client.post(url, data)
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Pérenniser, encore"
    assert workshop.axes.count() == 4  # the axes typed are for creating only


def test_editing_needs_a_facilitator(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    page = _page(
        client_for("facilitator").post(f"/workshops/{workshop.pk}/edit/", _form(facilitators=[]))
    )
    assert "There is a problem" in page
    assert list(workshop.facilitators.all()) == [facilitator]


def test_a_closed_workshop_is_not_edited(client_for, facilitator):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.CLOSED)
    response = client_for("facilitator").get(f"/workshops/{workshop.pk}/edit/", follow=True)
    assert "This workshop is closed: nothing can be changed in it." in _messages(response)


# --- the workshop's page -----------------------------------------------------------------------


def test_the_page_shows_the_workshop(client_for, facilitator, agent):
    workshop = make_workshop(by=facilitator, video_url="https://visio.example.org/x")
    _guest, _key = invite(workshop, "Claire Martin (CCAS)")

    page = _page(client_for("agent").get(workshop.get_absolute_url()))

    assert "<strong>pérenniser</strong>" in page
    assert "Bobigny, salle du conseil" in page
    assert 'href="https://visio.example.org/x"' in page
    assert "Emergencies and cooperations" in page and "Through which stages?" in page
    assert "Claire Martin (CCAS)" in page and "Fanny Lebon" in page
    assert f'href="/workshops/{workshop.pk}/board/"' in page
    assert f'href="/workshops/{workshop.pk}/roadmap/"' in page
    assert f'href="/workshops/{workshop.pk}/report/"' in page
    assert f'action="/workshops/{workshop.pk}/join/"' in page  # not a participant yet
    assert "Facilitation" not in page


def test_a_participant_is_not_offered_to_join_again(client_for, facilitator, agent):
    workshop = make_workshop(by=facilitator)
    participant_join(workshop=workshop, agent=agent)
    page = _page(client_for("agent").get(workshop.get_absolute_url()))
    assert f'action="/workshops/{workshop.pk}/join/"' not in page


def test_its_facilitator_runs_it_from_its_page(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    page = _page(client_for("facilitator").get(workshop.get_absolute_url()))
    for url in ("edit", "structure", "participants"):
        assert f'href="/workshops/{workshop.pk}/{url}/"' in page
    assert 'name="status" value="live"' in page
    assert 'name="status" value="closed"' in page


def test_the_facilitator_of_another_workshop_does_not(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    olga = make_agent("olga@example.org", role=Role.FACILITATOR)
    client = Client()
    client.force_login(olga)
    page = _page(client.get(workshop.get_absolute_url()))
    assert f'href="/workshops/{workshop.pk}/edit/"' not in page


def test_an_unknown_workshop_is_404(client_for):
    assert client_for("agent").get("/workshops/999999/").status_code == 404


# --- opening and closing -----------------------------------------------------------------------


def test_opening_then_closing(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    client = client_for("facilitator")
    url = f"/workshops/{workshop.pk}/status/"

    response = client.post(url, {"status": "live"}, follow=True)
    assert "The board is open: participants can post notes and vote." in _messages(response)
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.LIVE

    client.post(url, {"status": "closed"})
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.CLOSED
    page = _page(client.get(workshop.get_absolute_url()))
    assert "Facilitation" not in page  # read only now

    response = client.post(url, {"status": "live"}, follow=True)
    assert "This workshop is closed: it cannot be reopened." in _messages(response)
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.CLOSED


def test_an_unknown_status_is_refused(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    response = client_for("facilitator").post(
        f"/workshops/{workshop.pk}/status/", {"status": "preparing"}, follow=True
    )
    assert "Unknown status." in _messages(response)


# --- the structure -----------------------------------------------------------------------------


def _structure(workshop: Workshop) -> list[tuple[str, list[str]]]:
    return [
        (a.title, list(a.steps.order_by("position").values_list("title", flat=True)))
        for a in workshop.axes.order_by("position")
    ]


def test_the_structure_page_lists_axes_and_steps_with_their_buttons(client_for, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A", "B"])
    a, b = workshop.axes.order_by("position")
    page = _page(client_for("facilitator").get(f"/workshops/{workshop.pk}/structure/"))
    assert f'id="axis-{a.pk}"' in page and f'id="axis-{b.pk}"' in page
    # The first axis moves down only, the last up only.
    assert page.count(f'action="/workshops/axes/{a.pk}/move/"') == 1
    assert page.count(f'action="/workshops/axes/{b.pk}/move/"') == 1
    assert "Move up" in page and "Move down" in page
    # Every button says what it acts on, for a screen reader.
    assert "the axis “A”" in page
    assert page.count('action="/workshops/steps/') == 6 * 4 - 4  # 3 per axis, minus ends


def test_a_facilitator_shapes_the_structure(client_for, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A", "B"])
    a, b = workshop.axes.order_by("position")
    client = client_for("facilitator")

    response = client.post(f"/workshops/{workshop.pk}/axes/", {"title": "C"})
    c = workshop.axes.get(title="C")
    assert response["Location"] == f"/workshops/{workshop.pk}/structure/#axis-{c.pk}"
    client.post(f"/workshops/axes/{c.pk}/move/", {"direction": "up"})
    client.post(f"/workshops/axes/{a.pk}/rename/", {"title": "Urgences"})
    client.post(f"/workshops/axes/{b.pk}/delete/")
    step = c.steps.order_by("position").last()
    client.post(f"/workshops/steps/{step.pk}/rename/", {"title": "Jalons"})
    client.post(f"/workshops/steps/{step.pk}/move/", {"direction": "up"})
    client.post(f"/workshops/axes/{c.pk}/steps/", {"title": "Qui ?"})
    first = a.steps.order_by("position").first()
    client.post(f"/workshops/steps/{first.pk}/delete/")

    assert _structure(workshop) == [
        ("Urgences", ["With which resources or levers?", "Through which stages?"]),
        ("C", ["Where to go?", "Jalons", "With which resources or levers?", "Qui ?"]),
    ]


def test_an_axis_or_step_with_notes_is_kept(client_for, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"], status=WorkshopStatus.LIVE)
    axis = workshop.axes.get()
    step = axis.steps.first()
    me = Participant.objects.get(workshop=workshop, agent=facilitator)
    Note.objects.create(step=step, author=me, text="Ne pas perdre")
    client = client_for("facilitator")

    page = _page(client.get(f"/workshops/{workshop.pk}/structure/"))
    assert f'action="/workshops/steps/{step.pk}/delete/"' not in page
    assert f'action="/workshops/axes/{axis.pk}/delete/"' not in page
    assert "Holds notes: kept." in page

    response = client.post(f"/workshops/steps/{step.pk}/delete/", follow=True)
    assert "This step has notes: it cannot be deleted." in _messages(response)
    response = client.post(f"/workshops/axes/{axis.pk}/delete/", follow=True)
    assert "This axis has notes or milestones: it cannot be deleted." in _messages(response)
    assert Step.objects.filter(pk=step.pk).exists()


def test_an_empty_or_too_long_title_is_refused_with_a_message(client_for, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"])
    axis = workshop.axes.get()
    client = client_for("facilitator")
    response = client.post(f"/workshops/axes/{axis.pk}/rename/", {"title": "  "}, follow=True)
    assert _messages(response) == ["This field is required."]
    response = client.post(f"/workshops/{workshop.pk}/axes/", {"title": "x" * 201}, follow=True)
    assert "Ensure this value has at most 200 characters (it has 201)." in _messages(response)
    assert _structure(workshop)[0][0] == "A" and workshop.axes.count() == 1


def test_a_bad_direction_moves_nothing(client_for, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A", "B"])
    a = workshop.axes.get(title="A")
    client_for("facilitator").post(f"/workshops/axes/{a.pk}/move/", {"direction": "sideways"})
    assert [t for t, _s in _structure(workshop)] == ["A", "B"]


def test_the_structure_of_a_live_workshop_still_changes(client_for, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"], status=WorkshopStatus.LIVE)
    client_for("facilitator").post(f"/workshops/{workshop.pk}/axes/", {"title": "B"})
    assert workshop.axes.count() == 2


def test_a_closed_workshops_structure_is_not_changed(client_for, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"], status=WorkshopStatus.CLOSED)
    axis = workshop.axes.get()
    response = client_for("facilitator").post(
        f"/workshops/axes/{axis.pk}/rename/", {"title": "B"}, follow=True
    )
    assert "This workshop is closed: nothing can be changed in it." in _messages(response)
    axis.refresh_from_db()
    assert axis.title == "A"


# --- participants and guests -------------------------------------------------------------------


def test_an_agent_joins_by_themselves(client_for, facilitator, agent):
    workshop = make_workshop(by=facilitator)
    response = client_for("agent").post(f"/workshops/{workshop.pk}/join/", follow=True)
    assert "You take part in this workshop." in _messages(response)
    assert workshop.participants.filter(agent=agent).exists()
    page = _page(client_for("agent").get(f"/workshops/{workshop.pk}/participants/"))
    assert "Célia Navarro" in page
    assert "Invite a guest" not in page


def test_nobody_joins_a_closed_workshop(client_for, facilitator, agent):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.CLOSED)
    response = client_for("agent").post(f"/workshops/{workshop.pk}/join/", follow=True)
    assert "This workshop is closed." in _messages(response)
    assert not workshop.participants.filter(agent=agent).exists()


def _link(page: str) -> str:
    found = re.search(r'id="guest-link-url" class="token" value="([^"]+)"', page)
    assert found, "no secret link on the page"
    return found.group(1)


def test_a_facilitator_invites_a_guest_and_sees_the_link_once(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    client = client_for("facilitator")

    response = client.post(f"/workshops/{workshop.pk}/guests/", {"name": "Claire Martin (CCAS)"})

    assert response["Location"] == f"/workshops/{workshop.pk}/participants/#guest-link"
    shown = client.get(f"/workshops/{workshop.pk}/participants/")
    link = _link(_page(shown))
    assert link.startswith("http://testserver/workshops/guest/")
    assert "no-store" in shown["Cache-Control"]
    guest = workshop.participants.get(guest_name="Claire Martin (CCAS)")
    assert guest.agent is None
    # Once: the page seen again (or reloaded) does not hold it, and nobody else was invited.
    again = _page(client.get(f"/workshops/{workshop.pk}/participants/"))
    assert link not in again and 'id="guest-link-url"' not in again
    assert "Claire Martin (CCAS)" in again
    assert workshop.participants.filter(agent__isnull=True).count() == 1
    # The database holds its digest only.
    key = link.rstrip("/").rsplit("/", 1)[1]
    assert key not in guest.guest_key_digest


def test_the_link_shows_on_its_own_workshops_page_only(client_for, facilitator):
    one = make_workshop(by=facilitator)
    two = make_workshop(by=facilitator, title="Deux")
    client = client_for("facilitator")
    client.post(f"/workshops/{one.pk}/guests/", {"name": "Claire"})
    assert 'id="guest-link-url"' not in _page(client.get(f"/workshops/{two.pk}/participants/"))


def test_a_guest_without_a_name_is_refused(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    page = _page(client_for("facilitator").post(f"/workshops/{workshop.pk}/guests/", {"name": " "}))
    assert "There is a problem" in page
    assert 'id="guest-link-url"' not in page
    assert not workshop.participants.filter(agent__isnull=True).exists()


def test_a_renewed_link_replaces_the_old_one(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    guest, old_key = invite(workshop)
    client = client_for("facilitator")
    page = _page(client.post(f"/workshops/guests/{guest.pk}/renew/", follow=True))
    new_link = _link(page)

    assert Client().get(guest_url(old_key)).status_code == 404
    response = Client().get(new_link.replace("http://testserver", ""))
    assert response.status_code == 302


def test_an_agents_seat_has_no_link_to_renew(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    me = Participant.objects.get(workshop=workshop, agent=facilitator)
    assert client_for("facilitator").post(f"/workshops/guests/{me.pk}/renew/").status_code == 404


def test_the_guest_link_opens_the_board_of_that_workshop(facilitator):
    workshop = make_workshop(by=facilitator)
    guest, key = invite(workshop)
    client = Client()

    response = client.get(guest_url(key))

    assert response.status_code == 302
    assert response["Location"] == f"/workshops/{workshop.pk}/board/"
    assert client.session[rules.GUEST_SESSION_KEY] == {str(workshop.pk): rules.guest_seat(guest)}


def test_the_guest_sees_their_workshop_and_nothing_else(facilitator):
    workshop = make_workshop(by=facilitator)
    other = make_workshop(by=facilitator, title="Un autre atelier")
    _guest, key = invite(workshop, "Claire Martin")
    client = guest_client(key)

    page = _page(client.get(workshop.get_absolute_url()))
    assert "You take part as a guest: Claire Martin." in page
    assert 'class="main-nav"' not in page  # no menu of the other modules
    assert "/directory/" not in page  # nor the directory's pages of the participants
    assert f'href="/workshops/{workshop.pk}/participants/"' not in page
    assert 'href="/workshops/"' not in page
    # The logo leads back to the workshop, not to a login page; for agents, to their home.
    home = f'class="brand" href="/workshops/{workshop.pk}/"'
    for url in ("board/", "roadmap/", "report/", ""):
        assert home in _page(client.get(f"{workshop.get_absolute_url()}{url}")), url
    agent = Client()
    agent.force_login(facilitator)
    assert 'class="brand" href="/"' in _page(agent.get(workshop.get_absolute_url()))

    # Any other workshop is a page that does not exist; the other pages want a login.
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get("/workshops/999999/").status_code == 404
    for url in ("/workshops/", "/", "/initiatives/", f"/workshops/{workshop.pk}/participants/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    assert client.get("/api/workshops").status_code == 401


def test_an_unknown_link_says_so_clearly(client_for):
    response = Client().get(guest_url("not-a-key"))
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link opens no workshop" in page
    assert "Ask the workshop's facilitator for your link again." in page
    assert Client().get(guest_url("k" * 500)).status_code == 404


def test_a_renewed_guest_link_also_ends_the_browsers_already_in(facilitator):
    """A facilitator renews a link that leaked: whoever came in through the old one is out."""
    workshop = make_workshop(by=facilitator)
    guest, key = invite(workshop)
    client = guest_client(key)
    assert client.get(workshop.get_absolute_url()).status_code == 200
    new_key = guest_key_renew(participant=guest, by=facilitator)
    assert client.get(workshop.get_absolute_url()).status_code == 404
    assert guest_client(new_key).get(workshop.get_absolute_url()).status_code == 200


def test_an_agent_with_a_guest_link_takes_part_as_themselves(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    _guest, key = invite(workshop, "Claire Martin")
    client = client_for("agent")
    response = client.get(guest_url(key), follow=False)
    assert response.status_code == 302
    assert rules.GUEST_SESSION_KEY not in client.session
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "You take part as a guest" not in page


def test_a_guest_of_two_workshops_keeps_both(facilitator):
    one = make_workshop(by=facilitator)
    two = set_status(make_workshop(by=facilitator, title="Deux"), WorkshopStatus.LIVE)
    _g1, key1 = invite(one)
    _g2, key2 = invite(two)
    client = guest_client(key1)
    client.get(guest_url(key2))
    assert client.get(one.get_absolute_url()).status_code == 200
    assert client.get(two.get_absolute_url()).status_code == 200


# --- the admin ---------------------------------------------------------------------------------


def test_an_administrator_finds_a_workshop_in_the_admin_without_the_guests_keys(
    client_for, facilitator
):
    workshop = make_workshop(by=facilitator)
    guest, key = invite(workshop, "Claire Martin")
    client = client_for("admin")
    assert "Pérenniser le hors-norme" in _page(client.get("/admin/workshops/workshop/?q=renniser"))
    page = _page(client.get(f"/admin/workshops/workshop/{workshop.pk}/change/"))
    assert "Claire Martin" in page and "Emergencies and cooperations" in page
    assert guest.guest_key_digest not in page and key not in page


def test_a_pitch_changed_in_the_admin_is_rendered(client_for, facilitator):
    workshop = make_workshop(by=facilitator)
    client = client_for("admin")
    url = f"/admin/workshops/workshop/{workshop.pk}/change/"
    data = {
        "title": workshop.title,
        "group_name": "",
        "held_on": "2020-11-18",
        "place": "",
        "video_url": "",
        "pitch": "Un *nouveau* pitch",
        "dots_per_participant": "5",
        "facilitators": [facilitator.pk],
        "created_by": facilitator.pk,
        "axes-TOTAL_FORMS": "4",
        "axes-INITIAL_FORMS": "4",
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "1",
    }
    for n, axis in enumerate(workshop.axes.all()):
        data[f"axes-{n}-id"] = axis.pk
        data[f"axes-{n}-workshop"] = workshop.pk
    data["participants-0-id"] = workshop.participants.get().pk
    data["participants-0-workshop"] = workshop.pk
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    workshop.refresh_from_db()
    assert workshop.pitch_html == "<p>Un <em>nouveau</em> pitch</p>\n"
