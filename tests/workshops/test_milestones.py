"""The roadmap's services: milestones added, made of notes, edited, moved, followed up, and
turned into an initiative, a norm or a cooperation (once each)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from riposte.core.models import AuditEntry, Notification
from riposte.directory.models import Role
from riposte.initiatives.models import Initiative
from riposte.norms.models import Norm, NormKind, NormStatus
from riposte.workshops.milestones import (
    MilestoneConflict,
    MilestoneData,
    milestone_add,
    milestone_edit,
    milestone_from_note,
    milestone_move,
    milestone_set_status,
    milestone_to_cooperation,
    milestone_to_initiative,
    milestone_to_norm,
)
from riposte.workshops.models import Horizon, Milestone, MilestoneStatus, Workshop, WorkshopStatus
from riposte.workshops.services import participant_join
from tests.cooperations.builders import make_actor, make_cooperation
from tests.workshops.builders import make_agent, make_workshop, set_status
from tests.workshops.roadmap_builders import first_axis, make_milestone, make_note

HELD_ON = dt.date(2020, 11, 18)  # the seed workshop's afternoon (tests.workshops.builders)


@pytest.fixture
def workshop(facilitator) -> Workshop:
    return make_workshop(by=facilitator)


def _data(milestone: Milestone, **fields) -> MilestoneData:
    values = {"title": milestone.title, "owner": milestone.owner, "due_on": milestone.due_on,
              "status": milestone.status}  # fmt: skip
    values.update(fields)
    return MilestoneData(**values)


# --- adding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("horizon", "due_on"),
    [
        (Horizon.MONTH, dt.date(2020, 12, 18)),
        (Horizon.SIX_MONTHS, dt.date(2021, 5, 18)),
        (Horizon.YEAR, dt.date(2021, 11, 18)),
        (Horizon.TWO_YEARS, dt.date(2022, 11, 18)),
        (Horizon.IDEAL, None),
    ],
)
def test_a_milestone_gets_its_due_date_from_the_workshop_and_its_horizon(
    workshop, facilitator, horizon, due_on
):
    milestone = make_milestone(workshop, by=facilitator, horizon=horizon)
    assert milestone.due_on == due_on
    assert milestone.due_on_by_hand is False


def test_milestones_are_added_at_the_end_of_their_horizon_and_the_board_hears_of_it(
    workshop, facilitator
):
    revision = workshop.revision
    first = make_milestone(workshop, title="Identifier les coopérations inédites")
    second = make_milestone(workshop, title="Voter la loi 4D")
    other = make_milestone(workshop, title="Mobiliser les Fabriques", horizon=Horizon.YEAR)
    assert (first.position, second.position, other.position) == (0, 1, 0)
    workshop.refresh_from_db()
    assert workshop.revision == revision + 3
    assert AuditEntry.objects.filter(action="workshop.milestone_add").count() == 3


def test_an_administrator_adds_milestones_to_any_workshop(workshop, admin_agent):
    assert make_milestone(workshop, by=admin_agent).pk


@pytest.mark.parametrize("who", ["agent", "decision_maker", "participant", "other_facilitator"])
def test_only_the_workshops_facilitators_add_milestones(workshop, actors, who):
    people = {
        **actors,
        "participant": make_agent("paul@example.org"),
        "other_facilitator": make_agent("olga@example.org", role=Role.FACILITATOR),
    }
    if who == "participant":
        participant_join(workshop=workshop, agent=people["participant"])
    with pytest.raises(PermissionDenied):
        make_milestone(workshop, by=people[who])
    assert not Milestone.objects.exists()


def test_no_milestone_is_added_to_a_closed_workshop(workshop, facilitator):
    set_status(workshop, WorkshopStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        make_milestone(workshop, by=facilitator)
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("title", "horizon", "field"),
    [
        ("   ", Horizon.MONTH, "title"),
        ("x" * 301, Horizon.MONTH, "title"),
        ("Voter la loi 4D", "3y", "horizon"),
        ("Voter la loi 4D", "", "horizon"),
    ],
)
def test_a_milestone_without_a_title_or_horizon_is_refused(
    workshop, facilitator, title, horizon, field
):
    with pytest.raises(ValidationError) as refused:
        milestone_add(axis=first_axis(workshop), by=facilitator, title=title, horizon=horizon)
    assert field in refused.value.message_dict
    assert not Milestone.objects.exists()


def test_script_in_a_title_is_kept_as_text(workshop, facilitator, client_for):
    milestone = make_milestone(workshop, title="<script>alert(1)</script> Ouvrir des maisons")
    assert milestone.title == "<script>alert(1)</script> Ouvrir des maisons"
    page = client_for("agent").get(f"/workshops/{workshop.pk}/roadmap/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ouvrir des maisons" in page


# --- from a note ------------------------------------------------------------------------------


def test_a_note_becomes_a_milestone_once(facilitator, agent):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    note = make_note(workshop, by=agent, text="  Voter la loi 4D  ")

    milestone = milestone_from_note(note=note, by=facilitator, horizon=Horizon.SIX_MONTHS)
    again = milestone_from_note(note=note, by=facilitator, horizon=Horizon.YEAR)

    assert again.pk == milestone.pk
    assert (milestone.title, milestone.source_note, milestone.horizon) == (
        "Voter la loi 4D", note, Horizon.SIX_MONTHS)  # fmt: skip
    assert milestone.axis == note.step.axis
    assert Milestone.objects.count() == 1


def test_a_long_note_makes_a_title_cut_at_a_word(facilitator, agent):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    note = make_note(workshop, by=facilitator, text="mettre en place une équipe " * 30)
    milestone = milestone_from_note(note=note, by=facilitator, horizon=Horizon.IDEAL)
    kept = milestone.title.removesuffix("…")
    assert len(milestone.title) <= 300 and milestone.title.endswith("…")
    assert note.text.startswith(kept) and note.text[len(kept)] == " "
    assert len(kept) > 270


def test_a_participant_does_not_make_milestones_of_notes(facilitator, agent):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    note = make_note(workshop, by=agent)
    with pytest.raises(PermissionDenied):
        milestone_from_note(note=note, by=agent, horizon=Horizon.MONTH)


# --- editing ----------------------------------------------------------------------------------


def test_the_facilitator_edits_a_milestone_and_its_new_owner_is_told(workshop, facilitator, agent):
    milestone = make_milestone(workshop)
    edited = milestone_edit(milestone=milestone, by=facilitator, version=milestone.version,
                            data=_data(milestone, title="Cartographier les acteurs",
                                       owner=agent))  # fmt: skip
    assert (edited.title, edited.owner, edited.version) == ("Cartographier les acteurs", agent, 2)
    notice = Notification.objects.get(recipient=agent)
    assert "Cartographier les acteurs" in notice.message
    assert notice.url == f"/workshops/milestones/{milestone.pk}/"


def test_a_stale_edit_is_refused_with_what_is_saved_now(workshop, facilitator, admin_agent):
    milestone = make_milestone(workshop)
    opened_at = milestone.version
    milestone_edit(milestone=milestone, by=admin_agent, version=opened_at,
                   data=_data(milestone, title="Cartographier avec les Fabriques"))  # fmt: skip

    with pytest.raises(MilestoneConflict) as conflict:
        milestone_edit(milestone=milestone, by=facilitator, version=opened_at,
                       data=_data(milestone, title="Cartographier seuls"))  # fmt: skip

    assert conflict.value.current.title == "Cartographier avec les Fabriques"
    assert conflict.value.current.version == opened_at + 1
    milestone.refresh_from_db()
    assert milestone.title == "Cartographier avec les Fabriques"


def test_a_move_since_the_form_opened_makes_its_save_stale(workshop, facilitator):
    """The move may have changed the due date the form shows: saving it back would undo it."""
    milestone = make_milestone(workshop)
    milestone_move(milestone=milestone, by=facilitator, horizon=Horizon.YEAR)
    with pytest.raises(MilestoneConflict):
        milestone_edit(milestone=milestone, by=facilitator, version=1, data=_data(milestone))


def test_a_due_date_chosen_by_hand_is_marked_and_the_horizons_date_is_not(workshop, facilitator):
    milestone = make_milestone(workshop)
    by_hand = milestone_edit(milestone=milestone, by=facilitator, version=1,
                             data=_data(milestone, due_on=dt.date(2021, 4, 1)))  # fmt: skip
    assert by_hand.due_on_by_hand is True
    back = milestone_edit(milestone=milestone, by=facilitator, version=2,
                          data=_data(milestone, due_on=dt.date(2021, 5, 18)))  # fmt: skip
    assert back.due_on_by_hand is False


def test_an_owner_who_left_is_refused(workshop, facilitator):
    gone = make_agent("parti@example.org", is_active=False)
    milestone = make_milestone(workshop)
    with pytest.raises(ValidationError) as refused:
        milestone_edit(milestone=milestone, by=facilitator, version=1,
                       data=_data(milestone, owner=gone))  # fmt: skip
    assert "owner" in refused.value.message_dict


def test_a_participant_does_not_edit_milestones(workshop, agent):
    participant_join(workshop=workshop, agent=agent)
    milestone = make_milestone(workshop)
    with pytest.raises(PermissionDenied):
        milestone_edit(milestone=milestone, by=agent, version=1, data=_data(milestone))


def test_a_closed_workshops_milestones_are_followed_up_but_keep_their_title(
    workshop, facilitator, agent
):
    milestone = make_milestone(workshop)
    set_status(workshop, WorkshopStatus.CLOSED)

    with pytest.raises(ValidationError) as refused:
        milestone_edit(milestone=milestone, by=facilitator, version=1,
                       data=_data(milestone, title="Autre chose"))  # fmt: skip
    assert "title" in refused.value.message_dict

    followed = milestone_edit(milestone=milestone, by=facilitator, version=1,
                              data=_data(milestone, owner=agent, due_on=dt.date(2021, 6, 30),
                                         status=MilestoneStatus.DONE))  # fmt: skip
    assert (followed.owner, followed.due_on, followed.status) == (
        agent, dt.date(2021, 6, 30), MilestoneStatus.DONE)  # fmt: skip
    assert followed.done_on == timezone.localdate()


# --- moving -----------------------------------------------------------------------------------


def test_a_move_to_another_horizon_renumbers_both_and_follows_the_horizons_date(
    workshop, facilitator
):
    a, b, c = (make_milestone(workshop, title=t) for t in ("A", "B", "C"))
    d = make_milestone(workshop, title="D", horizon=Horizon.YEAR)

    moved = milestone_move(milestone=b, by=facilitator, horizon=Horizon.YEAR, position=0)

    assert (moved.horizon, moved.position, moved.due_on) == (Horizon.YEAR, 0, dt.date(2021, 11, 18))
    positions = dict(Milestone.objects.values_list("title", "position"))
    assert positions == {"A": 0, "C": 1, "B": 0, "D": 1}
    assert moved.version == 2
    assert {a.pk, c.pk, d.pk} == set(
        Milestone.objects.exclude(pk=b.pk).values_list("pk", flat=True)
    )


def test_a_due_date_set_by_hand_stays_when_the_milestone_moves(workshop, facilitator):
    milestone = make_milestone(workshop)
    milestone_edit(milestone=milestone, by=facilitator, version=1,
                   data=_data(milestone, due_on=dt.date(2021, 3, 1)))  # fmt: skip
    moved = milestone_move(milestone=milestone, by=facilitator, horizon=Horizon.TWO_YEARS)
    assert moved.due_on == dt.date(2021, 3, 1)
    ideal = milestone_move(milestone=milestone, by=facilitator, horizon=Horizon.IDEAL)
    assert ideal.due_on == dt.date(2021, 3, 1)


def test_a_move_to_the_ideal_drops_the_date_the_horizon_gave(workshop, facilitator):
    milestone = make_milestone(workshop)
    assert milestone_move(milestone=milestone, by=facilitator, horizon=Horizon.IDEAL).due_on is None


def test_up_and_down_in_a_horizon_stop_at_its_ends(workshop, facilitator):
    a, _b, c = (make_milestone(workshop, title=t) for t in ("A", "B", "C"))
    milestone_move(milestone=c, by=facilitator, offset=-1)
    assert list(Milestone.objects.order_by("position").values_list("title", flat=True)) == [
        "A", "C", "B"]  # fmt: skip
    top = milestone_move(milestone=a, by=facilitator, offset=-1)
    assert (top.position, top.version) == (0, 1)  # nothing moved, nothing written
    milestone_move(milestone=a, by=facilitator, offset=5)
    assert list(Milestone.objects.order_by("position").values_list("title", flat=True)) == [
        "C", "B", "A"]  # fmt: skip


def test_no_move_in_a_closed_workshop_nor_by_a_participant(workshop, facilitator, agent):
    participant_join(workshop=workshop, agent=agent)
    milestone = make_milestone(workshop)
    with pytest.raises(PermissionDenied):
        milestone_move(milestone=milestone, by=agent, horizon=Horizon.YEAR)
    set_status(workshop, WorkshopStatus.CLOSED)
    with pytest.raises(ValidationError):
        milestone_move(milestone=milestone, by=facilitator, horizon=Horizon.YEAR)
    milestone.refresh_from_db()
    assert milestone.horizon == Horizon.SIX_MONTHS


# --- status -----------------------------------------------------------------------------------


def test_the_owner_marks_their_milestone_done_even_once_the_workshop_is_closed(
    workshop, facilitator, agent
):
    milestone = make_milestone(workshop)
    milestone_edit(
        milestone=milestone, by=facilitator, version=1, data=_data(milestone, owner=agent)
    )
    set_status(workshop, WorkshopStatus.CLOSED)

    done = milestone_set_status(milestone=milestone, by=agent, status=MilestoneStatus.DONE)
    assert (done.status, done.done_on) == (MilestoneStatus.DONE, timezone.localdate())
    reopened = milestone_set_status(milestone=milestone, by=agent, status=MilestoneStatus.OPEN)
    assert (reopened.status, reopened.done_on) == (MilestoneStatus.OPEN, None)


def test_someone_else_does_not_set_the_status(workshop, agent, decision_maker):
    milestone = make_milestone(workshop)
    with pytest.raises(PermissionDenied):
        milestone_set_status(milestone=milestone, by=decision_maker, status=MilestoneStatus.DONE)


def test_an_unknown_status_is_refused(workshop, facilitator):
    milestone = make_milestone(workshop)
    with pytest.raises(ValidationError):
        milestone_set_status(milestone=milestone, by=facilitator, status="finished")


# --- what it becomes --------------------------------------------------------------------------


def test_a_milestone_becomes_a_draft_initiative_once(workshop, facilitator, agent):
    milestone = make_milestone(workshop, title="Ouvrir des maisons collaboratives")
    milestone_edit(
        milestone=milestone, by=facilitator, version=1, data=_data(milestone, owner=agent)
    )

    initiative = milestone_to_initiative(milestone=milestone, by=facilitator)
    again = milestone_to_initiative(milestone=milestone, by=facilitator)

    assert again.pk == initiative.pk
    assert Initiative.objects.count() == 1
    assert initiative.is_draft
    assert (initiative.title, initiative.author) == (
        "Ouvrir des maisons collaboratives",
        facilitator,
    )
    assert list(initiative.coauthors.all()) == [agent]
    assert "Pérenniser le hors-norme" in initiative.idea
    assert list(initiative.workshop_milestones.all()) == [milestone]


def test_a_milestone_becomes_a_norm_to_debate_once(workshop, facilitator):
    milestone = make_milestone(workshop, title="Voter la loi 4D")
    norm = milestone_to_norm(milestone=milestone, by=facilitator, kind=NormKind.PROCEDURE)
    again = milestone_to_norm(milestone=milestone, by=facilitator)
    assert again.pk == norm.pk
    assert Norm.objects.count() == 1
    assert (norm.title, norm.status, norm.kind) == (
        "Voter la loi 4D", NormStatus.DEBATE, NormKind.PROCEDURE)  # fmt: skip
    assert norm.origin_date == HELD_ON
    assert "Pérenniser le hors-norme" in norm.text
    milestone.refresh_from_db()
    assert milestone.norm == norm


def test_a_closed_workshops_milestone_still_becomes_tracked_work(workshop, facilitator):
    milestone = make_milestone(workshop)
    set_status(workshop, WorkshopStatus.CLOSED)
    assert milestone_to_initiative(milestone=milestone, by=facilitator).pk


@pytest.mark.parametrize("convert", [milestone_to_initiative, milestone_to_norm])
def test_only_those_who_follow_the_roadmap_up_convert_milestones(workshop, agent, convert):
    milestone = make_milestone(workshop)
    with pytest.raises(PermissionDenied):
        convert(milestone=milestone, by=agent)
    assert not Initiative.objects.exists() and not Norm.objects.exists()


def test_a_milestone_is_mapped_as_one_cooperation(workshop, facilitator):
    actors = [make_actor("Secours populaire", by=facilitator), make_actor("CCAS", by=facilitator)]
    first = make_cooperation(actors, by=facilitator, title="Cartographier")
    second = make_cooperation(actors, by=facilitator, title="Une autre")
    milestone = make_milestone(workshop)

    milestone_to_cooperation(milestone=milestone, by=facilitator, cooperation=first)
    milestone_to_cooperation(milestone=milestone, by=facilitator, cooperation=first)
    with pytest.raises(ValidationError, match="already mapped"):
        milestone_to_cooperation(milestone=milestone, by=facilitator, cooperation=second)

    milestone.refresh_from_db()
    assert milestone.cooperation == first
    assert list(first.workshop_milestones.all()) == [milestone]


def test_a_hidden_note_becomes_a_milestone_only_once_revealed(facilitator, agent):
    """Its text would show on the roadmap and in the report before the reveal."""
    from riposte.workshops.board import step_hide, step_reveal
    from riposte.workshops.rules import viewer_for

    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    note = make_note(workshop, by=agent, text="Ouvrir des maisons collaboratives")
    as_facilitator = viewer_for(facilitator, {}, workshop)
    step_hide(step=note.step, by=as_facilitator)
    with pytest.raises(ValidationError, match="Reveal the notes"):
        milestone_from_note(note=note, by=facilitator, horizon=Horizon.IDEAL)
    assert not Milestone.objects.exists()
    step_reveal(step=note.step, by=as_facilitator)
    assert milestone_from_note(note=note, by=facilitator, horizon=Horizon.IDEAL).source_note == note


def test_the_milestones_page_shows_its_note_only_to_whom_the_board_shows_it(
    facilitator, agent, client_for
):
    from riposte.workshops.board import note_edit, step_hide
    from riposte.workshops.rules import viewer_for

    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    note = make_note(workshop, by=facilitator, text="Hacker les CTAP")
    milestone = milestone_from_note(note=note, by=facilitator, horizon=Horizon.IDEAL)
    as_facilitator = viewer_for(facilitator, {}, workshop)
    # Edited, then hidden again since: the milestone's page shows the note as it is now.
    note_edit(note=note, by=as_facilitator, text="Hacker les CTAP, avant la révélation", version=1)
    step_hide(step=note.step, by=as_facilitator)
    url = f"/workshops/milestones/{milestone.pk}/"
    assert "avant la révélation" not in client_for("agent").get(url).content.decode()
    assert "avant la révélation" in client_for("facilitator").get(url).content.decode()
