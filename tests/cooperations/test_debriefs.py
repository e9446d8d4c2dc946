"""The debriefs' rules and writes (riposte/cooperations/debriefs.py), on the real database: who may
open, invite, contribute, consolidate and publish; what is kept (revisions, history); what is
refused, with which message, and that nothing is half-written when it is."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from riposte.cooperations import debrief_rules as rules
from riposte.cooperations.debriefs import (
    DebriefConflict,
    debrief_back_to_draft,
    debrief_contribute,
    debrief_edit,
    debrief_history,
    debrief_invite,
    debrief_open,
    debrief_publish,
    debrief_submit_for_review,
    invite_suggestions,
    revisions_diff,
    word_diff,
)
from riposte.cooperations.models import (
    CooperationStatus,
    Debrief,
    DebriefContribution,
    DebriefRevision,
    DebriefStatus,
)
from riposte.core.models import AuditEntry, Notification
from riposte.directory.models import Agent
from tests.conftest import PASSWORD
from tests.cooperations.builders import make_event
from tests.cooperations.debrief_builders import TEXTS, cooperation, data, published, themes


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, the language of the source strings, whatever the
    catalogues say: the services translate them in the active language."""
    with translation.override("en"):
        yield


def _colleague(email: str = "bruno@example.org", **fields) -> Agent:
    return Agent.objects.create_user(
        email, PASSWORD, first_name="Bruno", last_name="Ferreira", **fields
    )


@pytest.fixture
def coop(agent):
    """A cooperation recorded by the `agent` actor (an agent may record one)."""
    return cooperation(agent, event=make_event())


@pytest.fixture
def debrief(coop, facilitator) -> Debrief:
    return debrief_open(cooperation=coop, by=facilitator)


# --- open -----------------------------------------------------------------------------------------


def test_a_facilitator_opens_one_debrief_per_cooperation(coop, facilitator) -> None:
    debrief = debrief_open(cooperation=coop, by=facilitator)

    assert debrief.status == DebriefStatus.DRAFT and debrief.version == 0
    assert list(debrief.themes.values_list("slug", flat=True)) == ["aide-alimentaire"]
    assert AuditEntry.objects.filter(action="debrief.open", object_id=str(debrief.pk)).exists()
    with pytest.raises(ValidationError, match="already has a debrief"):
        debrief_open(cooperation=coop, by=facilitator)
    assert Debrief.objects.count() == 1


def test_the_database_keeps_one_debrief_per_cooperation(debrief, facilitator) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Debrief.objects.create(cooperation=debrief.cooperation, opened_by=facilitator)


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_open_a_debrief(role, coop, actors) -> None:
    with pytest.raises(PermissionDenied):
        debrief_open(cooperation=coop, by=actors[role])
    assert not Debrief.objects.exists()


def test_an_admin_may_open_a_debrief(coop, admin_agent) -> None:
    assert debrief_open(cooperation=coop, by=admin_agent).pk


def test_a_suggested_cooperation_is_confirmed_before_its_debrief(coop, facilitator) -> None:
    coop.status = CooperationStatus.SUGGESTED
    coop.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="Confirm this cooperation"):
        debrief_open(cooperation=coop, by=facilitator)


# --- invite ---------------------------------------------------------------------------------------


def test_invitees_are_notified_once(debrief, facilitator, agent) -> None:
    bruno = _colleague()

    created = debrief_invite(debrief=debrief, agents=[agent, bruno], by=facilitator)
    again = debrief_invite(debrief=debrief, agents=[agent], by=facilitator)

    assert {i.agent for i in created} == {agent, bruno} and again == []
    notes = Notification.objects.filter(url=debrief.get_absolute_url())
    assert sorted(n.recipient.email for n in notes) == [agent.email, bruno.email]
    # In the recipient's language, with the cooperation's title.
    assert debrief.cooperation.title in notes.get(recipient=bruno).message


def test_nobody_invites_a_colleague_who_left(debrief, facilitator) -> None:
    gone = _colleague(is_active=False)
    with pytest.raises(ValidationError, match="have left"):
        debrief_invite(debrief=debrief, agents=[gone], by=facilitator)
    assert not debrief.invitations.exists()


def test_an_agent_cannot_invite(debrief, agent) -> None:
    with pytest.raises(PermissionDenied):
        debrief_invite(debrief=debrief, agents=[_colleague()], by=agent)


def test_suggestions_are_the_people_involved_not_yet_invited(debrief, agent, facilitator) -> None:
    # The association's cooperation has the DSOL service as an actor: its agents are suggested.
    from riposte.directory.models import Service

    dsol = Service.objects.get(code="DSOL")
    sara = _colleague("sara@example.org", service=dsol)

    assert {a.pk for a in invite_suggestions(debrief)} == {agent.pk, sara.pk}
    debrief_invite(debrief=debrief, agents=[agent], by=facilitator)
    assert [a.pk for a in invite_suggestions(debrief)] == [sara.pk]


# --- contribute -----------------------------------------------------------------------------------


