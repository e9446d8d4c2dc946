"""The cooperations services: actors (propose, duplicates, validate, merge), cooperations (record,
"inédite", confirm, delete), suggestions from initiatives, emergencies. Through the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from riposte.cooperations.models import (
    Actor,
    ActorStatus,
    Cooperation,
    CooperationActor,
    CooperationStatus,
    Event,
)
from riposte.cooperations.services import (
    ActorData,
    CooperationData,
    EventData,
    actor_duplicates,
    actor_for_service,
    actor_merge,
    actor_propose,
    actor_update,
    actor_validate,
    cooperation_confirm,
    cooperation_delete,
    cooperation_update,
    cooperations_suggest,
    event_create,
    event_update,
    name_key,
    new_pairs,
)
from riposte.directory.models import Role, Service
from riposte.initiatives.models import Theme
from tests.cooperations.builders import (
    make_actor,
    make_commune,
    make_cooperation,
    make_event,
    make_service_actor,
)
from tests.initiatives.builders import colleague, draft, publish

D = dt.date


def _unprecedented(*cooperations: Cooperation) -> list[bool]:
    return [Cooperation.objects.get(pk=c.pk).is_unprecedented for c in cooperations]


# --- duplicates ----------------------------------------------------------------------------------


def test_name_key_ignores_accents_case_punctuation_and_spaces() -> None:
    assert name_key("Secours Populaire - 93") == name_key("  secours   populaire 93 ")
    assert name_key("Épicerie SOLIDAIRE « La Courte Échelle »") == (
        "epicerie solidaire la courte echelle"
    )
    assert name_key("Restos du Cœur") == "restos du coeur"
    assert name_key("---") == ""


def test_duplicates_by_folded_name_and_by_siret(agent) -> None:
    first = make_actor("Secours populaire de Bondy", by=agent, siret="77568781200017")

    assert actor_duplicates(name="SECOURS POPULAIRE — de bondy") == [first]
    assert actor_duplicates(name="Another name", siret="775 687 812 00017") == [first]
    assert actor_duplicates(name="Secours populaire de Pantin") == []
    # Punctuation only says nothing of an organisation: no match on the empty key.
    make_actor("Association ABC", by=agent)
    assert actor_duplicates(name="!!!") == []
    # Itself is not its own duplicate (when it is edited).
    assert actor_duplicates(name=first.name, exclude=first) == []


def test_proposing_a_known_name_is_refused_with_the_known_actor(agent) -> None:
    make_actor("Secours populaire de Bondy", by=agent)

    with pytest.raises(ValidationError) as caught:
        make_actor("secours POPULAIRE de Bondy", by=agent)

    assert "Secours populaire de Bondy" in caught.value.message_dict["name"][0]
    assert Actor.objects.count() == 1


def test_another_organisation_of_the_same_name_when_the_agent_says_so(agent) -> None:
    make_actor("Restos du cœur", by=agent)
    second = actor_propose(
        by=agent, data=ActorData("Restos du Coeur", "association"), allow_same_name=True
    )
    assert Actor.objects.filter(name_key=second.name_key).count() == 2


def test_a_same_siret_is_always_the_same_organisation(agent) -> None:
    make_actor("Emmaüs Montreuil", by=agent, siret="12345678901234")
    with pytest.raises(ValidationError) as caught:
        actor_propose(
            by=agent,
            data=ActorData("Emmaus de Montreuil", "association", siret="12345678901234"),
            allow_same_name=True,
        )
    assert "siret" in caught.value.message_dict
    assert Actor.objects.count() == 1


# --- propose, update, validate ----------------------------------------------------------------


def test_an_agents_proposal_waits_a_facilitators_is_validated(agent, facilitator) -> None:
    proposed = make_actor("Mairie de Bobigny", "commune", by=agent, commune=make_commune())
    validated = make_actor("Préfecture de la Seine-Saint-Denis", "etat", by=facilitator)

    assert (proposed.status, proposed.proposed_by, proposed.validated_by) == (
        ActorStatus.PROPOSED,
        agent,
        None,
    )
    assert (validated.status, validated.validated_by) == (ActorStatus.VALIDATED, facilitator)


def test_a_directory_service_has_one_actor(agent, service) -> None:
    actor = actor_propose(by=agent, data=ActorData("", "service", service=service))
    assert (actor.name, actor.status) == (service.name, ActorStatus.VALIDATED)
    assert actor_for_service(service=service) == actor

    with pytest.raises(ValidationError) as caught:
        actor_propose(by=agent, data=ActorData("ASE 93", "service", service=service))
    assert "service" in caught.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ActorData("", "association"), "name"),
        (ActorData("  --  ", "association"), "name"),
        (ActorData("Une école", "etablissement_scolaire", siret="1234"), "siret"),
        (ActorData("Un service", "service"), "service"),
        (ActorData("Une asso", "pas-un-type"), "kind"),
        (ActorData("Une asso", "association", website="javascript:alert(1)"), "website"),
        (ActorData("Une asso", "association", contact_email="pas une adresse"), "contact_email"),
        (ActorData("Une asso", "association", latitude=48.9), "latitude"),
    ],
)
def test_bad_actor_data_is_refused_and_nothing_is_saved(agent, data, field) -> None:
    with pytest.raises(ValidationError) as caught:
        actor_propose(by=agent, data=data)
    assert field in caught.value.message_dict
    assert not Actor.objects.exists()


def test_html_is_kept_as_plain_text(agent) -> None:
    actor = make_actor('<script>alert("x")</script> Asso', by=agent, description="<b>gras</b> & co")
    actor.refresh_from_db()
    assert actor.name == '<script>alert("x")</script> Asso'
    assert actor.description == "<b>gras</b> & co"


def test_the_proposer_edits_until_validated_then_only_facilitators(agent, facilitator) -> None:
    actor = make_actor("Tiers-lieu La Fabrique", "tiers_lieu", by=agent)
    other = colleague("autre@example.org")

    actor = actor_update(
        actor=actor, by=agent, data=ActorData("La Fabrique de Pantin", "tiers_lieu")
    )
    assert actor.name == "La Fabrique de Pantin"
    with pytest.raises(PermissionDenied):
        actor_update(actor=actor, by=other, data=ActorData("Pirate", "tiers_lieu"))

    actor_validate(actor=actor, by=facilitator)
    with pytest.raises(PermissionDenied):
        actor_update(actor=actor, by=agent, data=ActorData("Encore", "tiers_lieu"))
    actor_update(actor=actor, by=facilitator, data=ActorData("La Fabrique (Pantin)", "tiers_lieu"))
    actor.refresh_from_db()
    assert actor.name == "La Fabrique (Pantin)"


def test_only_facilitators_validate_and_only_once(agent, facilitator, moderator) -> None:
    actor = make_actor(by=agent)
    with pytest.raises(PermissionDenied):
        actor_validate(actor=actor, by=agent)
    with pytest.raises(PermissionDenied):
        actor_validate(actor=actor, by=moderator)
    actor_validate(actor=actor, by=facilitator)
    actor.refresh_from_db()
    assert (actor.status, actor.validated_by) == (ActorStatus.VALIDATED, facilitator)
    with pytest.raises(ValidationError):
        actor_validate(actor=actor, by=facilitator)


# --- merge ---------------------------------------------------------------------------------------


@pytest.fixture
def trio(agent):
    """A service, the same association recorded twice, and cooperations of each record."""
    service = make_service_actor()
    kept = make_actor("Secours populaire de Bondy", by=agent)
    twin = actor_propose(
        by=agent,
        data=ActorData("Secours populaire Bondy", "association", siret="77568781200017"),
    )
    school = make_actor("Collège Jean-Renoir", "etablissement_scolaire", by=agent)
    first = make_cooperation([service, twin], by=agent, started_on=D(2020, 3, 20))
    both = make_cooperation(
        [service, kept, twin],
        by=agent,
        started_on=D(2020, 4, 2),
        roles={kept.pk: "collecte", twin.pk: "livraison"},
    )
    other = make_cooperation([twin, school], by=agent, started_on=D(2020, 5, 1))
    return {"service": service, "kept": kept, "twin": twin, "school": school,
            "first": first, "both": both, "other": other}  # fmt: skip


def test_merge_moves_every_link_and_keeps_the_roles(trio, facilitator) -> None:
    kept, twin = trio["kept"], trio["twin"]

    actor_merge(source=twin, target=kept, by=facilitator)

    twin.refresh_from_db()
    kept.refresh_from_db()
    assert twin.merged_into == kept and twin.merged_at is not None
    assert not CooperationActor.objects.filter(actor=twin).exists()
    assert set(kept.cooperations.all()) == {trio["first"], trio["both"], trio["other"]}
    # It took part twice in one cooperation: one row now, both roles kept.
    row = CooperationActor.objects.get(cooperation=trio["both"], actor=kept)
    assert row.role == "collecte; livraison"
    assert trio["both"].participations.count() == 2
    # What the kept record lacked comes from the other one, SIRET included.
    assert kept.siret == "77568781200017" and twin.siret == ""


def test_merge_recomputes_first_times(trio, facilitator) -> None:
    # Before: kept and the service first met in "both"; after the merge they had met in "first".
    assert _unprecedented(trio["first"], trio["both"]) == [True, True]
    actor_merge(source=trio["twin"], target=trio["kept"], by=facilitator)
    assert _unprecedented(trio["first"], trio["both"], trio["other"]) == [True, False, True]


def test_merge_repoints_earlier_merges(agent, facilitator) -> None:
    a = make_actor("Épicerie solidaire A", by=agent)
    b = make_actor("Épicerie solidaire B", by=agent)
    c = make_actor("Épicerie solidaire C", by=agent)
    actor_merge(source=a, target=b, by=facilitator)
    actor_merge(source=b, target=c, by=facilitator)
    a.refresh_from_db()
    assert a.merged_into == c


def test_merge_of_a_proposal_into_a_validated_actor_and_back(agent, facilitator) -> None:
    proposed = make_actor("Asso des Lilas", by=agent)
    validated = make_actor("Association des Lilas", by=facilitator)
    actor_merge(source=validated, target=proposed, by=facilitator)
    proposed.refresh_from_db()
    assert proposed.status == ActorStatus.VALIDATED  # a facilitator vouched for the other record


@pytest.mark.parametrize("case", ["itself", "merged", "two services", "service into other"])
def test_merges_that_are_refused(case, agent, facilitator) -> None:
    association = make_actor(by=agent)
    service = make_service_actor()
    if case == "itself":
        source, target = association, association
    elif case == "merged":
        source, target = make_actor("Doublon", by=agent), association
        actor_merge(source=source, target=target, by=facilitator)
    elif case == "two services":
        source, target = service, make_service_actor("DRH", "Direction des ressources humaines")
    else:
        source, target = service, association
    with pytest.raises(ValidationError):
        actor_merge(source=source, target=target, by=facilitator)
    if case == "itself":
        association.refresh_from_db()
        assert association.merged_into is None


def test_only_facilitators_merge(agent, admin_agent) -> None:
    a, b = make_actor("A", by=agent), make_actor("B", by=agent)
    with pytest.raises(PermissionDenied):
        actor_merge(source=a, target=b, by=agent)
    actor_merge(source=a, target=b, by=admin_agent)  # an administrator may do it all


# --- cooperations and "inédite" -----------------------------------------------------------------


@pytest.fixture
def three(agent):
    return (
        make_service_actor(),
        make_actor("Secours populaire de Bondy", by=agent),
        make_actor("Mairie de Bondy", "commune", by=agent),
    )


@pytest.mark.parametrize("count", [0, 1])
def test_a_cooperation_has_two_actors_or_more(agent, three, count) -> None:
    with pytest.raises(ValidationError) as caught:
        make_cooperation(list(three[:count]), by=agent)
    assert "actors" in caught.value.message_dict
    assert not Cooperation.objects.exists() and not CooperationActor.objects.exists()


def test_the_same_actor_twice_is_one_actor(agent, three) -> None:
    with pytest.raises(ValidationError):
        make_cooperation([three[0], three[0]], by=agent)


def test_a_merged_actor_cannot_take_part(agent, facilitator, three) -> None:
    gone = make_actor("Doublon de la mairie", by=agent)
    actor_merge(source=gone, target=three[2], by=facilitator)
    gone.refresh_from_db()
    with pytest.raises(ValidationError):
        make_cooperation([three[0], gone], by=agent)


def test_the_end_comes_after_the_start(agent, three) -> None:
    with pytest.raises(ValidationError) as caught:
        make_cooperation(
            list(three[:2]), by=agent, started_on=D(2020, 5, 1), ended_on=D(2020, 4, 1)
        )
    assert "ended_on" in caught.value.message_dict
    assert not Cooperation.objects.exists()


def test_first_time_is_computed_from_earlier_cooperations(agent, three) -> None:
    service, association, commune = three
    first = make_cooperation([service, association], by=agent, started_on=D(2020, 3, 17))
    again = make_cooperation([association, service], by=agent, started_on=D(2020, 4, 1))
    wider = make_cooperation([service, association, commune], by=agent, started_on=D(2020, 6, 1))

    assert _unprecedented(first, again, wider) == [True, False, True]
    assert new_pairs(again) == []
    pairs = {(a.pk, b.pk) for a, b in new_pairs(wider)}
    assert pairs == {
        tuple(sorted((service.pk, commune.pk))),
        tuple(sorted((association.pk, commune.pk))),
    }


def test_a_cooperation_recorded_in_the_past_changes_the_later_ones(agent, three) -> None:
    service, association, _commune = three
    later = make_cooperation([service, association], by=agent, started_on=D(2022, 7, 18))
    assert _unprecedented(later) == [True]

    earlier = make_cooperation([service, association], by=agent, started_on=D(2020, 3, 20))

    assert _unprecedented(earlier, later) == [True, False]


def test_deleting_the_first_one_makes_the_next_one_first(agent, facilitator, three) -> None:
    service, association, _commune = three
    first = make_cooperation([service, association], by=agent, started_on=D(2020, 3, 20))
    second = make_cooperation([service, association], by=agent, started_on=D(2022, 7, 18))
    assert _unprecedented(second) == [False]

    cooperation_delete(cooperation=first, by=facilitator)

    assert _unprecedented(second) == [True]


def test_moving_a_date_or_an_actor_recomputes(agent, three) -> None:
    service, association, commune = three
    a = make_cooperation([service, association], by=agent, started_on=D(2020, 3, 20))
    b = make_cooperation([service, association], by=agent, started_on=D(2021, 1, 10))

    cooperation_update(
        cooperation=b,
        by=agent,
        data=CooperationData("Distribution", "Des colis.", D(2019, 12, 1), [service, association]),
    )
    assert _unprecedented(a, b) == [False, True]

    # b no longer has the association: a is the first of that pair again.
    cooperation_update(
        cooperation=b,
        by=agent,
        data=CooperationData("Distribution", "Des colis.", D(2019, 12, 1), [service, commune]),
    )
    assert _unprecedented(a, b) == [True, True]


def test_same_day_cooperations_count_in_the_order_recorded(agent, three) -> None:
    service, association, _commune = three
    a = make_cooperation([service, association], by=agent, started_on=D(2020, 3, 20))
    b = make_cooperation([service, association], by=agent, started_on=D(2020, 3, 20))
    assert _unprecedented(a, b) == [True, False]


def test_roles_themes_event_and_initiatives_are_saved(agent, three) -> None:
    service, association, _commune = three
    theme = Theme.objects.get(slug="aide-alimentaire")
    initiative = publish(agent)
    cooperation = make_cooperation(
        [service, association],
        by=agent,
        event=make_event(),
        roles={association.pk: "  collecte et tri  ", service.pk: "x" * 300},
        themes=[theme],
        initiatives=[initiative],
    )
    roles = dict(cooperation.participations.values_list("actor_id", "role"))
    assert roles == {association.pk: "collecte et tri", service.pk: "x" * 200}
    assert list(cooperation.themes.all()) == [theme]
    assert list(cooperation.initiatives.all()) == [initiative]
    assert cooperation.event.name == "Confinement du printemps 2020"


def test_the_author_and_facilitators_edit_nobody_else(agent, facilitator, three) -> None:
    cooperation = make_cooperation(list(three[:2]), by=agent)
    data = CooperationData("Nouveau titre", "Fait.", D(2020, 3, 17), list(three[:2]))
    with pytest.raises(PermissionDenied):
        cooperation_update(cooperation=cooperation, by=colleague("x@example.org"), data=data)
    assert cooperation_update(cooperation=cooperation, by=facilitator, data=data).title == (
        "Nouveau titre"
    )


def test_only_facilitators_delete(agent, three) -> None:
    cooperation = make_cooperation(list(three[:2]), by=agent)
    with pytest.raises(PermissionDenied):
        cooperation_delete(cooperation=cooperation, by=agent)
    assert Cooperation.objects.filter(pk=cooperation.pk).exists()


# --- suggestions from initiatives ---------------------------------------------------------------


@pytest.fixture
def two_services_initiative(agent):
    """An initiative by `agent` (Aide sociale à l'enfance) with a colleague of another service."""
    other = Service.objects.create(code="DSAN", name="Direction de la santé", level="direction")
    coauthor = colleague("sante@example.org", service=other)
    theme = Theme.objects.get(slug="solidarite-seniors")
    return publish(agent, coauthors=[coauthor], themes=[theme])


def test_an_initiative_of_two_services_is_suggested_once(two_services_initiative, agent) -> None:
    publish(agent, title="Une initiative d'un seul service")  # one service: nothing to suggest
    draft(
        agent, coauthors=[colleague("autre@example.org", service=Service.objects.get(code="DSAN"))]
    )

    created = cooperations_suggest()

    assert len(created) == 1
    suggestion = created[0]
    assert suggestion.status == CooperationStatus.SUGGESTED
    assert suggestion.suggested_from == two_services_initiative
    assert list(suggestion.initiatives.all()) == [two_services_initiative]
    assert {a.service.code for a in suggestion.actors.all()} == {"DEF-01", "DSAN"}
    assert [t.slug for t in suggestion.themes.all()] == ["solidarite-seniors"]
    assert suggestion.is_unprecedented is False  # a suggestion is not counted until confirmed
    assert cooperations_suggest() == []
    assert Cooperation.objects.count() == 1


def test_a_turned_down_suggestion_does_not_come_back(two_services_initiative, facilitator) -> None:
    suggestion = cooperations_suggest()[0]
    cooperation_delete(cooperation=suggestion, by=facilitator)
    assert cooperations_suggest() == []
    # Kept, turned down: its row is what stops the initiative from being suggested again.
    assert Cooperation.objects.get().status == CooperationStatus.DECLINED


def test_an_initiative_already_tied_to_a_cooperation_is_not_suggested(
    two_services_initiative, agent, three
) -> None:
    make_cooperation(list(three[:2]), by=agent, initiatives=[two_services_initiative])
    assert cooperations_suggest() == []


def test_confirmation_is_for_facilitators_and_makes_it_count(
    two_services_initiative, agent, facilitator
) -> None:
    suggestion = cooperations_suggest()[0]
    with pytest.raises(PermissionDenied):
        cooperation_confirm(cooperation=suggestion, by=agent)
    suggestion.refresh_from_db()
    assert suggestion.status == CooperationStatus.SUGGESTED

    cooperation_confirm(cooperation=suggestion, by=facilitator)

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.is_unprecedented) == (CooperationStatus.CONFIRMED, True)
    with pytest.raises(ValidationError):
        cooperation_confirm(cooperation=suggestion, by=facilitator)


