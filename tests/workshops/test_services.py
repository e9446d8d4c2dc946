"""The workshop's writes: creating it (with or without the Riposte template), editing, opening and
closing, its structure, who takes part, and the guests' secret links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from riposte.core.models import AuditEntry
from riposte.directory.models import Role
from riposte.workshops import services
from riposte.workshops.models import Note, Participant, Step, StepKind, Workshop, WorkshopStatus
from riposte.workshops.queries import workshops_list
from riposte.workshops.services import guest_key_digest
from tests.workshops.builders import invite, make_agent, make_workshop, set_status, workshop_data

pytestmark = pytest.mark.django_db


def _titles(workshop: Workshop) -> list[str]:
    return list(workshop.axes.order_by("position").values_list("title", flat=True))


def _steps(axis) -> list[str]:
    return list(axis.steps.order_by("position").values_list("title", flat=True))


def _note(step: Step, participant: Participant, text: str = "Une idée") -> Note:
    return Note.objects.create(step=step, author=participant, text=text)


# --- creating ----------------------------------------------------------------------------------


def test_the_riposte_template_gives_the_seeds_four_axes_each_with_the_three_steps(facilitator):
    workshop = make_workshop(by=facilitator)

    assert _titles(workshop) == [
        "Emergencies and cooperations",
        "Accelerating field initiatives",
        "Debating authorisations",
        "The informal, remotely",
    ]
    for axis in workshop.axes.all():
        assert _steps(axis) == [
            "Where to go?",
            "With which resources or levers?",
            "Through which stages?",
        ]
        kinds = list(axis.steps.order_by("position").values_list("kind", flat=True))
        assert kinds == [StepKind.WHERE, StepKind.RESOURCES, StepKind.STAGES]


def test_the_template_in_french(facilitator):
    with translation.override("fr"):
        workshop = make_workshop(by=facilitator)
    assert _titles(workshop)[0] == "Urgences et coopérations"
    assert _steps(workshop.axes.first())[0] == "Où aller ?"


def test_the_template_with_axes_of_ones_own(facilitator):
    workshop = make_workshop(by=facilitator, axes=["Accueil du public", "Numérique"])
    assert _titles(workshop) == ["Accueil du public", "Numérique"]
    assert Step.objects.filter(axis__workshop=workshop).count() == 6


def test_without_the_template_the_workshop_starts_empty(facilitator):
    workshop = make_workshop(by=facilitator, template=False)
    assert not workshop.axes.exists()


def test_the_creator_and_the_co_facilitators_facilitate_and_take_part(facilitator, admin_agent):
    other = make_agent("odile@example.org", role=Role.FACILITATOR)
    workshop = services.workshop_create(by=facilitator, data=workshop_data(facilitators=[other]))
    assert set(workshop.facilitators.all()) == {facilitator, other}
    assert set(Participant.objects.filter(workshop=workshop).values_list("agent", flat=True)) == {
        facilitator.pk,
        other.pk,
    }
    assert workshop.status == WorkshopStatus.PREPARING
    assert AuditEntry.objects.filter(action="workshop.create").count() == 1


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_the_support_team_creates_workshops(role, actors):
    with pytest.raises(PermissionDenied):
        services.workshop_create(by=actors[role], data=workshop_data())
    assert not Workshop.objects.exists()


def test_the_pitch_is_rendered_without_its_scripts(facilitator):
    workshop = make_workshop(
        by=facilitator, pitch="**Venez** <script>alert(1)</script> [lien](javascript:alert(1))"
    )
    assert "<strong>Venez</strong>" in workshop.pitch_html
    assert "<script" not in workshop.pitch_html
    assert "href" not in workshop.pitch_html  # the link is left as text


def test_a_title_is_required(facilitator):
    with pytest.raises(ValidationError):
        services.workshop_create(by=facilitator, data=workshop_data(title="   "))
    assert not Workshop.objects.exists()


def test_dots_are_between_1_and_50(facilitator):
    with pytest.raises(ValidationError):
        services.workshop_create(by=facilitator, data=workshop_data(dots_per_participant=51))
    with pytest.raises(ValidationError):
        services.workshop_create(by=facilitator, data=workshop_data(dots_per_participant=0))


# --- editing, opening, closing -----------------------------------------------------------------


def test_a_facilitator_edits_and_the_boards_hear_it(facilitator):
    workshop = make_workshop(by=facilitator)
    before = workshop.revision
    services.workshop_update(
        workshop=workshop, by=facilitator, data=workshop_data(title="Nouveau titre", place="Pantin")
    )
    workshop.refresh_from_db()
    assert (workshop.title, workshop.place) == ("Nouveau titre", "Pantin")
    assert workshop.revision == before + 1


def test_the_facilitator_of_another_workshop_may_not_edit_it(facilitator):
    workshop = make_workshop(by=facilitator)
    other = make_agent("olga@example.org", role=Role.FACILITATOR)
    with pytest.raises(PermissionDenied):
        services.workshop_update(workshop=workshop, by=other, data=workshop_data(title="Pris"))
    workshop.refresh_from_db()
    assert workshop.title == "Pérenniser le hors-norme"


def test_an_administrator_runs_any_workshop(facilitator, admin_agent):
    workshop = make_workshop(by=facilitator)
    services.workshop_set_status(workshop=workshop, by=admin_agent, status=WorkshopStatus.LIVE)
    workshop.refresh_from_db()
    assert workshop.status == WorkshopStatus.LIVE


def test_a_closed_workshop_does_not_reopen_nor_change(facilitator):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.CLOSED)
    with pytest.raises(ValidationError):
        services.workshop_set_status(workshop=workshop, by=facilitator, status=WorkshopStatus.LIVE)
    with pytest.raises(ValidationError):
        services.workshop_update(workshop=workshop, by=facilitator, data=workshop_data(title="X"))
    with pytest.raises(ValidationError):
        services.axis_add(workshop=workshop, by=facilitator, title="Encore un axe")
    workshop.refresh_from_db()
    assert (workshop.status, workshop.title) == (WorkshopStatus.CLOSED, "Pérenniser le hors-norme")


# --- the structure -----------------------------------------------------------------------------


def test_an_added_axis_comes_last_with_the_three_steps(facilitator):
    workshop = make_workshop(by=facilitator, axes=["Un"])
    axis = services.axis_add(workshop=workshop, by=facilitator, title="  Deux  ")
    assert _titles(workshop) == ["Un", "Deux"]
    assert len(_steps(axis)) == 3


def test_axes_move_up_and_down_and_stop_at_the_ends(facilitator):
    workshop = make_workshop(by=facilitator, axes=["A", "B", "C"])
    a, _b, c = workshop.axes.order_by("position")
    services.axis_move(axis=c, by=facilitator, offset=-1)
    assert _titles(workshop) == ["A", "C", "B"]
    services.axis_move(axis=a, by=facilitator, offset=-1)  # already first
    assert _titles(workshop) == ["A", "C", "B"]
    services.axis_move(axis=a, by=facilitator, offset=1)
    assert _titles(workshop) == ["C", "A", "B"]


def test_steps_are_added_renamed_moved(facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"])
    axis = workshop.axes.get()
    step = services.step_add(axis=axis, by=facilitator, title="Qui s'en charge ?")
    assert step.kind == StepKind.OTHER
    services.step_rename(step=step, by=facilitator, title="Qui porte ?")
    services.step_move(step=step, by=facilitator, offset=-1)
    assert _steps(axis) == [
        "Where to go?",
        "With which resources or levers?",
        "Qui porte ?",
        "Through which stages?",
    ]


def test_an_empty_axis_or_step_is_deleted(facilitator):
    workshop = make_workshop(by=facilitator, axes=["A", "B"])
    a, b = workshop.axes.order_by("position")
    step = a.steps.first()
    services.step_delete(step=step, by=facilitator)
    assert a.steps.count() == 2
    services.axis_delete(axis=b, by=facilitator)
    assert _titles(workshop) == ["A"]


def test_what_was_said_is_never_deleted_by_a_click(facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"], status=WorkshopStatus.LIVE)
    axis = workshop.axes.get()
    step = axis.steps.first()
    me = Participant.objects.get(workshop=workshop, agent=facilitator)
    _note(step, me)
    with pytest.raises(ValidationError):
        services.step_delete(step=step, by=facilitator)
    with pytest.raises(ValidationError):
        services.axis_delete(axis=axis, by=facilitator)
    assert Note.objects.filter(step=step).count() == 1
    assert axis.steps.count() == 3


def test_a_title_cannot_be_emptied(facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"])
    axis = workshop.axes.get()
    with pytest.raises(ValidationError):
        services.axis_rename(axis=axis, by=facilitator, title="  ")
    with pytest.raises(ValidationError):
        services.step_rename(step=axis.steps.first(), by=facilitator, title="")
    axis.refresh_from_db()
    assert axis.title == "A"


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_its_facilitators_change_the_structure(role, actors, facilitator):
    workshop = make_workshop(by=facilitator, axes=["A"])
    axis = workshop.axes.get()
    who = actors[role]
    with pytest.raises(PermissionDenied):
        services.axis_add(workshop=workshop, by=who, title="B")
    with pytest.raises(PermissionDenied):
        services.axis_rename(axis=axis, by=who, title="B")
    with pytest.raises(PermissionDenied):
        services.step_delete(step=axis.steps.first(), by=who)
    assert _titles(workshop) == ["A"]


# --- who takes part ----------------------------------------------------------------------------


def test_joining_twice_is_joining_once(facilitator, agent):
    workshop = make_workshop(by=facilitator)
    first = services.participant_join(workshop=workshop, agent=agent)
    again = services.participant_join(workshop=workshop, agent=agent)
    assert first.pk == again.pk
    assert workshop.participants.filter(agent=agent).count() == 1


def test_nobody_joins_a_closed_workshop(facilitator, agent):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.CLOSED)
    with pytest.raises(ValidationError):
        services.participant_join(workshop=workshop, agent=agent)


def test_a_guests_key_is_stored_as_a_digest_only(facilitator):
    workshop = make_workshop(by=facilitator)
    guest, key = invite(workshop, "Claire Martin")
    stored = Participant.objects.values().get(pk=guest.pk)
    assert key not in [str(v) for v in stored.values()]
    assert stored["guest_key_digest"] == guest_key_digest(key)
    assert len(key) >= 32
    assert services.guest_for_key(key) == guest
    assert services.guest_for_key(key + "x") is None


def test_a_renewed_link_replaces_the_old_one(facilitator):
    workshop = make_workshop(by=facilitator)
    guest, old = invite(workshop)
    new = services.guest_key_renew(participant=guest, by=facilitator)
    assert new != old
    assert services.guest_for_key(old) is None
    assert services.guest_for_key(new) == guest


def test_only_a_facilitator_invites_and_renews(facilitator, agent):
    workshop = make_workshop(by=facilitator)
    with pytest.raises(PermissionDenied):
        services.guest_invite(workshop=workshop, by=agent, name="Intrus")
    guest, _key = invite(workshop)
    with pytest.raises(PermissionDenied):
        services.guest_key_renew(participant=guest, by=agent)


def test_an_agent_has_no_link_to_renew(facilitator):
    workshop = make_workshop(by=facilitator)
    me = Participant.objects.get(workshop=workshop, agent=facilitator)
    with pytest.raises(ValidationError):
        services.guest_key_renew(participant=me, by=facilitator)


def test_a_guest_needs_a_name(facilitator):
    workshop = make_workshop(by=facilitator)
    with pytest.raises(ValidationError):
        services.guest_invite(workshop=workshop, by=facilitator, name="   ")
    assert not workshop.participants.filter(agent__isnull=True).exists()


def test_nobody_is_invited_to_a_closed_workshop(facilitator):
    workshop = make_workshop(by=facilitator)
    set_status(workshop, WorkshopStatus.CLOSED)
    with pytest.raises(ValidationError):
        services.guest_invite(workshop=workshop, by=facilitator, name="Trop tard")


# --- the list's search -------------------------------------------------------------------------


def test_the_search_ignores_accents_and_case_and_needs_every_word(facilitator):
    seed = make_workshop(by=facilitator, title="Pérenniser le hors-norme")
    make_workshop(by=facilitator, title="Cafés en visio", held_on=dt.date(2021, 1, 5))
    assert list(workshops_list(q="PERENNISER")) == [seed]
    assert list(workshops_list(q="hors perenniser")) == [seed]
    assert list(workshops_list(q="perenniser cafés")) == []
    assert workshops_list(q="").count() == 2


def test_the_list_filters_by_status_and_counts_participants(facilitator, agent):
    live = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    make_workshop(by=facilitator, title="Plus tard")
    services.participant_join(workshop=live, agent=agent)
    found = list(workshops_list(status=WorkshopStatus.LIVE))
    assert found == [live]
    assert found[0].n_participants == 2  # type: ignore[attr-defined]
    # An unknown status filters nothing out.
    assert workshops_list(status="nope").count() == 2
