""" "Not a duplicate": a facilitator records that two actors of the same folded name are two
organisations (riposte/cooperations/duplicates.py); the pair then leaves the queue's probable
duplicates, the top of the merge page's choice and the warnings of the actor form."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from riposte.cooperations import queries
from riposte.cooperations.duplicates import actor_mark_distinct, distinct_from, distinct_pairs
from riposte.cooperations.models import Actor, DistinctActors
from riposte.cooperations.services import (
    ActorData,
    actor_duplicates,
    actor_merge,
    actor_propose,
    actor_update,
)
from riposte.core.models import AuditEntry
from tests.cooperations.builders import make_actor, make_commune

HTMX = {"HX-Request": "true"}


def _twin(by, name: str = "Restos du Coeur", **fields) -> Actor:
    """Another organisation of a known name: the agent said so when proposing it."""
    return actor_propose(by=by, data=ActorData(name, "association", **fields), allow_same_name=True)


@pytest.fixture
def restos(agent) -> tuple[Actor, Actor]:
    """The Restos du cœur of Bondy and of Pantin, recorded under the same name."""
    bondy = make_actor("Restos du cœur", by=agent, commune=make_commune("Bondy", "93010"))
    pantin = _twin(agent, commune=make_commune("Pantin", "93055"))
    return bondy, pantin


# --- the service and the table -------------------------------------------------------------------


def test_a_facilitator_marks_a_pair_once_in_either_order(restos, facilitator) -> None:
    bondy, pantin = restos
    # The larger id first: stored the other way round, as the table wants it.
    mark = actor_mark_distinct(facilitator=facilitator, actor=pantin, other=bondy)

    assert (mark.first_id, mark.second_id) == (bondy.pk, pantin.pk)
    assert (mark.marked_by, mark.marked_at is not None) == (facilitator, True)
    assert actor_mark_distinct(facilitator=facilitator, actor=bondy, other=pantin) == mark
    assert DistinctActors.objects.count() == 1
    entry = AuditEntry.objects.get(action="actor.distinct")
    assert (entry.actor, entry.object_id) == (facilitator, str(pantin.pk))
    assert entry.changes == {"other": bondy.pk, "pair": [bondy.pk, pantin.pk]}
    assert distinct_from(bondy.pk) == {pantin.pk} and distinct_from(pantin.pk) == {bondy.pk}
    assert distinct_pairs([bondy.pk, pantin.pk, 999]) == {(bondy.pk, pantin.pk)}


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_mark_a_pair(role, actors, restos) -> None:
    with pytest.raises(PermissionDenied):
        actor_mark_distinct(facilitator=actors[role], actor=restos[0], other=restos[1])
    assert not DistinctActors.objects.exists()
    assert not AuditEntry.objects.filter(action="actor.distinct").exists()


def test_an_actor_is_not_distinct_from_itself_nor_from_a_merged_one(
    restos, agent, facilitator
) -> None:
    bondy, pantin = restos
    with pytest.raises(ValidationError, match="two different actors"):
        actor_mark_distinct(facilitator=facilitator, actor=bondy, other=bondy)
    gone = _twin(agent)
    actor_merge(source=gone, target=pantin, by=facilitator)
    with pytest.raises(ValidationError, match="merged"):
        actor_mark_distinct(facilitator=facilitator, actor=gone, other=bondy)
    assert not DistinctActors.objects.exists()


def test_the_table_keeps_a_pair_once_and_in_order(restos, facilitator) -> None:
    bondy, pantin = restos
    with pytest.raises(IntegrityError), transaction.atomic():
        DistinctActors.objects.create(first=pantin, second=bondy)
    with pytest.raises(IntegrityError), transaction.atomic():
        DistinctActors.objects.create(first=bondy, second=bondy)
    DistinctActors.objects.create(first=bondy, second=pantin)
    with pytest.raises(IntegrityError), transaction.atomic():
        DistinctActors.objects.create(first=bondy, second=pantin)


# --- no longer a duplicate ------------------------------------------------------------------------


def test_the_queue_leaves_the_pair_out(restos, agent, facilitator) -> None:
    bondy, pantin = restos
    assert [g.actors for g in queries.probable_duplicates()] == [[bondy, pantin]]

    actor_mark_distinct(facilitator=facilitator, actor=bondy, other=pantin)

    assert queries.probable_duplicates() == []
    # A third record of that name is still to look at, with each of the two.
    third = _twin(agent, "RESTOS DU CŒUR")
    groups = queries.probable_duplicates()
    assert [g.actors for g in groups] == [[bondy, pantin, third]]
    assert [(a.pk, b.pk) for a, b in groups[0].pairs] == [
        (bondy.pk, third.pk), (pantin.pk, third.pk),
    ]  # fmt: skip


def test_groups_left_out_do_not_hide_the_next_ones(agent, facilitator) -> None:
    pairs = [(make_actor(f"Club {n}", by=agent), _twin(agent, f"club {n}")) for n in range(3)]
    for a, b in pairs[:2]:
        actor_mark_distinct(facilitator=facilitator, actor=a, other=b)
    assert [g.actors for g in queries.probable_duplicates(limit=1)] == [list(pairs[2])]


def test_the_merge_page_offers_the_pair_last_and_warns(
    restos, agent, facilitator, client_for
) -> None:
    bondy, pantin = restos
    other = make_actor("Autre association", by=agent)
    assert list(queries.merge_candidates(bondy))[:1] == [pantin]
    client = client_for("facilitator")
    url = reverse("cooperations:actor-merge", args=[bondy.pk])
    page = client.get(url, {"target": pantin.pk}).content.decode()
    assert reverse("cooperations:actor-distinct", args=[bondy.pk]) in page
    assert "said on" not in page

    client.post(reverse("cooperations:actor-distinct", args=[bondy.pk]), {"other": pantin.pk})

    assert list(queries.merge_candidates(bondy)) == [other, pantin]
    response = client.get(url, {"target": pantin.pk})
    page = response.content.decode()
    assert response.context["distinct"].marked_by == facilitator
    assert "that these are two organisations, not a duplicate" in page
    assert reverse("cooperations:actor-distinct", args=[bondy.pk]) not in page
    # Still possible, if the mark was a mistake.
    client.post(url, {"target": pantin.pk})
    assert Actor.objects.get(pk=bondy.pk).merged_into == pantin


def test_the_actor_form_no_longer_warns_of_the_other(restos, agent, facilitator, client_for):
    bondy, pantin = restos
    url = reverse("cooperations:actor-duplicates")
    client = client_for("facilitator")

    def warned() -> tuple[list[Actor], list[Actor]]:
        response = client.get(url, {"name": "Restos du cœur", "actor": bondy.pk}, headers=HTMX)
        return response.context["duplicates"], response.context["similar"]

    assert warned() == ([pantin], [])
    with pytest.raises(ValidationError, match="already known under this name"):
        actor_update(actor=bondy, by=facilitator, data=ActorData("Restos du Cœur", "association"))

    actor_mark_distinct(facilitator=facilitator, actor=bondy, other=pantin)

    assert warned() == ([], [])
    assert actor_duplicates(name="Restos du cœur", exclude=bondy) == []
    # Someone typing a new record of that name is still told of both.
    assert actor_duplicates(name="Restos du cœur") == [bondy, pantin]
    updated = actor_update(
        actor=bondy, by=facilitator, data=ActorData("Restos du Cœur", "association")
    )
    assert updated.name == "Restos du Cœur"


# --- the page -------------------------------------------------------------------------------------


def test_not_a_duplicate_from_the_queue(restos, facilitator, client_for) -> None:
    bondy, pantin = restos
    client = client_for("facilitator")
    url = reverse("cooperations:actor-distinct", args=[bondy.pk])
    queue = client.get(reverse("cooperations:queue")).content.decode()
    assert f'action="{url}"' in queue and f'name="other" value="{pantin.pk}"' in queue

    response = client.post(url, {"other": pantin.pk, "from": "queue"}, follow=True)

    assert response.redirect_chain == [(reverse("cooperations:queue"), 302)]
    assert "are two organisations" in response.content.decode()
    assert response.context["duplicates"] == []
    assert f'action="{url}"' not in response.content.decode()


def test_a_wrong_pair_is_refused_with_a_message(restos, client_for) -> None:
    bondy, _pantin = restos
    client = client_for("facilitator")
    url = reverse("cooperations:actor-distinct", args=[bondy.pk])
    assert client.post(url, {"other": "abc"}).status_code == 404
    assert client.post(url, {"other": 999999}).status_code == 404
    response = client.post(url, {"other": bondy.pk}, follow=True)
    assert "Choose two different actors" in response.content.decode()
    assert not DistinctActors.objects.exists()
