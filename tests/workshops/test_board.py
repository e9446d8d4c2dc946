"""The live board's services (riposte/workshops/board.py) and what each viewer sees of it
(board_queries.py): every bad input of issue 7 is refused with a clear message and nothing is
written or lost; every write sends one event after its commit, none after a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from riposte.workshops import board, board_queries, live
from riposte.workshops.board import NoteConflict
from riposte.workshops.models import NOTE_MAX, Cluster, Dot, Note, Workshop, WorkshopStatus
from tests.workshops.board_builders import opened, post, steps_of, viewer
from tests.workshops.builders import set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(monkeypatch) -> list[dict[str, Any]]:
    """The events live.board_changed sends once a write commits (instead of the channel layer)."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(live, "_send", lambda workshop_id, event: sent.append(event))
    return sent


@pytest.fixture
def workshop(scene) -> Workshop:
    return opened(scene)


def revision(workshop: Workshop) -> int:
    return Workshop.objects.get(pk=workshop.pk).revision


def seen(scene, role: str, step=None) -> list[str]:
    """The texts of a step's notes as `role` sees them."""
    step = step or steps_of(scene.workshop)[0]
    view = board_queries.step(Workshop.objects.get(pk=scene.workshop.pk), viewer(scene, role), step)
    return [item.note.text for item in [*view.loose, *(n for c in view.clusters for n in c.notes)]]


# -- posting


def test_a_participant_posts_a_note_and_the_board_is_told(
    scene, workshop, events, django_capture_on_commit_callbacks
):
    before = revision(workshop)
    step = steps_of(workshop)[1]
    with django_capture_on_commit_callbacks(execute=True):
        note = post(scene, "participant", "  Cartographier les acteurs \n", step=step)
    assert note.text == "Cartographier les acteurs"
    assert (note.step, note.version, note.is_anonymous) == (step, 1, False)
    assert revision(workshop) == before + 1
    assert events == [
        {
            "type": "board.change",
            "revision": before + 1,
            "change": "note",
            "step": step.pk,
            "steps": [step.pk],
            "note": note.pk,
            "op": "add",
        }
    ]
    second = post(scene, "guest", "Voter la loi 4D", step=step, anonymous=True)
    assert second.position == note.position + 1
    assert second.author == scene.guests["guest"]


def test_a_note_of_50000_characters_is_refused_and_nothing_is_written(
    scene, workshop, events, django_capture_on_commit_callbacks
):
    before = revision(workshop)
    with (
        pytest.raises(ValidationError) as refused,
        django_capture_on_commit_callbacks(execute=True),
    ):
        post(scene, "participant", "x" * 50_000)
    message = refused.value.message_dict["text"][0]
    assert f"at most {NOTE_MAX} characters" in message
    assert "50000" in message
    assert not Note.objects.exists()
    assert revision(workshop) == before
    assert events == []
    # The longest note that fits is taken.
    assert len(post(scene, "participant", "y" * NOTE_MAX).text) == NOTE_MAX


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_note_is_refused(scene, workshop, text):
    with pytest.raises(ValidationError, match="Write something"):
        post(scene, "participant", text)
    assert not Note.objects.exists()


def test_script_in_a_note_is_kept_as_text(scene, workshop):
    """Stored as typed; the pages escape it (test_board_views.py shows it is never run)."""
    note = post(scene, "participant", '<script>alert("hop")</script>')
    assert Note.objects.get(pk=note.pk).text == '<script>alert("hop")</script>'