def test_an_invited_agent_contributes_once_and_may_rework_it(debrief, facilitator) -> None:
    bruno = _colleague()
    debrief_invite(debrief=debrief, agents=[bruno], by=facilitator)

    first = debrief_contribute(debrief=debrief, author=bruno, data=data(advice="Premier jet"))
    second = debrief_contribute(debrief=debrief, author=bruno, data=data(advice="Mieux dit"))

    assert first.pk == second.pk
    assert DebriefContribution.objects.get().advice == "Mieux dit"
    # The facilitator who opened it hears of the first contribution only.
    assert Notification.objects.filter(recipient=facilitator).count() == 1


def test_the_database_keeps_one_contribution_per_person(debrief, facilitator) -> None:
    debrief_contribute(debrief=debrief, author=facilitator, data=data())
    with pytest.raises(IntegrityError), transaction.atomic():
        DebriefContribution.objects.create(debrief=debrief, author=facilitator, advice="Bis")


def test_an_agent_who_is_not_invited_cannot_contribute(debrief, agent, decision_maker) -> None:
    # Not even the agent who recorded the cooperation, until they are invited.
    for who in (agent, decision_maker):
        with pytest.raises(PermissionDenied):
            debrief_contribute(debrief=debrief, author=who, data=data())
    assert not DebriefContribution.objects.exists()


def test_an_empty_contribution_is_refused(debrief, facilitator) -> None:
    empty = data(**dict.fromkeys(TEXTS, "   "))
    with pytest.raises(ValidationError, match="at least one question"):
        debrief_contribute(debrief=debrief, author=facilitator, data=empty)
    assert not DebriefContribution.objects.exists()


def test_the_database_refuses_an_empty_contribution(debrief, facilitator) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DebriefContribution.objects.create(debrief=debrief, author=facilitator)


def test_a_text_too_long_is_refused_and_nothing_is_written(debrief, facilitator) -> None:
    with pytest.raises(ValidationError) as excinfo:
        debrief_contribute(debrief=debrief, author=facilitator, data=data(levers="x" * 5001))
    assert set(excinfo.value.message_dict) == {"levers"}
    assert "5000" in excinfo.value.message_dict["levers"][0]
    assert not DebriefContribution.objects.exists()


def test_contributions_close_with_publication(facilitator, agent) -> None:
    debrief = published(facilitator, invite=[agent])
    with pytest.raises(ValidationError, match="contributions are closed"):
        debrief_contribute(debrief=debrief, author=agent, data=data())


def test_html_is_kept_as_text(debrief, facilitator) -> None:
    """Stored as typed: escaping is the pages' job (tested there), never a silent loss here."""
    script = "<script>alert('x')</script> & <b>gras</b>"
    contribution = debrief_contribute(debrief=debrief, author=facilitator, data=data(advice=script))
    assert DebriefContribution.objects.get(pk=contribution.pk).advice == script


# --- the consolidated text: versions and revisions -----------------------------------------------


def test_each_save_is_a_numbered_revision(debrief, facilitator, admin_agent) -> None:
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    debrief = debrief_edit(
        debrief=debrief, by=admin_agent, data=data(advice="Appelez avant."), version=1
    )

    assert debrief.version == 2 and debrief.advice == "Appelez avant."
    revisions = list(DebriefRevision.objects.filter(debrief=debrief).order_by("number"))
    assert [(r.number, r.by) for r in revisions] == [(1, facilitator), (2, admin_agent)]
    assert revisions[0].fields["advice"] == TEXTS["advice"]
    assert revisions[0].content["themes"] == ["aide-alimentaire"]


def test_saving_the_same_text_makes_no_revision(debrief, facilitator) -> None:
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=1)
    assert debrief.version == 1 and debrief.revisions.count() == 1


def test_a_stale_save_is_refused_and_tells_who_saved(debrief, facilitator, admin_agent) -> None:
    """Two facilitators open the form at version 1; the second to save is told, not applied."""
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    debrief_edit(debrief=debrief, by=admin_agent, data=data(advice="Version d'Adrien"), version=1)

    with pytest.raises(DebriefConflict) as excinfo:
        debrief_edit(
            debrief=debrief, by=facilitator, data=data(advice="Version de Fanny"), version=1
        )

    assert excinfo.value.current.version == 2
    assert excinfo.value.saved_by == admin_agent
    assert "Adrien Colas saved this debrief" in excinfo.value.messages[0]
    debrief.refresh_from_db()
    assert (debrief.version, debrief.advice) == (2, "Version d'Adrien")
    assert debrief.revisions.count() == 2


def test_the_database_refuses_two_revisions_with_one_number(debrief, facilitator) -> None:
    debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        DebriefRevision.objects.create(debrief=debrief, number=1, by=facilitator, content={})


def test_only_facilitators_edit_the_consolidated_text(debrief, agent, facilitator) -> None:
    debrief_invite(debrief=debrief, agents=[agent], by=facilitator)
    with pytest.raises(PermissionDenied):
        debrief_edit(debrief=debrief, by=agent, data=data(), version=0)
    assert Debrief.objects.get().version == 0


def test_a_published_debrief_goes_back_to_draft_before_editing(facilitator) -> None:
    debrief = published(facilitator)
    with pytest.raises(ValidationError, match="back to draft"):
        debrief_edit(debrief=debrief, by=facilitator, data=data(advice="Autre"), version=1)


