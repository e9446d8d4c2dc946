"""The rules and writes of riposte/initiatives/services.py, on the real database.

Each test says what an agent may do to an initiative and what is left in the database afterwards:
rows written (or not), history kept, who is told.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from riposte.core.comments import comment_create
from riposte.core.follows import follow_toggle, followers_of
from riposte.core.models import Follow
from riposte.directory.models import AgentSupportProfile, Role
from riposte.initiatives.models import (
    Contribution,
    HelpRequest,
    Initiative,
    Stage,
    StageChange,
    Support,
)
from riposte.initiatives.services import (
    InitiativeData,
    contribution_offer,
    help_request_assign,
    help_request_close,
    help_request_open,
    initiative_create,
    initiative_merge,
    initiative_move,
    support_toggle,
)
from tests.initiatives.builders import (
    BIKES,
    CANTEEN,
    ELDERS,
    colleague,
    communes,
    data,
    draft,
    last_notification_id,
    notified_since,
    publish,
)


def _error_keys(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


# --- create, draft or submitted -------------------------------------------------------------------


def test_a_draft_needs_only_a_title_and_has_no_history(agent) -> None:
    initiative = draft(agent, "Idée à creuser")

    initiative.refresh_from_db()
    assert initiative.is_draft and initiative.submitted_at is None
    assert initiative.title == "Idée à creuser"
    assert initiative.author == agent
    assert not StageChange.objects.filter(initiative=initiative).exists()
    # Its author follows it from the start, to hear of what happens to it.
    assert list(followers_of(initiative)) == [agent]


@pytest.mark.parametrize(
    ("missing", "key"),
    [
        ({"problem": ""}, "problem"),
        ({"idea": "   "}, "idea"),  # blanks are nothing
        ({"whole_department": False, "communes": []}, "communes"),
        ({"needs_authorisation": True, "authorisation": ""}, "authorisation"),
    ],
    ids=["problem", "idea", "communes", "authorisation"],
)
def test_submitting_needs_a_complete_initiative(agent, missing, key) -> None:
    """Submitted, an initiative must say the problem, the idea, where, and which authorisation."""
    with pytest.raises(ValidationError) as excinfo:
        initiative_create(author=agent, data=data(**missing), submit=True)

    assert _error_keys(excinfo) == {key}
    assert Initiative.objects.count() == 0
    # The same half-written initiative may still be saved as a draft.
    assert initiative_create(author=agent, data=data(**missing), submit=False).is_draft


def test_every_missing_part_is_reported_at_once(agent) -> None:
    with pytest.raises(ValidationError) as excinfo:
        initiative_create(author=agent, data=InitiativeData(title="Juste un titre"), submit=True)
    assert _error_keys(excinfo) == {"problem", "idea", "communes"}


def test_submitting_records_the_first_stage_change(agent) -> None:
    before = timezone.now()
    initiative = publish(agent, communes=communes("93066", "93048"))

    initiative.refresh_from_db()
    assert not initiative.is_draft
    assert before <= initiative.submitted_at <= timezone.now()
    assert initiative.stage == Stage.SPOTTED
    assert sorted(c.insee_code for c in initiative.communes.all()) == ["93048", "93066"]
    change = StageChange.objects.get(initiative=initiative)
    assert (change.from_stage, change.to_stage, change.by) == ("", Stage.SPOTTED, agent)
    assert change.reason.strip() != ""
    assert change.at == initiative.submitted_at == initiative.stage_changed_at


def test_a_deactivated_coauthor_is_refused(agent, facilitator) -> None:
    facilitator.is_active = False
    facilitator.save()

    with pytest.raises(ValidationError) as excinfo:
        publish(agent, coauthors=[facilitator])

    assert excinfo.value.message_dict == {
        "coauthors": [gettext("A co-author has left: their account is closed.")]
    }
    assert Initiative.objects.count() == 0  # the whole write is rolled back


def test_an_author_with_initiatives_cannot_be_deleted(agent) -> None:
    initiative = publish(agent)

    with pytest.raises(ProtectedError):
        agent.delete()

    assert Initiative.objects.get(pk=initiative.pk).author_id == agent.pk


# --- what the form lets through --------------------------------------------------------------------


def _complete_form(**fields: str) -> dict[str, str]:
    """The new-initiative form, filled in and published."""
    return {**ELDERS, "whole_department": "on", "submit": "1", **fields}


def test_html_in_a_title_is_text_and_escaped_on_the_page(agent, client_for) -> None:
    title = "<script>alert(1)</script> Vélos <b>partagés</b>"
    initiative = publish(agent, title=title)
    initiative.refresh_from_db()
    assert initiative.title == title  # stored as typed: text, never HTML

    page = client_for("decision_maker").get(initiative.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(1)" not in html
    assert "<b>partagés" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Vélos &lt;b&gt;partagés&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [("title", "T" * 201, 200), ("problem", "P" * 5001, 5000)],
)
def test_too_long_texts_are_refused_by_the_form(field, value, limit, client_for) -> None:
    response = client_for("agent").post(
        reverse("initiatives:new"), _complete_form(**{field: value})
    )

    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert str(limit) in errors[field][0]
    assert escape(errors[field][0]) in response.content.decode()
    assert Initiative.objects.count() == 0


def test_a_deactivated_coauthor_is_refused_by_the_form(facilitator, client_for) -> None:
    facilitator.is_active = False
    facilitator.save()

    response = client_for("agent").post(
        reverse("initiatives:new"), _complete_form(coauthors=facilitator.email)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["coauthors"] and len(errors["coauthors"]) == 1
    message = errors["coauthors"][0]
    assert message.endswith(f": {facilitator.email}")  # says who, whatever the wording
    assert escape(message) in response.content.decode()
    assert Initiative.objects.count() == 0


# --- moving along the stages ----------------------------------------------------------------------


@pytest.fixture
def published(agent) -> Initiative:
    return publish(agent)


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_move_an_initiative(role, actors, published) -> None:
    """Even the author (the `agent` actor) may not move their own initiative."""
    with pytest.raises(PermissionDenied):
        initiative_move(
            initiative=published, by=actors[role], to_stage=Stage.QUALIFIED, reason="Pourquoi pas"
        )
    published.refresh_from_db()
    assert published.stage == Stage.SPOTTED
    assert StageChange.objects.filter(initiative=published).count() == 1  # the submission only


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_facilitators_and_admins_move_it(role, actors, published) -> None:
    initiative_move(
        initiative=published, by=actors[role], to_stage=Stage.QUALIFIED, reason="Besoin confirmé."
    )
    published.refresh_from_db()
    assert published.stage == Stage.QUALIFIED


def test_a_draft_cannot_be_moved(agent, facilitator) -> None:
    initiative = draft(agent)
    with pytest.raises(PermissionDenied):
        initiative_move(
            initiative=initiative, by=facilitator, to_stage=Stage.QUALIFIED, reason="Trop tôt"
        )


@pytest.mark.parametrize("to_stage", [Stage.SUSTAINED, Stage.SPREAD, "nimporte-quoi"])
def test_only_next_stages_are_allowed(facilitator, published, to_stage) -> None:
    """From "spotted", only "qualified" or "abandoned"."""
    with pytest.raises(ValidationError) as excinfo:
        initiative_move(initiative=published, by=facilitator, to_stage=to_stage, reason="Allons-y")
    assert _error_keys(excinfo) == {"to_stage"}
    published.refresh_from_db()
    assert published.stage == Stage.SPOTTED


@pytest.mark.parametrize(
    ("to_stage", "message"),
    [
        (Stage.QUALIFIED, "Say why, for the authors and the followers."),
        (Stage.ABANDONED, "Say what was learned: it is what stays of an abandoned initiative."),
    ],
)
def test_a_reason_is_required(facilitator, published, to_stage, message) -> None:
    with pytest.raises(ValidationError) as excinfo:
        initiative_move(initiative=published, by=facilitator, to_stage=to_stage, reason="  \n ")
    assert excinfo.value.message_dict == {"reason": [gettext(message)]}
    assert StageChange.objects.filter(initiative=published).count() == 1


def test_a_move_is_recorded_and_told(agent, facilitator, decision_maker, moderator, admin_agent):
    """The history says who, when and why; the author, co-authors and followers are told, the
    facilitator who moved it is not (even though they follow it), nor is anybody else."""
    initiative = publish(agent, coauthors=[decision_maker])
    follow_toggle(agent=moderator, target=initiative)
    follow_toggle(agent=facilitator, target=initiative)
    last = last_notification_id()
    before = timezone.now()

    change = initiative_move(
        initiative=initiative,
        by=facilitator,
        to_stage=Stage.QUALIFIED,
        reason="  Le besoin est confirmé par trois CCAS.  ",
    )

    initiative.refresh_from_db()
    assert initiative.stage == Stage.QUALIFIED
    history = list(StageChange.objects.filter(initiative=initiative).order_by("at", "id"))
    assert [(c.from_stage, c.to_stage) for c in history] == [
        ("", Stage.SPOTTED),
        (Stage.SPOTTED, Stage.QUALIFIED),
    ]
    assert history[-1] == change
    assert change.by == facilitator
    assert change.reason == "Le besoin est confirmé par trois CCAS."
    assert before <= change.at <= timezone.now()
    assert initiative.stage_changed_at == change.at
    assert notified_since(last) == sorted([agent.email, decision_maker.email, moderator.email])
    assert admin_agent.email not in notified_since(last)
    told = agent.notifications.get()
    assert "Le besoin est confirmé par trois CCAS." in told.message
    assert told.url == reverse("initiatives:detail", args=[initiative.pk])
    assert told.actor == facilitator


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "» est passée à l'étape « Qualifiée »"), ("en", "” moved to the stage “Qualified”")],
)
def test_a_move_is_told_in_each_recipients_language(agent, facilitator, language, expected):
    agent.language = language
    agent.save(update_fields=["language"])
    initiative = publish(agent)

    initiative_move(initiative=initiative, by=facilitator, to_stage=Stage.QUALIFIED, reason="Oui.")

    assert expected in agent.notifications.get().message


def test_an_abandoned_initiative_may_start_again(facilitator, published) -> None:
    initiative_move(
        initiative=published, by=facilitator, to_stage=Stage.ABANDONED, reason="Pas de budget."
    )
    initiative_move(
        initiative=published, by=facilitator, to_stage=Stage.SPOTTED, reason="Budget trouvé."
    )
    published.refresh_from_db()
    assert published.stage == Stage.SPOTTED
    assert list(
        StageChange.objects.filter(initiative=published).values_list("to_stage", flat=True)
    ) == [Stage.SPOTTED, Stage.ABANDONED, Stage.SPOTTED]


# --- support and contributions ----------------------------------------------------------------------


def test_support_toggles_once_per_agent(published, decision_maker) -> None:
    assert support_toggle(initiative=published, agent=decision_maker) is True
    assert list(published.supports.values_list("agent", flat=True)) == [decision_maker.pk]

    assert support_toggle(initiative=published, agent=decision_maker) is False
    assert published.supports.count() == 0

    assert support_toggle(initiative=published, agent=decision_maker) is True
    assert published.supports.count() == 1


def test_the_database_keeps_one_support_per_agent(published, decision_maker) -> None:
    Support.objects.create(initiative=published, agent=decision_maker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(initiative=published, agent=decision_maker)
    assert published.supports.count() == 1


def test_a_draft_cannot_be_supported(agent) -> None:
    """Not even by its author."""
    initiative = draft(agent)
    with pytest.raises(PermissionDenied):
        support_toggle(initiative=initiative, agent=agent)
    assert Support.objects.count() == 0


def test_a_contribution_needs_a_skill(published, moderator) -> None:
    with pytest.raises(ValidationError) as excinfo:
        contribution_offer(initiative=published, agent=moderator, skill="   ")
    assert _error_keys(excinfo) == {"skill"}
    assert Contribution.objects.count() == 0


def test_a_second_offer_rewords_the_first(agent, published, moderator) -> None:
    """One row per agent; the authors are told of the first offer only."""
    last = last_notification_id()
    contribution_offer(initiative=published, agent=moderator, skill="graphisme", message="Dispo")
    assert notified_since(last) == [agent.email]

    last = last_notification_id()
    contribution_offer(initiative=published, agent=moderator, skill=" mise en page ")

    offer = Contribution.objects.get(initiative=published)
    assert (offer.agent, offer.skill, offer.message) == (moderator, "mise en page", "")
    assert notified_since(last) == []


# --- help from the support team ----------------------------------------------------------------------


def test_one_live_request_per_profile(agent, published) -> None:
    first = help_request_open(initiative=published, by=agent, profile="design", message="Maquette")
    assert (first.status, first.requested_by, first.message) == ("open", agent, "Maquette")

    with pytest.raises(ValidationError) as excinfo:
        help_request_open(initiative=published, by=agent, profile="design")
    assert _error_keys(excinfo) == {"profile"}
    assert published.help_requests.count() == 1

    # Another profile is another request; once the first is done, design may be asked again.
    help_request_open(initiative=published, by=agent, profile="legal")
    HelpRequest.objects.filter(pk=first.pk).update(status="done", closed_at=timezone.now())
    help_request_open(initiative=published, by=agent, profile="design")
    assert sorted(published.help_requests.values_list("profile", "status")) == [
        ("design", "done"),
        ("design", "open"),
        ("legal", "open"),
    ]


def test_an_unknown_profile_is_refused(agent, published) -> None:
    with pytest.raises(ValidationError) as excinfo:
        help_request_open(initiative=published, by=agent, profile="astrologie")
    assert _error_keys(excinfo) == {"profile"}
    assert HelpRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("agent", True),  # the author
        ("facilitator", True),
        ("admin", True),
        ("decision_maker", False),
        ("moderator", False),
    ],
)
def test_only_authors_and_facilitators_ask_for_help(role, allowed, actors, published) -> None:
    if allowed:
        help_request_open(initiative=published, by=actors[role], profile="data")
        assert published.help_requests.get().requested_by == actors[role]
    else:
        with pytest.raises(PermissionDenied):
            help_request_open(initiative=published, by=actors[role], profile="data")
        assert HelpRequest.objects.count() == 0


def test_a_coauthor_asks_for_help_but_not_on_a_draft(agent, decision_maker) -> None:
    published = publish(agent, coauthors=[decision_maker])
    help_request_open(initiative=published, by=decision_maker, profile="funding")
    with pytest.raises(PermissionDenied):
        help_request_open(initiative=draft(agent), by=agent, profile="funding")
    assert HelpRequest.objects.count() == 1


@pytest.fixture
def help_request(agent, published) -> HelpRequest:
    return help_request_open(initiative=published, by=agent, profile="design")


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_assign(role, actors, facilitator, help_request) -> None:
    with pytest.raises(PermissionDenied):
        help_request_assign(request=help_request, by=actors[role], assignee=facilitator)
    help_request.refresh_from_db()
    assert (help_request.status, help_request.assignee) == ("open", None)


def test_the_assignee_is_an_active_member_of_the_support_team(
    agent, facilitator, decision_maker, help_request
) -> None:
    """A facilitator, or an agent with a support-team profile; never a closed account."""
    gone = colleague("parti@example.org", role=Role.FACILITATOR, is_active=False)
    for assignee in (decision_maker, gone):
        with pytest.raises(ValidationError) as excinfo:
            help_request_assign(request=help_request, by=facilitator, assignee=assignee)
        assert _error_keys(excinfo) == {"assignee"}
    help_request.refresh_from_db()
    assert help_request.status == "open"

    designer = colleague("designer@example.org", first_name="Inès", last_name="Roux")
    AgentSupportProfile.objects.create(agent=designer, profile="design")
    last = last_notification_id()
    help_request_assign(request=help_request, by=facilitator, assignee=designer)

    help_request.refresh_from_db()
    assert (help_request.status, help_request.assignee) == ("assigned", designer)
    assert help_request.assigned_at is not None
    assert notified_since(last) == sorted([agent.email, designer.email])


def test_a_facilitator_takes_the_request_themselves(facilitator, help_request) -> None:
    help_request_assign(request=help_request, by=facilitator, assignee=facilitator)
    help_request.refresh_from_db()
    assert (help_request.status, help_request.assignee) == ("assigned", facilitator)


def test_closing_needs_the_help_given_and_tells_the_authors(
    agent, decision_maker, facilitator, help_request
) -> None:
    initiative = help_request.initiative
    initiative.coauthors.add(decision_maker)
    with pytest.raises(ValidationError) as excinfo:
        help_request_close(request=help_request, by=facilitator, help_given="  ")
    assert _error_keys(excinfo) == {"help_given"}
    help_request.refresh_from_db()
    assert help_request.status == "open"

    last = last_notification_id()
    help_request_close(request=help_request, by=facilitator, help_given=" Atelier d'une heure. ")

    help_request.refresh_from_db()
    assert (help_request.status, help_request.help_given) == ("done", "Atelier d'une heure.")
    assert help_request.closed_at is not None
    assert notified_since(last) == sorted([agent.email, decision_maker.email])

    with pytest.raises(ValidationError):
        help_request_close(request=help_request, by=facilitator, help_given="Encore")
    help_request.refresh_from_db()
    assert help_request.help_given == "Atelier d'une heure."


def test_the_author_may_cancel_without_saying_more(agent, help_request) -> None:
    last = last_notification_id()
    help_request_close(request=help_request, by=agent, help_given="", cancelled=True)
    help_request.refresh_from_db()
    assert help_request.status == "cancelled"
    assert notified_since(last) == []  # nobody to tell of one's own cancellation
    with pytest.raises(ValidationError):
        help_request_close(request=help_request, by=agent, help_given="", cancelled=True)


def test_the_author_may_not_close_as_done(agent, help_request) -> None:
    with pytest.raises(PermissionDenied):
        help_request_close(request=help_request, by=agent, help_given="Fait moi-même")
    help_request.refresh_from_db()
    assert help_request.status == "open"


# --- joining forces ----------------------------------------------------------------------------------


def _followers(initiative: Initiative) -> list[int]:
    return sorted(
        Follow.objects.filter(
            content_type=ContentType.objects.get_for_model(Initiative), object_id=initiative.pk
        ).values_list("agent_id", flat=True)
    )


def _snapshot() -> dict[str, object]:
    """Everything a merge may change, to check a refused merge changed nothing."""
    return {
        "initiatives": sorted(Initiative.objects.values_list("pk", "merged_into", "merged_at")),
        "supports": sorted(Support.objects.values_list("initiative", "agent")),
        "contributions": sorted(Contribution.objects.values_list("initiative", "agent", "skill")),
        "follows": sorted(Follow.objects.values_list("object_id", "agent")),
        "coauthors": sorted(
            Initiative.coauthors.through.objects.values_list("initiative", "agent")
        ),
        "help": sorted(HelpRequest.objects.values_list("pk", "initiative", "status")),
        "communes": sorted(
            Initiative.communes.through.objects.values_list("initiative", "commune")
        ),
    }


@pytest.fixture
def pair(agent, decision_maker, moderator, admin_agent):
    """`source` (by the agent, with a co-author) duplicates `target` (by Bruno).

    Both are supported by the decision-maker, and followed by the admin; the moderator supports and
    offers to contribute to the source only, but had already offered a skill to the target.
    """
    xavier = colleague("xavier@example.org", first_name="Xavier", last_name="Petit")
    bruno = colleague("bruno@example.org", first_name="Bruno", last_name="Hamel")
    source = publish(agent, ELDERS, coauthors=[xavier], communes=communes("93066"))
    target = publish(
        bruno, ELDERS, title="Téléphoner aux personnes âgées seules", communes=communes("93048")
    )
    for initiative in (source, target):
        support_toggle(initiative=initiative, agent=decision_maker)
        follow_toggle(agent=admin_agent, target=initiative)
    support_toggle(initiative=source, agent=moderator)
    contribution_offer(initiative=source, agent=moderator, skill="juriste")
    contribution_offer(initiative=target, agent=moderator, skill="rédaction")
    contribution_offer(initiative=source, agent=admin_agent, skill="tableur")
    help_request_open(initiative=source, by=agent, profile="design")
    help_request_open(initiative=source, by=agent, profile="legal")
    help_request_open(initiative=target, by=bruno, profile="legal")
    return source, target, xavier, bruno


def test_merge_carries_everything_over_without_duplicates(
    pair, agent, decision_maker, moderator, admin_agent, facilitator
) -> None:
    """Made by a facilitator, the target's side agrees: the source's authors become co-authors."""
    source, target, xavier, bruno = pair
    source_before = {k: v for k, v in _snapshot().items() if k != "initiatives"}

    assert initiative_merge(source=source, target=target, by=facilitator) == target

    assert sorted(a.pk for a in target.coauthors.all()) == sorted([agent.pk, xavier.pk])
    assert sorted(target.supports.values_list("agent", flat=True)) == sorted(
        [decision_maker.pk, moderator.pk]
    )
    assert sorted(target.contributions.values_list("agent", "skill")) == sorted(
        [(moderator.pk, "rédaction"), (admin_agent.pk, "tableur")]  # the target's own skill stays
    )
    # Co-authors follow what they carry: Xavier, co-author of the source, now follows the target.
    assert _followers(target) == sorted([bruno.pk, admin_agent.pk, agent.pk, xavier.pk])
    assert sorted(c.insee_code for c in target.communes.all()) == ["93048", "93066"]
    # Design help moves over; legal help was already asked on the target: cancelled on the source.
    assert sorted(target.help_requests.values_list("profile", "status")) == [
        ("design", "open"),
        ("legal", "open"),
    ]
    assert list(source.help_requests.values_list("profile", "status")) == [("legal", "cancelled")]

    # The source's page keeps its data and points to the target.
    source.refresh_from_db()
    assert source.merged_into == target and source.merged_at is not None
    assert source.title == ELDERS["title"] and source.author == agent
    assert [a.pk for a in source.coauthors.all()] == [xavier.pk]
    assert source.supports.count() == 2
    assert source.contributions.count() == 2
    assert _followers(source) == sorted([agent.pk, admin_agent.pk, xavier.pk])
    after = _snapshot()
    for key in ("supports", "contributions", "follows", "coauthors"):
        assert set(source_before[key]) <= set(after[key])  # nothing deleted


def test_merge_by_a_facilitator(pair, facilitator) -> None:
    source, target, _xavier, _bruno = pair
    initiative_merge(source=source, target=target, by=facilitator)
    source.refresh_from_db()
    assert source.merged_into_id == target.pk


def test_an_outsider_may_not_merge(pair, decision_maker) -> None:
    """The decision-maker supports both, but is neither an author nor a facilitator."""
    source, target, _xavier, _bruno = pair
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        initiative_merge(source=source, target=target, by=decision_maker)
    assert _snapshot() == before


def test_merge_into_itself_is_refused(pair, agent) -> None:
    source, _target, _xavier, _bruno = pair
    before = _snapshot()
    with pytest.raises(ValidationError):
        initiative_merge(source=source, target=source, by=agent)
    assert _snapshot() == before


def test_merge_into_a_draft_is_refused(pair, agent) -> None:
    source, _target, _xavier, _bruno = pair
    unfinished = draft(agent, "Le même, en brouillon")
    before = _snapshot()
    with pytest.raises(ValidationError):
        initiative_merge(source=source, target=unfinished, by=agent)
    assert _snapshot() == before


def test_merge_loops_are_refused(pair, agent, facilitator) -> None:
    """Once `source` joined `target`: `target` cannot join `source` (a loop), nor can a third
    initiative join `source`, and `source` cannot join anything else."""
    source, target, _xavier, _bruno = pair
    third = publish(agent, CANTEEN)
    initiative_merge(source=source, target=target, by=facilitator)
    before = _snapshot()

    with pytest.raises(ValidationError):
        initiative_merge(source=target, target=source, by=facilitator)
    with pytest.raises(ValidationError):
        initiative_merge(source=third, target=source, by=facilitator)
    with pytest.raises(PermissionDenied):
        initiative_merge(source=source, target=third, by=facilitator)

    assert _snapshot() == before
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.merged_into_id, target.merged_into_id) == (target.pk, None)


def test_a_merged_initiative_is_no_longer_supported_or_moved(pair, agent, facilitator, moderator):
    source, target, _xavier, _bruno = pair
    initiative_merge(source=source, target=target, by=agent)
    source.refresh_from_db()
    with pytest.raises(ValidationError):
        support_toggle(initiative=source, agent=moderator)
    with pytest.raises(PermissionDenied):
        initiative_move(initiative=source, by=facilitator, to_stage=Stage.QUALIFIED, reason="Non")
    assert source.supports.count() == 2


def test_coauthors_hear_of_comments_without_following_by_hand(agent) -> None:
    coauthor = colleague("co@example.org")
    initiative = publish(agent, coauthors=[coauthor])
    since = last_notification_id()
    comment_create(author=colleague("reader@example.org"), target=initiative, body="Bravo !")
    assert notified_since(since) == sorted([agent.email, coauthor.email])


def test_joining_someone_elses_initiative_gives_no_right_on_it(pair, agent, client_for) -> None:
    """An agent joins their duplicate to a colleague's initiative: they follow it and its authors
    are told, but they are not made co-authors, so they cannot edit it nor merge it away."""
    source, target, xavier, bruno = pair
    since = last_notification_id()
    initiative_merge(source=source, target=target, by=agent)

    assert list(target.coauthors.all()) == []
    assert {agent.pk, xavier.pk} <= set(_followers(target))
    assert bruno.email in notified_since(since)
    assert client_for("agent").get(reverse("initiatives:edit", args=[target.pk])).status_code == 403
    third = publish(agent, BIKES)
    with pytest.raises(PermissionDenied):
        initiative_merge(source=target, target=third, by=agent)
    target.refresh_from_db()
    assert target.merged_into_id is None


def test_no_contribution_on_an_initiative_that_joined_another(pair, facilitator, moderator) -> None:
    source, target, _xavier, _bruno = pair
    initiative_merge(source=source, target=target, by=facilitator)
    source.refresh_from_db()
    with pytest.raises(ValidationError):
        contribution_offer(initiative=source, agent=moderator, skill="graphisme")
