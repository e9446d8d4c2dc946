"""The board's pages and forms (board_views.py), as a browser without JavaScript sends them (POST,
then a redirect back to the place on the board) and as board.js does (an HX-Request header: the
answer is the fragment that changed). Who may do what is in access_board.py; here, what they get."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from riposte.workshops import board
from riposte.workshops.models import NOTE_MAX, Dot, Note, Workshop, WorkshopStatus
from tests.workshops.board_builders import opened, post, steps_of, viewer
from tests.workshops.builders import set_status

pytestmark = pytest.mark.django_db

JS = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def workshop(scene) -> Workshop:
    return opened(scene)


def board_url(workshop: Workshop, anchor: str = "") -> str:
    return reverse("workshops:board", args=[workshop.pk]) + (f"#{anchor}" if anchor else "")


def page(client: Client, workshop: Workshop) -> str:
    response = client.get(board_url(workshop))
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_shows_axes_steps_and_notes(scene, workshop):
    post(scene, "participant", "Cartographier les acteurs", anonymous=True)
    post(scene, "guest", "Débriefer avec eux")
    html = page(scene.client("participant"), workshop)
    for axis in workshop.axes.all():
        assert f'id="axis-{axis.pk}-title"' in html
        assert axis.title in html
    for step in steps_of(workshop):
        assert f'id="step-{step.pk}"' in html
    assert "Cartographier les acteurs" in html
    assert "You (anonymous)" in html
    assert "Josiane Invitée" in html
    assert "You have 5 dots left out of 5." in html
    assert 'action="/ws/' not in html  # the socket's address is data, not a form
    assert f'data-ws="/ws/workshops/{workshop.pk}/"' in html
    # A participant has the forms; no facilitation bar.
    assert 'name="text"' in html
    assert 'id="facilitation"' not in html


def test_script_in_a_note_is_shown_as_text_never_run(scene, workshop):
    post(scene, "participant", '<script>alert("hop")</script><img src=x onerror=alert(1)>')
    html = page(scene.client("guest"), workshop)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;hop&quot;)&lt;/script&gt;" in html


def test_an_agent_who_has_not_joined_reads_the_board_and_is_invited_to_join(scene, workshop):
    post(scene, "participant", "Cartographier les acteurs")
    html = page(scene.client("agent"), workshop)
    assert "Cartographier les acteurs" in html
    assert "join the workshop" in html
    assert 'name="text"' not in html
    assert "dots left" not in html


def test_the_facilitator_has_the_facilitation_bar(scene, workshop):
    html = page(scene.client("facilitator"), workshop)
    assert 'id="facilitation"' in html
    assert "Close the workshop" in html
    assert "Start the timer" in html
    assert html.count("Bring everyone here") == workshop.axes.count()


def test_posting_without_javascript_comes_back_to_the_step(scene, workshop):
    step = steps_of(workshop)[1]
    client = scene.client("guest")
    url = reverse("workshops:note-post", args=[workshop.pk, step.pk])
    response = client.post(url, {"text": "Voter la loi 4D", "anonymous": "1"})
    assert (response.status_code, response["Location"]) == (
        302,
        board_url(workshop, f"post-{step.pk}"),
    )
    note = Note.objects.get()
    assert (note.text, note.is_anonymous, note.author) == (
        "Voter la loi 4D",
        True,
        scene.guests["guest"],
    )
    assert "Your note is on the board." in page(client, workshop)


def test_posting_with_javascript_answers_the_step(scene, workshop):
    step = steps_of(workshop)[0]
    url = reverse("workshops:note-post", args=[workshop.pk, step.pk])
    response = scene.client("participant").post(url, {"text": "Débriefer"}, **JS)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="step-{step.pk}"' in html
    assert "Débriefer" in html
    assert 'id="my-dots"' in html
    assert '<p id="board-message" hidden>Your note is on the board.</p>' in html
    assert "<html" not in html
    # The revision this write made: board.js and the benchmark tie the change's event to it.
    assert response["X-Board-Revision"] == str(Workshop.objects.get(pk=workshop.pk).revision)
    # A write that changes nothing makes no revision.
    note = Note.objects.get()
    move = reverse("workshops:note-move", args=[workshop.pk, note.pk])
    unchanged = scene.client("participant").post(move, {"version": "1", "offset": "-1"}, **JS)
    assert unchanged.status_code == 200
    assert "X-Board-Revision" not in unchanged


def test_a_note_of_50000_characters_comes_back_with_the_reason_and_the_text(scene, workshop):
    step = steps_of(workshop)[0]
    url = reverse("workshops:note-post", args=[workshop.pk, step.pk])
    text = "Une très longue note. " * 2300  # 50,600 characters
    for extra in ({}, JS):
        response = scene.client("participant").post(url, {"text": text}, **extra)
        assert response.status_code == 400
        html = response.content.decode()
        assert (
            f"A note holds at most {NOTE_MAX} characters; this one has {len(text.strip())}" in html
        )
        assert 'aria-invalid="true"' in html
        assert text.strip()[:200] in html  # what was typed is not lost
    assert not Note.objects.exists()


def test_posting_to_a_locked_step_is_refused_with_the_reason(scene, workshop):
    step = steps_of(workshop)[0]
    board.step_lock(step=step, by=viewer(scene, "facilitator"))
    html = page(scene.client("participant"), workshop)
    assert f'id="post-{step.pk}"' not in html  # no form where nothing can be posted
    response = scene.client("participant").post(
        reverse("workshops:note-post", args=[workshop.pk, step.pk]), {"text": "Quand même"}
    )
    assert response.status_code == 400
    assert "is locked" in response.content.decode()
    assert not Note.objects.exists()


def test_an_edit_that_crossed_another_shows_both_texts(scene, workshop):
    note = post(scene, "participant", "Guide pratique")
    board.note_edit(
        note=note, by=viewer(scene, "facilitator"), text="Guide pratique du débrief", version=1
    )
    url = reverse("workshops:note-edit", args=[workshop.pk, note.pk])
    for extra in ({}, JS):
        response = scene.client("participant").post(
            url, {"text": "Un guide en ligne", "version": "1"}, **extra
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert "Someone changed this note while you were editing it" in html
        assert "Guide pratique du débrief" in html  # theirs, as the note now says
        assert ">Un guide en ligne</textarea>" in html  # mine, kept in the open form
        assert 'name="version" value="2"' in html  # saving again is a deliberate choice
    assert Note.objects.get(pk=note.pk).text == "Guide pratique du débrief"


def test_a_move_replayed_after_a_reconnect_is_answered_with_the_board_as_it_is(scene, workshop):
    first, second = steps_of(workshop)[:2]
    note = post(scene, "participant", "En route", step=first)
    url = reverse("workshops:note-move", args=[workshop.pk, note.pk])
    data = {"version": "1", "to": str(second.pk)}
    client = scene.client("participant")
    assert client.post(url, data, **JS).status_code == 200
    replay = client.post(url, data, **JS)
    assert replay.status_code == 409
    html = replay.content.decode()
    assert "Someone moved or changed this note meanwhile" in html
    assert f'id="step-{second.pk}"' in html
    assert Note.objects.filter(text="En route").count() == 1
    assert Note.objects.get().step == second


def test_moving_up_without_javascript(scene, workshop):
    a = post(scene, "participant", "a")
    b = post(scene, "participant", "b")
    url = reverse("workshops:note-move", args=[workshop.pk, b.pk])
    response = scene.client("guest").post(url, {"version": "1", "offset": "-1"})
    assert response["Location"] == board_url(workshop, f"note-{b.pk}")
    assert list(Note.objects.order_by("position").values_list("pk", flat=True)) == [b.pk, a.pk]


@pytest.mark.parametrize(
    "data",
    [{"version": "x"}, {"version": "1", "offset": "5"}, {"version": "1", "to": "999999"}, {}],
)
def test_a_malformed_move_is_a_bad_request(scene, workshop, data):
    note = post(scene, "participant", "a")
    url = reverse("workshops:note-move", args=[workshop.pk, note.pk])
    assert scene.client("participant").post(url, data).status_code == 400


def test_votes_beyond_the_limit_get_a_clear_message(scene, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(dots_per_participant=1)
    note = post(scene, "participant", "a")
    url = reverse("workshops:note-vote", args=[workshop.pk, note.pk])
    client = scene.client("guest")
    response = client.post(url, {"dot": "add"}, **JS)
    assert response.status_code == 200
    assert "You have 0 dots left out of 1." in response.content.decode()
    refused = client.post(url, {"dot": "add"}, **JS)
    assert refused.status_code == 400
    assert "You have used your 1 dots" in refused.content.decode()
    assert Dot.objects.count() == 1
    # Without JavaScript: back to the note, with the message.
    response = client.post(url, {"dot": "add"})
    assert response["Location"] == board_url(workshop, f"note-{note.pk}")
    assert "You have used your 1 dots" in page(client, workshop)
    client.post(url, {"dot": "remove"})
    assert not Dot.objects.exists()


def test_a_hidden_step_hides_the_others_notes_in_the_page(scene, workshop):
    step = steps_of(workshop)[0]
    board.step_hide(step=step, by=viewer(scene, "facilitator"))
    post(scene, "participant", "Idée de Paul")
    post(scene, "guest", "Idée de Josiane")
    html = page(scene.client("participant"), workshop)
    assert "Idée de Paul" in html
    assert "Idée de Josiane" not in html
    assert "1 note of another participant is hidden until the reveal." in html
    step_url = reverse("workshops:board-step", args=[workshop.pk, step.pk])
    fragment = scene.client("agent").get(step_url).content.decode()
    assert "Idée de" not in fragment
    facilitator = page(scene.client("facilitator"), workshop)
    assert "Idée de Josiane" in facilitator
    assert "Hidden from the participants" in facilitator
    response = scene.client("facilitator").post(
        reverse("workshops:step-hide", args=[workshop.pk, step.pk]), {"hide": "0"}
    )
    assert response["Location"] == board_url(workshop, f"step-{step.pk}")
    assert "Idée de Josiane" in page(scene.client("participant"), workshop)


def test_the_fragments_for_board_js(scene, workshop):
    note = post(scene, "participant", "Une note")
    client = scene.client("guest")
    whole = client.get(reverse("workshops:board-fragment", args=[workshop.pk])).content.decode()
    assert whole.startswith('<div id="board"')
    assert f'data-revision="{Workshop.objects.get(pk=workshop.pk).revision}"' in whole
    assert "Une note" in whole
    step = client.get(
        reverse("workshops:board-step", args=[workshop.pk, note.step_id])
    ).content.decode()
    assert step.startswith(f'<section class="board-step" id="step-{note.step_id}"')


def test_facilitation_from_the_board(scene, workshop):
    client = scene.client("facilitator")
    axis = workshop.axes.order_by("position")[1]
    response = client.post(reverse("workshops:board-focus", args=[workshop.pk]), {"axis": axis.pk})
    assert response["Location"] == board_url(workshop, f"axis-{axis.pk}")
    assert Workshop.objects.get(pk=workshop.pk).focus_axis == axis
    timer = reverse("workshops:board-timer", args=[workshop.pk])
    response = client.post(timer, {"minutes": "10"}, **JS)
    assert response.status_code == 200
    assert 'id="timer-stop"' in response.content.decode()
    assert Workshop.objects.get(pk=workshop.pk).timer_ends_at is not None
    refused = client.post(timer, {"minutes": "0"})
    assert refused["Location"] == board_url(workshop, "facilitation")
    assert "Between 1 and 180 minutes." in page(client, workshop)
    client.post(timer, {"stop": "1"})
    assert Workshop.objects.get(pk=workshop.pk).timer_ends_at is None
    step = steps_of(workshop)[0]
    client.post(reverse("workshops:step-lock", args=[workshop.pk, step.pk]), {"lock": "1"})
    assert "Unlock" in page(client, workshop)
    status = reverse("workshops:board-status", args=[workshop.pk])
    client.post(status, {"status": "closed"})
    html = page(client, workshop)
    assert "This workshop is closed: its board is read only." in html
    assert 'id="facilitation"' not in html
    assert 'name="text"' not in html


def test_a_closed_board_is_read_only(scene, workshop):
    post(scene, "participant", "Une note")
    set_status(Workshop.objects.get(pk=workshop.pk), WorkshopStatus.CLOSED)
    html = page(scene.client("participant"), workshop)
    assert "Une note" in html
    assert 'name="dot"' not in html
    assert 'name="text"' not in html
    assert 'name="version"' not in html


def test_the_list_of_places_comes_on_demand(scene, workshop):
    """Not in every note of the board (it would make each step several times heavier): a page of
    its own without JavaScript, the form alone for board.js."""
    first, second = steps_of(workshop)[:2]
    group = board.cluster_create(step=second, by=viewer(scene, "guest"), title="Les lieux")
    note = post(scene, "participant", "Tiers-lieux", step=first)
    assert "note-move-to" not in page(scene.client("guest"), workshop)
    url = reverse("workshops:note-move-to", args=[workshop.pk, note.pk])
    html = scene.client("guest").get(url).content.decode()
    assert "<h1>Move a note</h1>" in html
    assert f'<option value="{first.pk}" selected>' in html
    assert f'<option value="{second.pk}:{group.pk}">' in html
    assert "group “Les lieux”" in html
    fragment = scene.client("guest").get(url, **JS).content.decode()
    assert fragment.startswith(f'<form method="post" action="/workshops/{workshop.pk}/board/notes/')
    # A locked step's notes stay: back to the board, with the reason.
    board.step_lock(step=first, by=viewer(scene, "facilitator"))
    response = scene.client("guest").get(url)
    assert response["Location"] == board_url(workshop, f"note-{note.pk}")


def test_a_hidden_note_of_someone_else_has_no_move_page(scene, workshop):
    step = steps_of(workshop)[0]
    board.step_hide(step=step, by=viewer(scene, "facilitator"))
    note = post(scene, "participant", "Secret")
    url = reverse("workshops:note-move-to", args=[workshop.pk, note.pk])
    assert scene.client("guest").get(url).status_code == 404
    assert scene.client("participant").get(url).status_code == 200


def test_one_note_for_board_js(scene, workshop):
    """When only a note changed (posted, edited, voted for), a page fetches that note alone."""
    step = steps_of(workshop)[0]
    note = post(scene, "participant", "Hacker les CTAP", anonymous=True)
    post(scene, "participant", "Une autre")
    url = reverse("workshops:board-note", args=[workshop.pk, note.pk])
    html = scene.client("guest").get(url).content.decode()
    assert html.startswith(
        f'<li class="board-note" id="note-{note.pk}" data-list="step-{step.pk}-loose">'
    )
    assert "Hacker les CTAP" in html and "Anonymous" in html
    assert f'<p class="meta" id="step-{step.pk}-meta">2 notes' in html
    assert "Une autre" not in html
    # A vote answers with the note and the voter's dots.
    vote = scene.client("guest").post(
        reverse("workshops:note-vote", args=[workshop.pk, note.pk]), {"dot": "add"}, **JS
    )
    answer = vote.content.decode()
    assert f'id="note-{note.pk}"' in answer and "1 dot" in answer
    assert "You have 4 dots left out of 5." in answer
    assert f'id="step-{step.pk}"' not in answer
    # Hidden from this viewer, or gone: not found.
    board.step_hide(step=step, by=viewer(scene, "facilitator"))
    assert scene.client("guest").get(url).status_code == 404
    assert scene.client("participant").get(url).status_code == 200
    board.note_delete(note=note, by=viewer(scene, "participant"))
    assert scene.client("participant").get(url).status_code == 404