def test_word_diff_shows_the_words_removed_and_added() -> None:
    pieces = word_diff("Appelez l'association avant la crise", "Appelez la mairie avant la crise")
    assert ("delete", "l'association") in pieces and ("insert", "la mairie") in pieces
    assert (
        "".join(t for op, t in pieces if op != "insert") == "Appelez l'association avant la crise"
    )
    assert "".join(t for op, t in pieces if op != "delete") == "Appelez la mairie avant la crise"


def test_revisions_diff_lists_changed_fields_and_themes(debrief, facilitator) -> None:
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    debrief_edit(
        debrief=debrief,
        by=facilitator,
        version=1,
        data=data(advice="Appelez la mairie.", themes=themes("aide-alimentaire", "mobilite")),
    )
    first, second = DebriefRevision.objects.order_by("number")

    fields, added, removed = revisions_diff(first, second)

    assert [f.name for f in fields if f.changed] == ["advice"]
    assert (added, removed) == (["mobilite"], [])
    first_fields, _added, _removed = revisions_diff(None, first)
    assert all(f.changed for f in first_fields) and len(first_fields) == 7


# --- review, publication, back to draft -----------------------------------------------------------


def test_the_way_to_publication_is_recorded(debrief, facilitator, agent) -> None:
    debrief_invite(debrief=debrief, agents=[agent], by=facilitator)
    with pytest.raises(ValidationError, match="Write the consolidated text"):
        debrief_submit_for_review(debrief=debrief, by=facilitator)
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(), version=0)
    with pytest.raises(ValidationError, match="Submit the debrief for review"):
        debrief_publish(debrief=debrief, by=facilitator)

    debrief_submit_for_review(debrief=debrief, by=facilitator)
    debrief = debrief_publish(debrief=debrief, by=facilitator)

    assert debrief.status == DebriefStatus.PUBLISHED
    assert debrief.published_by == facilitator and debrief.published_at <= timezone.now()
    assert debrief.published_revision.number == 1
    assert [h["label"] for h in debrief_history(debrief)] == [
        "Debrief opened",
        "Submitted for review",
        "Published",
    ]
    assert all(h["by"] == facilitator for h in debrief_history(debrief))
    # The invitee, who recorded the cooperation too, is told once of each step: invited, asked
    # to review, published.
    notes = Notification.objects.filter(recipient=agent, url=debrief.get_absolute_url())
    assert notes.count() == 3


def test_publication_needs_a_theme(debrief, facilitator) -> None:
    debrief = debrief_edit(debrief=debrief, by=facilitator, data=data(themes=[]), version=0)
    debrief.themes.clear()
    debrief_submit_for_review(debrief=debrief, by=facilitator)
    with pytest.raises(ValidationError, match="at least one theme"):
        debrief_publish(debrief=debrief, by=facilitator)
    assert Debrief.objects.get().status == DebriefStatus.REVIEW


def test_back_to_draft_from_publication(facilitator) -> None:
    debrief = published(facilitator)
    debrief = debrief_back_to_draft(debrief=debrief, by=facilitator)
    assert debrief.status == DebriefStatus.DRAFT
    with pytest.raises(ValidationError, match="already a draft"):
        debrief_back_to_draft(debrief=debrief, by=facilitator)
    assert debrief_history(debrief)[-1]["label"] == "Back to draft"


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_move_a_debrief(role, actors, facilitator) -> None:
    debrief = published(facilitator)
    with pytest.raises(PermissionDenied):
        debrief_back_to_draft(debrief=debrief, by=actors[role])
    assert Debrief.objects.get().status == DebriefStatus.PUBLISHED


def test_the_database_refuses_a_published_debrief_without_revision(debrief) -> None:
    debrief.status = DebriefStatus.PUBLISHED
    debrief.published_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        debrief.save()


# --- who sees what --------------------------------------------------------------------------------


def test_a_draft_is_seen_by_the_people_at_work_only(debrief, actors, facilitator) -> None:
    bruno = _colleague()
    debrief_invite(debrief=debrief, agents=[bruno], by=facilitator)
    seen = {role for role, who in actors.items() if rules.can_view(who, debrief)}
    # `agent` recorded the cooperation; the admin is a facilitator.
    assert seen == {"agent", "facilitator", "admin"}
    assert rules.can_view(bruno, debrief)


def test_a_published_debrief_is_seen_by_every_agent(actors, facilitator) -> None:
    debrief = published(facilitator)
    seen = {role for role, who in actors.items() if rules.can_view(who, debrief)}
    assert seen == {"agent", "facilitator", "decision_maker", "moderator", "admin"}
    assert not any(rules.can_contribute(who, debrief) for who in actors.values())


def test_a_published_debrief_keeps_its_cooperation(facilitator) -> None:
    """A debrief must never be lost: its cooperation cannot be deleted under it."""
    from django.db.models import ProtectedError

    debrief = published(facilitator)
    with pytest.raises(ProtectedError):
        debrief.cooperation.delete()
    assert Debrief.objects.filter(pk=debrief.pk).exists()
