"""The register, testimonies, the debate and decisions, through their services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from riposte.core.models import AuditEntry, Notification
from riposte.directory.models import Agent, Commune, Role, Service, Site
from riposte.norms.announcements import scope_agents
from riposte.norms.ballots import consultation_seal, vote_cast
from riposte.norms.models import (
    Argument,
    Consultation,
    Decision,
    Endorsement,
    NormStatus,
    NormVersion,
    Outcome,
    Side,
    StatusCause,
    StatusChange,
)
from riposte.norms.services import (
    DecisionData,
    NormConflict,
    argument_add,
    argument_endorse,
    decision_record,
    norm_edit,
    norm_link,
    norm_propose,
    norm_put_to_debate,
)
from riposte.norms.services import (
    testimony_add as add_testimony,
)
from tests.norms.builders import close, make_consultation, make_norm, norm_data

TODAY = timezone.localdate


def test_any_agent_proposes_a_norm_which_starts_its_history(agent):
    norm = make_norm(by=agent)

    assert norm.status == NormStatus.DEBATE
    assert norm.version == 1
    assert list(norm.versions.values_list("number", "author")) == [(1, agent.pk)]
    assert list(norm.status_changes.values_list("before", "after", "by")) == [
        ("", NormStatus.DEBATE, agent.pk)
    ]
    assert norm.search_key.startswith("signer les bons de commande")
    assert AuditEntry.objects.filter(action="norm.propose", object_id=str(norm.pk)).exists()


def test_a_proposal_from_an_initiative_is_linked_both_ways(agent):
    from tests.initiatives.builders import publish

    initiative = publish(agent)
    norm = norm_propose(by=agent, data=norm_data(), initiative=initiative)

    assert list(norm.initiatives.all()) == [initiative]
    assert list(initiative.norms.all()) == [norm]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"text": ""}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"kind": "whim"}, "kind"),
        ({"roles": ["emperor"]}, "roles"),
        ({"review_on": dt.date(2020, 1, 1)}, "review_on"),
        ({"sunset_on": dt.date(2020, 1, 1)}, "sunset_on"),
        ({"origin_date": dt.date(2999, 1, 1)}, "origin_date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(agent, fields, field):
    with pytest.raises(ValidationError) as refused:
        norm_propose(by=agent, data=norm_data(**fields))

    assert field in refused.value.message_dict
    assert not NormVersion.objects.exists()


def test_only_temporary_or_debated_norms_are_proposed(agent):
    with pytest.raises(ValidationError):
        make_norm(by=agent, status=NormStatus.SUSTAINED)


def test_a_temporary_authorisation_needs_its_sunset_or_review(agent):
    with pytest.raises(ValidationError) as refused:
        norm_propose(by=agent, data=norm_data(), status=NormStatus.TEMPORARY)
    assert "sunset_on" in refused.value.message_dict


def test_an_edit_keeps_a_version_and_a_stale_edit_is_refused(agent, facilitator):
    norm = make_norm(by=agent)
    first = norm_data(text="Sous 2 000 € désormais.")
    second = norm_data(text="Sous 1 000 € seulement.")

    norm_edit(norm=norm, by=agent, data=first, version=1, note="seuil relevé")
    with pytest.raises(NormConflict) as conflict:
        norm_edit(norm=norm, by=facilitator, data=second, version=1)

    norm.refresh_from_db()
    assert norm.text == "Sous 2 000 € désormais."
    assert norm.version == 2
    assert conflict.value.current.text == "Sous 2 000 € désormais."
    assert list(norm.versions.values_list("number", "note")) == [(2, "seuil relevé"), (1, "")]


def test_an_edit_without_a_change_of_text_adds_no_version(agent):
    norm = make_norm(by=agent)
    norm_edit(norm=norm, by=agent, data=norm_data(granted_by="Le DGS"), version=1)

    norm.refresh_from_db()
    assert (norm.version, norm.granted_by, norm.versions.count()) == (1, "Le DGS", 1)


def test_who_may_edit(agent, facilitator, decision_maker):
    norm = make_norm(by=agent)

    with pytest.raises(PermissionDenied):
        norm_edit(norm=norm, by=decision_maker, data=norm_data(text="autre"), version=1)
    norm_edit(norm=norm, by=facilitator, data=norm_data(text="autre"), version=1)


def test_a_past_review_date_already_set_may_stay_but_not_be_set(agent):
    norm = make_norm(by=agent, review_on=TODAY() + dt.timedelta(days=3))
    type(norm).objects.filter(pk=norm.pk).update(review_on=dt.date(2021, 1, 1))
    norm.refresh_from_db()

    norm_edit(norm=norm, by=agent, data=norm_data(review_on=dt.date(2021, 1, 1)), version=1)
    with pytest.raises(ValidationError):
        norm_edit(norm=norm, by=agent, data=norm_data(review_on=dt.date(2021, 1, 2)), version=1)


def test_testimonies_arguments_and_links(agent, facilitator):
    norm = make_norm(by=facilitator)
    add_testimony(norm=norm, by=agent, made_possible="Livrer 300 colis en 2 jours.")
    argument = argument_add(norm=norm, by=agent, side=Side.FOR, title="Plus rapide")
    norm_link(norm=norm, by=agent, initiative=None)

    with pytest.raises(ValidationError):
        add_testimony(norm=norm, by=agent, made_possible="   ")
    with pytest.raises(ValidationError) as refused:
        argument_add(norm=norm, by=agent, side="maybe", title="x" * 121, body="y" * 2001)
    assert set(refused.value.message_dict) == {"side", "title", "body"}

    assert norm.testimonies.count() == 1
    assert argument.endorsements_count == 0
    # The facilitator follows the norm they proposed: told of the testimony and the argument.
    assert Notification.objects.filter(recipient=facilitator).count() == 2


def test_an_argument_convinces_an_agent_once_and_the_count_follows(agent, facilitator, moderator):
    norm = make_norm(by=facilitator)
    argument = argument_add(norm=norm, by=moderator, side=Side.AGAINST, title="Risque")
    with pytest.raises(ValidationError, match="Your own argument"):
        argument_endorse(argument=argument, by=moderator)

    assert argument_endorse(argument=argument, by=agent) is True
    assert argument_endorse(argument=argument, by=facilitator) is True
    assert argument_endorse(argument=argument, by=agent) is True  # twice: still once
    argument.refresh_from_db()
    assert argument.endorsements_count == Endorsement.objects.count() == 2
    assert argument_endorse(argument=argument, by=agent, convinced=False) is False
    assert argument_endorse(argument=argument, by=agent, convinced=False) is False
    argument.refresh_from_db()
    assert argument.endorsements_count == Endorsement.objects.count() == 1

    argument_endorse(argument=argument, by=agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(argument=argument, agent=agent)


def test_put_to_debate_is_for_facilitators_and_recorded(agent, facilitator):
    norm = make_norm(by=agent, status=NormStatus.TEMPORARY)

    with pytest.raises(PermissionDenied):
        norm_put_to_debate(norm=norm, by=agent)
    norm_put_to_debate(norm=norm, by=facilitator)

    assert norm.status_changes.first().after == NormStatus.DEBATE
    assert norm.status_changes.first().by == facilitator
    with pytest.raises(ValidationError):
        norm_put_to_debate(norm=norm, by=facilitator)


# --- decisions -------------------------------------------------------------------------------


def decision(**fields):
    values = {
        "outcome": Outcome.KEEP,
        "rationale": "Le dispositif a fait ses preuves.",
        "decided_on": TODAY(),
        "next_review_on": TODAY() + dt.timedelta(days=365),
    }
    values.update(fields)
    return DecisionData(**values)


def test_a_decision_maker_keeps_a_norm_and_everyone_concerned_hears_of_it(
    agent, facilitator, decision_maker, service, django_capture_on_commit_callbacks
):
    other = Service.objects.create(code="DRH", name="Ressources humaines", level="direction")
    outsider = Agent.objects.create_user("hors@example.org", "x", service=other)
    Agent.objects.create_user("scope@example.org", "x", service=service)
    norm = make_norm(by=facilitator, services=[service])
    consultation = make_consultation(norm=norm, by=facilitator)
    vote_cast(consultation=consultation, agent=outsider, choice="pour")
    close(consultation)

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        made = decision_record(
            norm=norm, by=decision_maker, data=decision(consultation=consultation)
        )
    # At once, the follower; the voter and the scope's agents by the worker, after the commit.
    told_now = set(Notification.objects.values_list("recipient__email", flat=True))
    assert told_now == {"fanny@example.org"}
    for callback in after_commit:
        callback()

    norm.refresh_from_db()
    assert norm.status == NormStatus.SUSTAINED
    assert norm.review_on == made.next_review_on
    assert norm.status_changes.first().by == decision_maker
    notified = set(Notification.objects.filter(message__contains="cision").values_list(
        "recipient__email", flat=True))  # fmt: skip
    # The follower (proposer), the voter, and the agents of the norm's service.
    assert {"fanny@example.org", "hors@example.org", "scope@example.org"} <= notified
    assert "denis@example.org" not in notified  # never of one's own action


def test_adapting_writes_a_new_version(facilitator, decision_maker):
    norm = make_norm(by=facilitator)
    decision_record(norm=norm, by=decision_maker,
                    data=decision(outcome=Outcome.ADAPT, new_text="Sous 800 € seulement."))  # fmt: skip

    norm.refresh_from_db()
    assert (norm.status, norm.text, norm.version) == (
        NormStatus.ADAPTED,
        "Sous 800 € seulement.",
        2,
    )
    assert norm.versions.first().author == decision_maker


def test_withdrawing_needs_no_review_date(facilitator, decision_maker):
    norm = make_norm(by=facilitator)
    decision_record(norm=norm, by=decision_maker,
                    data=decision(outcome=Outcome.WITHDRAW, next_review_on=None))  # fmt: skip

    norm.refresh_from_db()
    assert (norm.status, norm.review_on) == (NormStatus.WITHDRAWN, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rationale": "  "}, "rationale"),
        ({"next_review_on": dt.date(2020, 1, 1)}, "next_review_on"),
        ({"next_review_on": None}, "next_review_on"),
        ({"decided_on": dt.date(2999, 1, 1)}, "decided_on"),
        ({"outcome": Outcome.ADAPT, "new_text": ""}, "new_text"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_changes(facilitator, decision_maker, fields, field):
    norm = make_norm(by=facilitator)

    with pytest.raises(ValidationError) as refused:
        decision_record(norm=norm, by=decision_maker, data=decision(**fields))

    assert field in refused.value.message_dict
    norm.refresh_from_db()
    assert norm.status == NormStatus.DEBATE
    assert not Decision.objects.exists()


def test_only_decision_makers_decide(agent, facilitator):
    norm = make_norm(by=facilitator)
    for who in (agent, facilitator):
        with pytest.raises(PermissionDenied):
            decision_record(norm=norm, by=who, data=decision())


def test_a_decision_waits_for_the_consultation_to_close(facilitator, decision_maker):
    norm = make_norm(by=facilitator)
    consultation = make_consultation(norm=norm, by=facilitator)

    with pytest.raises(ValidationError) as refused:
        decision_record(norm=norm, by=decision_maker, data=decision(consultation=consultation))
    assert "consultation" in refused.value.message_dict


def test_the_database_refuses_a_decision_without_rationale(facilitator, decision_maker):
    norm = make_norm(by=facilitator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(norm=norm, outcome=Outcome.KEEP, rationale="",
                                decided_on=TODAY(), next_review_on=TODAY() + dt.timedelta(days=1),
                                decided_by=decision_maker)  # fmt: skip


def test_status_changes_are_all_recorded(agent, facilitator, decision_maker):
    norm = make_norm(by=agent, status=NormStatus.TEMPORARY)
    norm_put_to_debate(norm=norm, by=facilitator)
    decision_record(norm=norm, by=decision_maker, data=decision())

    assert list(
        StatusChange.objects.filter(norm=norm).order_by("at", "id").values_list("after", "by__role")
    ) == [
        (NormStatus.TEMPORARY, Role.AGENT),
        (NormStatus.DEBATE, Role.FACILITATOR),
        (NormStatus.SUSTAINED, Role.DECISION_MAKER),
    ]
    assert Argument.objects.count() == 0


def test_the_agents_a_norm_applies_to_are_those_of_its_services_roles_and_sites(
    agent, facilitator, service
):
    """Each part of the scope narrows the others; no scope at all is everyone."""
    commune = Commune.objects.order_by("pk").first()  # the directory's migration loads them
    north = Site.objects.create(name="Site Nord", commune=commune)
    south = Site.objects.create(name="Site Sud", commune=commune)
    other = Service.objects.create(code="DRH", name="Ressources humaines", level="direction")
    here = Agent.objects.create_user("nord@example.org", "x", service=service, site=north)
    there = Agent.objects.create_user("sud@example.org", "x", service=service, site=south)
    elsewhere = Agent.objects.create_user("drh@example.org", "x", service=other, site=north)

    def applies(**scope) -> set[str]:
        norm = make_norm(by=facilitator, **scope)
        return set(scope_agents(norm).values_list("email", flat=True))

    everyone = set(Agent.objects.filter(is_active=True).values_list("email", flat=True))
    assert applies() == everyone
    assert applies(sites=[north]) == {here.email, elsewhere.email}
    assert applies(services=[service], sites=[north]) == {here.email}
    assert applies(services=[service], roles=[Role.FACILITATOR]) == {facilitator.email}
    assert there.email in applies(services=[service])


def test_a_decision_on_a_norm_without_scope_is_told_to_every_agent(
    agent, facilitator, decision_maker, moderator, django_capture_on_commit_callbacks
):
    norm = make_norm(by=facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        decision_record(norm=norm, by=decision_maker, data=decision())

    told = set(Notification.objects.values_list("recipient__email", flat=True))
    assert told == {agent.email, facilitator.email, moderator.email}  # not the decision-maker


def test_an_adapted_version_and_an_opened_consultation_are_said_in_the_readers_language(
    facilitator, decision_maker
):
    """Stored as a link and a cause, not as words in the language of whoever acted."""
    norm = make_norm(by=facilitator, status=NormStatus.TEMPORARY)
    make_consultation(norm=norm, by=facilitator)
    change = norm.status_changes.get(after=NormStatus.DEBATE)
    assert (change.cause, change.reason) == (StatusCause.CONSULTATION, "")
    Consultation.objects.update(closes_at=timezone.now() - dt.timedelta(seconds=1))

    made = decision_record(
        norm=norm, by=decision_maker, data=decision(outcome=Outcome.ADAPT, new_text="Autre.")
    )

    version = norm.versions.get(number=2)
    assert (version.decision, version.note) == (made, "")
    with translation.override("fr"):
        assert change.get_cause_display() == "une consultation s'est ouverte"


def test_a_norm_wished_for_has_no_sunset(agent):
    with pytest.raises(ValidationError) as refused:
        make_norm(by=agent, sunset_on=TODAY() + dt.timedelta(days=30))
    assert "no sunset date" in str(refused.value)


def test_a_consultation_closes_before_the_authorisation_lapses(facilitator):
    """Else the worker would let it lapse while the votes still run, and no decision keep it."""
    norm = make_norm(by=facilitator, status=NormStatus.TEMPORARY,
                     sunset_on=TODAY() + dt.timedelta(days=5))  # fmt: skip
    sunset_day = timezone.make_aware(dt.datetime.combine(norm.sunset_on, dt.time(9)))
    with pytest.raises(ValidationError) as refused:
        make_consultation(norm=norm, by=facilitator, closes_at=sunset_day)
    assert "close the consultation the day before at the latest" in str(refused.value)
    make_consultation(norm=norm, by=facilitator, closes_at=sunset_day - dt.timedelta(days=1))


def test_an_opening_just_before_midnight_still_means_now(facilitator, monkeypatch):
    """A facilitator who fills the form at 23:58 and sends it at 00:10 opens it now; an opening
    on an earlier day, and more than an hour ago, is a typing error."""
    ten_past_midnight = timezone.make_aware(dt.datetime(2031, 3, 4, 0, 10))
    monkeypatch.setattr(timezone, "now", lambda: ten_past_midnight)
    late = make_consultation(
        norm=make_norm(by=facilitator),
        by=facilitator,
        opens_at=ten_past_midnight - dt.timedelta(minutes=12),
        closes_at=ten_past_midnight + dt.timedelta(days=7),
    )
    assert late.pk is not None
    with pytest.raises(ValidationError, match="cannot be before today"):
        make_consultation(
            norm=make_norm(by=facilitator),
            by=facilitator,
            opens_at=ten_past_midnight - dt.timedelta(minutes=71),
            closes_at=ten_past_midnight + dt.timedelta(days=7),
        )


def test_a_new_consultation_waits_for_the_last_ones_decision(facilitator, decision_maker):
    """Else the page would show the new one, and the last one's objections nobody answered
    would drop out of sight; a decision, with or without naming it, settles it."""
    norm = make_norm(by=facilitator)
    consultation_seal(consultation=close(make_consultation(norm=norm, by=facilitator)))
    with pytest.raises(ValidationError) as refused:
        make_consultation(norm=norm, by=facilitator, question="Encore ?")
    assert "awaits its decision" in str(refused.value)

    decision_record(norm=norm, by=decision_maker, data=decision())  # no consultation named

    assert make_consultation(norm=norm, by=facilitator, question="Encore ?").question == "Encore ?"


def test_an_edit_keeps_the_sunset_rules(facilitator):
    """No sunset added to a wish; none before a running consultation's close."""
    wish = make_norm(by=facilitator)
    with pytest.raises(ValidationError, match="no sunset date"):
        norm_edit(norm=wish, by=facilitator, version=1,
                  data=norm_data(sunset_on=TODAY() + dt.timedelta(days=30)))  # fmt: skip

    temporary = make_norm(by=facilitator, status=NormStatus.TEMPORARY,
                          sunset_on=TODAY() + dt.timedelta(days=60))  # fmt: skip
    make_consultation(norm=temporary, by=facilitator, closes_at=timezone.now() + dt.timedelta(days=7))
    temporary.refresh_from_db()
    with pytest.raises(ValidationError, match="its sunset comes after"):
        norm_edit(norm=temporary, by=facilitator, version=1,
                  data=norm_data(sunset_on=TODAY() + dt.timedelta(days=3)))  # fmt: skip
    edited = norm_edit(norm=temporary, by=facilitator, version=1,
                       data=norm_data(sunset_on=TODAY() + dt.timedelta(days=30)))  # fmt: skip
    assert edited.sunset_on == TODAY() + dt.timedelta(days=30)