def test_a_suggestion_does_not_count_for_first_times(
    two_services_initiative, agent, facilitator
) -> None:
    suggestion = cooperations_suggest()[0]
    actors = list(suggestion.actors.all())
    later = make_cooperation(
        actors, by=agent, started_on=timezone.localdate() + dt.timedelta(days=1)
    )
    assert _unprecedented(later) == [True]
    cooperation_confirm(cooperation=suggestion, by=facilitator)
    assert _unprecedented(suggestion, later) == [True, False]


# --- emergencies ---------------------------------------------------------------------------------


def test_facilitators_keep_the_emergencies(agent, facilitator) -> None:
    data = EventData("Canicule de l'été 2022", "canicule", D(2022, 7, 12), D(2022, 8, 15))
    with pytest.raises(PermissionDenied):
        event_create(by=agent, data=data)
    event = event_create(by=facilitator, data=data)
    assert Event.objects.get() == event

    with pytest.raises(ValidationError) as caught:
        event_create(by=facilitator, data=data)
    assert "name" in caught.value.message_dict

    with pytest.raises(ValidationError) as caught:
        event_update(
            event=event,
            by=facilitator,
            data=EventData("Canicule 2022", "canicule", D(2022, 8, 1), D(2022, 7, 1)),
        )
    assert "ends_on" in caught.value.message_dict
    event.refresh_from_db()
    assert event.name == "Canicule de l'été 2022"


def test_a_facilitators_role_is_needed_not_a_title(agent) -> None:
    agent.role = Role.DECISION_MAKER
    agent.save()
    with pytest.raises(PermissionDenied):
        event_create(by=agent, data=EventData("Tempête", "tempete", D(2023, 11, 2)))