def test_a_locked_step_takes_no_note(scene, workshop, events, django_capture_on_commit_callbacks):
    step = steps_of(workshop)[0]
    board.step_lock(step=step, by=viewer(scene, "facilitator"))
    before = revision(workshop)
    with (
        pytest.raises(ValidationError, match="is locked"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post(scene, "participant", "Trop tard", step=step)
    assert not Note.objects.exists()
    assert (revision(workshop), events) == (before, [])
    # The other steps still do.
    post(scene, "participant", "Ici, oui", step=steps_of(workshop)[1])


@pytest.mark.parametrize(
    ("status", "reason"),
    [(WorkshopStatus.PREPARING, "not open yet"), (WorkshopStatus.CLOSED, "is closed")],
)
def test_a_board_not_live_takes_no_note(scene, status, reason):
    scene.workshop = set_status(scene.workshop, status)
    with pytest.raises(ValidationError, match=reason):
        post(scene, "participant", "Une idée")
    assert not Note.objects.exists()


@pytest.mark.parametrize("role", ["agent", "decision_maker", "other_facilitator", "admin"])
def test_who_has_not_joined_does_not_post(scene, workshop, role):
    with pytest.raises(PermissionDenied):
        post(scene, role, "Une idée")


def test_a_guest_of_another_workshop_cannot_post_here(scene, workshop):
    set_status(scene.other, WorkshopStatus.LIVE)
    outsider = viewer(scene, "other_guest", scene.other)
    with pytest.raises(PermissionDenied):
        board.note_post(step=steps_of(workshop)[0], by=outsider, text="Bonjour")


# -- editing: nobody is silently overwritten


def test_the_author_edits_their_note(scene, workshop):
    note = post(scene, "participant", "Débriefer")
    edited = board.note_edit(
        note=note, by=viewer(scene, "participant"), text="Débriefer avec eux", version=1
    )
    assert (edited.text, edited.version) == ("Débriefer avec eux", 2)


def test_another_participant_may_not_edit_but_a_facilitator_may(scene, workshop):
    note = post(scene, "participant", "Débriefer")
    with pytest.raises(PermissionDenied):
        board.note_edit(note=note, by=viewer(scene, "guest"), text="Non", version=1)
    board.note_edit(
        note=note, by=viewer(scene, "facilitator"), text="Débriefer ensemble", version=1
    )
    assert Note.objects.get(pk=note.pk).text == "Débriefer ensemble"


def test_two_edits_of_the_same_version_the_second_gets_a_conflict(scene, workshop):
    """Two people opened the note at version 1. The first to save wins; the second is told, and
    is given the note as it is now: their text is not written over the first one's."""
    note = post(scene, "participant", "Guide pratique")
    board.note_edit(
        note=note, by=viewer(scene, "participant"), text="Guide pratique du débrief", version=1
    )
    with pytest.raises(NoteConflict) as conflict:
        board.note_edit(
            note=note, by=viewer(scene, "facilitator"), text="Un guide en ligne", version=1
        )
    assert conflict.value.note.text == "Guide pratique du débrief"
    assert conflict.value.note.version == 2
    assert conflict.value.attempted_text == "Un guide en ligne"
    assert Note.objects.get(pk=note.pk).text == "Guide pratique du débrief"
    # Saved again against the version now shown: a deliberate choice, accepted.
    board.note_edit(note=note, by=viewer(scene, "facilitator"), text="Un guide en ligne", version=2)
    assert Note.objects.get(pk=note.pk).version == 3


def test_an_edit_too_long_is_refused(scene, workshop):
    note = post(scene, "participant", "Court")
    with pytest.raises(ValidationError, match="at most"):
        board.note_edit(note=note, by=viewer(scene, "participant"), text="z" * 50_000, version=1)
    assert Note.objects.get(pk=note.pk).text == "Court"


def test_in_a_locked_step_only_a_facilitator_corrects_a_note(scene, workshop):
    note = post(scene, "participant", "Fabrique")
    board.step_lock(step=note.step, by=viewer(scene, "facilitator"))
    with pytest.raises(ValidationError, match="is locked"):
        board.note_edit(note=note, by=viewer(scene, "participant"), text="Fabriques", version=1)
    board.note_edit(note=note, by=viewer(scene, "facilitator"), text="Fabriques", version=1)


def test_a_closed_workshop_is_read_only_for_its_facilitator_too(scene, workshop):
    note = post(scene, "participant", "Fabrique")
    set_status(workshop, WorkshopStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        board.note_edit(note=note, by=viewer(scene, "facilitator"), text="Autre", version=1)
    with pytest.raises(ValidationError, match="closed"):
        board.note_delete(note=note, by=viewer(scene, "facilitator"), version=1)
    with pytest.raises(ValidationError, match="closed"):
        board.dot_add(note=note, by=viewer(scene, "participant"))
    with pytest.raises(ValidationError, match="closed"):
        board.step_lock(step=note.step, by=viewer(scene, "facilitator"))
    assert Note.objects.get(pk=note.pk).text == "Fabrique"


# -- moving


def test_a_note_moves_to_another_step_at_its_end(
    scene, workshop, events, django_capture_on_commit_callbacks
):
    first, second = steps_of(workshop)[:2]
    note = post(scene, "participant", "À déplacer", step=first)
    post(scene, "guest", "Déjà là", step=second)
    with django_capture_on_commit_callbacks(execute=True):
        moved = board.note_move(note=note, by=viewer(scene, "guest"), version=1, step=second)
    assert (moved.step, moved.version) == (second, 2)
    assert seen(scene, "participant", second) == ["Déjà là", "À déplacer"]
    assert events[-1]["steps"] == sorted([first.pk, second.pk])


def test_up_and_down_within_a_list(scene, workshop):
    a, _b, c = (post(scene, "participant", text) for text in "abc")
    board.note_move(note=c, by=viewer(scene, "participant"), version=1, offset=-1)
    assert seen(scene, "participant") == ["a", "c", "b"]
    board.note_move(note=a, by=viewer(scene, "participant"), version=1, offset=1)
    assert seen(scene, "participant") == ["c", "a", "b"]
    # Already first: nothing changes, not even the version.
    c.refresh_from_db()
    same = board.note_move(note=c, by=viewer(scene, "participant"), version=c.version, offset=-1)
    assert same.version == c.version
    assert seen(scene, "participant") == ["c", "a", "b"]


def test_into_and_out_of_a_group(scene, workshop):
    first, second = steps_of(workshop)[:2]
    note = post(scene, "participant", "Tiers-lieux", step=first)
    group = board.cluster_create(step=first, by=viewer(scene, "guest"), title="Les lieux")
    moved = board.note_move(
        note=note, by=viewer(scene, "guest"), version=1, step=first, cluster=group
    )
    assert moved.cluster == group
    elsewhere = board.cluster_create(step=second, by=viewer(scene, "guest"), title="Ailleurs")
    with pytest.raises(ValidationError, match="not in the step"):
        board.note_move(
            note=note, by=viewer(scene, "guest"), version=2, step=first, cluster=elsewhere
        )
    moved = board.note_move(
        note=note, by=viewer(scene, "guest"), version=2, step=first, cluster=None
    )
    assert moved.cluster is None


def test_nothing_moves_into_or_out_of_a_locked_step(scene, workshop):
    first, second = steps_of(workshop)[:2]
    note = post(scene, "participant", "Bloquée ?", step=first)
    board.step_lock(step=second, by=viewer(scene, "facilitator"))
    with pytest.raises(ValidationError, match="is locked"):
        board.note_move(note=note, by=viewer(scene, "participant"), version=1, step=second)
    board.step_unlock(step=second, by=viewer(scene, "facilitator"))
    board.step_lock(step=first, by=viewer(scene, "facilitator"))
    with pytest.raises(ValidationError, match="is locked"):
        board.note_move(note=note, by=viewer(scene, "participant"), version=1, step=second)
    with pytest.raises(ValidationError, match="is locked"):
        board.note_move(note=note, by=viewer(scene, "participant"), version=1, offset=1)
    assert Note.objects.get(pk=note.pk).step == first


def test_a_move_replayed_after_a_reconnect_gets_the_conflict(scene, workshop):
    """The page sent "move to step 2", lost its connection before the answer, and sends it again
    once back: the move is made once, the replay is refused with the note as it is now. Never two
    notes, never a lost one."""
    first, second, third = steps_of(workshop)[:3]
    note = post(scene, "participant", "En route", step=first)
    board.note_move(note=note, by=viewer(scene, "participant"), version=1, step=second)
    with pytest.raises(NoteConflict) as replay:
        board.note_move(note=note, by=viewer(scene, "participant"), version=1, step=second)
    assert (replay.value.note.step_id, replay.value.note.version) == (second.pk, 2)
    # Someone else moved it meanwhile: an old move does not drag it back either.
    board.note_move(note=note, by=viewer(scene, "guest"), version=2, step=third)
    with pytest.raises(NoteConflict):
        board.note_move(note=note, by=viewer(scene, "participant"), version=2, step=first)
    assert list(Note.objects.values_list("text", "step")) == [("En route", third.pk)]


def test_a_move_after_an_edit_is_a_conflict(scene, workshop):
    first, second = steps_of(workshop)[:2]
    note = post(scene, "participant", "Texte", step=first)
    board.note_edit(note=note, by=viewer(scene, "participant"), text="Texte revu", version=1)
    with pytest.raises(NoteConflict):
        board.note_move(note=note, by=viewer(scene, "guest"), version=1, step=second)


def test_who_has_not_joined_does_not_move(scene, workshop):
    note = post(scene, "participant", "Texte")
    with pytest.raises(PermissionDenied):
        board.note_move(note=note, by=viewer(scene, "agent"), version=1, offset=1)


# -- deleting and groups


def test_the_author_deletes_a_note_with_its_dots(scene, workshop):
    note = post(scene, "participant", "À jeter")
    board.dot_add(note=note, by=viewer(scene, "guest"))
    with pytest.raises(PermissionDenied):
        board.note_delete(note=note, by=viewer(scene, "guest"), version=1)
    board.note_delete(note=note, by=viewer(scene, "participant"), version=1)
    assert not Note.objects.exists()
    assert not Dot.objects.exists()


def test_a_delete_of_a_note_changed_meanwhile_is_a_conflict(scene, workshop):
    note = post(scene, "participant", "Premier jet")
    board.note_edit(note=note, by=viewer(scene, "facilitator"), text="Réécrit", version=1)
    with pytest.raises(NoteConflict):
        board.note_delete(note=note, by=viewer(scene, "participant"), version=1)
    assert Note.objects.get(pk=note.pk).text == "Réécrit"


def test_undoing_a_group_keeps_its_notes(scene, workshop):
    step = steps_of(workshop)[0]
    group = board.cluster_create(step=step, by=viewer(scene, "participant"), title=" Les lieux ")
    assert group.title == "Les lieux"
    note = post(scene, "participant", "Maison collaborative")
    board.note_move(note=note, by=viewer(scene, "participant"), version=1, step=step, cluster=group)
    board.cluster_rename(cluster=group, by=viewer(scene, "guest"), title="Les tiers-lieux")
    board.cluster_delete(cluster=group, by=viewer(scene, "guest"))
    note.refresh_from_db()
    assert (note.cluster, note.text, note.version) == (None, "Maison collaborative", 3)
    assert not Cluster.objects.exists()
    with pytest.raises(ValidationError, match="title"):
        board.cluster_create(step=step, by=viewer(scene, "participant"), title="  ")


# -- dots


def test_dots_up_to_the_limit_then_a_clear_refusal(
    scene, workshop, events, django_capture_on_commit_callbacks
):
    Workshop.objects.filter(pk=workshop.pk).update(dots_per_participant=3)
    first = post(scene, "participant", "Une")
    second = post(scene, "participant", "Deux")
    me = viewer(scene, "guest")
    board.dot_add(note=first, by=me)
    board.dot_add(note=first, by=me)  # several dots on one note are allowed
    board.dot_add(note=second, by=me)
    before = revision(workshop)
    with (
        pytest.raises(ValidationError) as refused,
        django_capture_on_commit_callbacks(execute=True),
    ):
        board.dot_add(note=second, by=me)
    assert "You have used your 3 dots" in refused.value.messages[0]
    assert Dot.objects.filter(participant=scene.guests["guest"]).count() == 3
    assert (revision(workshop), events) == (before, [])
    # Taking one back frees it.
    assert board.dot_remove(note=first, by=me) is True
    board.dot_add(note=second, by=me)
    assert board.dots_left(scene.guests["guest"], Workshop.objects.get(pk=workshop.pk)) == 0
    # Each participant has their own.
    board.dot_add(note=second, by=viewer(scene, "participant"))


def test_taking_back_a_dot_one_never_gave(scene, workshop):
    note = post(scene, "participant", "Une")
    assert board.dot_remove(note=note, by=viewer(scene, "guest")) is False


def test_votes_go_on_in_a_locked_step(scene, workshop):
    note = post(scene, "participant", "Une")
    board.step_lock(step=note.step, by=viewer(scene, "facilitator"))
    board.dot_add(note=note, by=viewer(scene, "guest"))
    view = board_queries.step(workshop, viewer(scene, "guest"), note.step)
    assert [(n.dots, n.my_dots) for n in view.loose] == [(1, 1)]


def test_who_has_not_joined_does_not_vote(scene, workshop):
    note = post(scene, "participant", "Une")
    with pytest.raises(PermissionDenied):
        board.dot_add(note=note, by=viewer(scene, "agent"))


# -- hidden until the reveal, anonymous


def test_a_hidden_step_shows_each_participant_their_own_notes(scene, workshop):
    step = steps_of(workshop)[0]
    board.step_hide(step=step, by=viewer(scene, "facilitator"))
    post(scene, "participant", "De Paul")
    post(scene, "guest", "De Josiane")
    step.refresh_from_db()
    assert seen(scene, "participant") == ["De Paul"]
    assert seen(scene, "guest") == ["De Josiane"]
    assert seen(scene, "agent") == []
    facilitator_view = board_queries.step(workshop, viewer(scene, "facilitator"), step)
    assert [(n.note.text, n.hidden) for n in facilitator_view.loose] == [
        ("De Paul", True),
        ("De Josiane", True),
    ]
    assert board_queries.step(workshop, viewer(scene, "participant"), step).kept_hidden == 1
    assert board_queries.step(workshop, viewer(scene, "agent"), step).kept_hidden == 2
    # Nobody votes for a note they cannot see, nor moves it.
    theirs = Note.objects.get(text="De Josiane")
    with pytest.raises(PermissionDenied):
        board.dot_add(note=theirs, by=viewer(scene, "participant"))
    board.step_reveal(step=step, by=viewer(scene, "facilitator"))
    assert seen(scene, "participant") == ["De Paul", "De Josiane"]
    assert seen(scene, "agent") == ["De Paul", "De Josiane"]


def test_an_anonymous_note_names_nobody_but_for_its_author(scene, workshop):
    note = post(scene, "participant", "Hacker les CTAP", anonymous=True)
    labels = {
        role: board_queries.author_label(note, viewer(scene, role))
        for role in ("participant", "guest", "facilitator", "agent")
    }
    assert labels == {
        "participant": "You (anonymous)",
        "guest": "Anonymous",
        "facilitator": "Anonymous",
        "agent": "Anonymous",
    }
    signed = post(scene, "guest", "Ouvrir des maisons collaboratives")
    assert board_queries.author_label(signed, viewer(scene, "agent")) == "Josiane Invitée"


# -- facilitation


def test_only_who_runs_the_workshop_locks_reveals_focuses_and_times(scene, workshop):
    step = steps_of(workshop)[0]
    axis = step.axis
    for role in ("participant", "guest", "agent"):
        who = viewer(scene, role)
        with pytest.raises(PermissionDenied):
            board.step_lock(step=step, by=who)
        with pytest.raises(PermissionDenied):
            board.step_hide(step=step, by=who)
        with pytest.raises(PermissionDenied):
            board.workshop_focus(workshop=workshop, by=who, axis=axis)
        with pytest.raises(PermissionDenied):
            board.timer_start(workshop=workshop, by=who, minutes=5)
        with pytest.raises(PermissionDenied):
            board.timer_stop(workshop=workshop, by=who)
    # An administrator runs it without having joined it.
    board.step_lock(step=step, by=viewer(scene, "admin"))
    assert step.__class__.objects.get(pk=step.pk).is_locked


def test_bring_everyone_to_an_axis(scene, workshop, events, django_capture_on_commit_callbacks):
    axis = workshop.axes.order_by("position")[2]
    with django_capture_on_commit_callbacks(execute=True):
        board.workshop_focus(workshop=workshop, by=viewer(scene, "facilitator"), axis=axis)
    assert Workshop.objects.get(pk=workshop.pk).focus_axis == axis
    assert (events[-1]["change"], events[-1]["axis"]) == ("focus", axis.pk)
    elsewhere = scene.other.axes.first()
    with pytest.raises(ValidationError):
        board.workshop_focus(workshop=workshop, by=viewer(scene, "admin"), axis=elsewhere)


def test_the_timer(scene, workshop, events, django_capture_on_commit_callbacks):
    me = viewer(scene, "facilitator")
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        board.timer_start(workshop=workshop, by=me, minutes=7)
    ends = Workshop.objects.get(pk=workshop.pk).timer_ends_at
    assert start + dt.timedelta(minutes=7) <= ends <= timezone.now() + dt.timedelta(minutes=7)
    assert events[-1] == {
        "type": "board.change",
        "revision": revision(workshop),
        "change": "timer",
        "step": None,
        "ends_at": ends.isoformat(),
    }
    for minutes in (0, 181, -3):
        with pytest.raises(ValidationError, match="Between 1 and 180"):
            board.timer_start(workshop=workshop, by=me, minutes=minutes)
    board.timer_stop(workshop=workshop, by=me)
    assert Workshop.objects.get(pk=workshop.pk).timer_ends_at is None


def test_lock_and_reveal_send_a_step_event_once(
    scene, workshop, events, django_capture_on_commit_callbacks
):
    step = steps_of(workshop)[0]
    me = viewer(scene, "facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        board.step_lock(step=step, by=me)
        board.step_lock(step=step, by=me)  # already locked: no change, no event
        board.step_hide(step=step, by=me)
    assert [(e["change"], e["step"]) for e in events] == [("step", step.pk), ("step", step.pk)]


def test_a_nul_character_is_refused_with_a_message_not_stored(scene, workshop):
    """PostgreSQL stores no NUL: refused like any other bad text, nothing written."""
    with pytest.raises(ValidationError, match="cannot be stored"):
        post(scene, "participant", "a\x00b")
    with pytest.raises(ValidationError, match="cannot be stored"):
        board.cluster_create(
            step=steps_of(workshop)[0], by=viewer(scene, "participant"), title="x\x00"
        )
    assert not Note.objects.exists() and not Cluster.objects.exists()


def test_a_vote_in_a_hidden_step_tells_the_pages_nothing_of_the_note(
    scene, workshop, events, django_capture_on_commit_callbacks
):
    """Not everyone may see the note: the event names the step only, each page asks for it."""
    step = steps_of(workshop)[0]
    note = post(scene, "participant", "Cachée")
    board.step_hide(step=step, by=viewer(scene, "facilitator"))
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        board.dot_add(note=note, by=viewer(scene, "participant"))
    (event,) = events
    assert (event["change"], event["step"]) == ("note", step.pk)
    assert "dots" not in event and "note" not in event
