"""A turned-down suggestion (status "declined"): who turned it down and when, never suggested
again, shown nowhere (graph, lists, exports, metrics, the queue), and the data migration that
gives the suggestions turned down before the status existed their status.

Each "shown nowhere" test ends with its control: the same row confirmed does show, so that the
test fails if the place it looks at stops reading the data at all."""

from __future__ import annotations

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from riposte.cooperations import metrics
from riposte.cooperations.graph import GraphFilters, graph_data
from riposte.cooperations.models import Cooperation, CooperationStatus
from riposte.cooperations.services import (
    DECLINED,
    cooperation_confirm,
    cooperation_decline,
    cooperation_delete,
    cooperation_update,
    cooperations_suggest,
    cooperations_unprecedented_refresh,
)
from riposte.core.audit import audit_record
from riposte.core.models import AuditEntry
from riposte.directory.models import Service
from tests.cooperations.builders import make_cooperation
from tests.initiatives.builders import colleague, publish

migration = importlib.import_module("riposte.cooperations.migrations.0003_declined_not_duplicates")


@pytest.fixture
def health(db) -> Service:
    return Service.objects.create(code="DSAN", name="Direction de la santé", level="direction")


@pytest.fixture
def suggestion(agent, health) -> Cooperation:
    """Suggested from an initiative whose authors come from two services."""
    publish(agent, coauthors=[colleague("sante@example.org", service=health)])
    return cooperations_suggest()[0]


@pytest.fixture
def declined(suggestion, facilitator) -> Cooperation:
    return cooperation_decline(cooperation=suggestion, by=facilitator)


def _confirm_by_hand(cooperation: Cooperation) -> None:
    """The control of the "shown nowhere" tests: the same row, confirmed."""
    Cooperation.objects.filter(pk=cooperation.pk).update(status=CooperationStatus.CONFIRMED)
    cache.clear()  # the graph's state is kept a few seconds; the services clear it, not update()


def _pair(cooperation: Cooperation) -> tuple[int, int]:
    first, second = sorted(cooperation.actors.values_list("pk", flat=True))
    return first, second


# --- the service ----------------------------------------------------------------------------------


def test_turning_down_keeps_the_row_and_says_who_and_when(suggestion, facilitator) -> None:
    declined = cooperation_decline(cooperation=suggestion, by=facilitator)

    assert declined.status == CooperationStatus.DECLINED
    assert Cooperation.objects.get(pk=suggestion.pk).status == CooperationStatus.DECLINED
    entry = AuditEntry.objects.get(action=DECLINED)
    assert (entry.actor, entry.object_id) == (facilitator, str(suggestion.pk))
    assert entry.changes["initiative"] == suggestion.suggested_from_id
    assert entry.at is not None


def test_a_turned_down_suggestion_is_never_suggested_again(declined, facilitator) -> None:
    assert cooperations_suggest() == []
    assert cooperations_suggest(initiative_ids=[declined.suggested_from_id]) == []
    assert Cooperation.objects.count() == 1


def test_deleting_a_suggestion_turns_it_down(suggestion, facilitator) -> None:
    cooperation_delete(cooperation=suggestion, by=facilitator)
    assert Cooperation.objects.get(pk=suggestion.pk).status == CooperationStatus.DECLINED
    assert cooperations_suggest() == []


@pytest.mark.parametrize("role", ["agent", "decision_maker", "moderator"])
def test_only_facilitators_turn_down(role, actors, suggestion) -> None:
    with pytest.raises(PermissionDenied):
        cooperation_decline(cooperation=suggestion, by=actors[role])
    assert Cooperation.objects.get(pk=suggestion.pk).status == CooperationStatus.SUGGESTED
    assert not AuditEntry.objects.filter(action=DECLINED).exists()


def test_a_turned_down_suggestion_is_not_confirmed_edited_nor_deleted(
    declined, facilitator
) -> None:
    with pytest.raises(ValidationError, match="turned down"):
        cooperation_confirm(cooperation=declined, by=facilitator)
    with pytest.raises(ValidationError, match="already turned down"):
        cooperation_decline(cooperation=declined, by=facilitator)
    with pytest.raises(ValidationError, match="turned down"):
        cooperation_delete(cooperation=declined, by=facilitator)
    with pytest.raises(PermissionDenied):
        cooperation_update(cooperation=declined, by=facilitator, data=None)  # type: ignore[arg-type]
    assert Cooperation.objects.get(pk=declined.pk).status == CooperationStatus.DECLINED


def test_a_confirmed_cooperation_is_not_turned_down(agent, facilitator, suggestion) -> None:
    cooperation_confirm(cooperation=suggestion, by=facilitator)
    with pytest.raises(ValidationError, match="Only a suggestion"):
        cooperation_decline(cooperation=suggestion, by=facilitator)


def test_a_turned_down_suggestion_never_counts_for_first_times(declined, agent) -> None:
    actors = list(declined.actors.all())
    later = make_cooperation(actors, by=agent, title="Plus tard")
    Cooperation.objects.filter(pk=declined.pk).update(is_unprecedented=True)  # as if it had

    cooperations_unprecedented_refresh()

    assert Cooperation.objects.get(pk=later.pk).is_unprecedented is True
    assert Cooperation.objects.get(pk=declined.pk).is_unprecedented is False


def test_a_suggestion_turned_down_before_the_status_does_not_come_back(
    agent, health, facilitator
) -> None:
    """Before "declined", a turned-down suggestion was deleted and its audit entry, aimed at the
    initiative, was all that remembered it."""
    initiative = publish(agent, coauthors=[colleague("sante@example.org", service=health)])
    audit_record(
        actor=facilitator, action=DECLINED, target=initiative,
        changes={"initiative": initiative.pk},
    )  # fmt: skip
    assert cooperations_suggest() == []
    AuditEntry.objects.filter(action=DECLINED).delete()  # the control: without it, suggested
    assert len(cooperations_suggest()) == 1


# --- shown nowhere --------------------------------------------------------------------------------


def test_not_in_the_graph_nor_the_metrics(declined) -> None:
    pair = _pair(declined)
    assert pair not in graph_data(GraphFilters()).edges
    assert metrics.compute("test")["edges_count"] == 0

    _confirm_by_hand(declined)
    assert pair in graph_data(GraphFilters()).edges
    assert metrics.compute("test")["edges_count"] == 1


def test_not_in_the_exports(declined, client_for) -> None:
    client = client_for("facilitator")

    def edges() -> list[tuple[int, int]]:
        body = b"".join(client.get(reverse("cooperations:graph-edges-csv")).streaming_content)
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        return [tuple(sorted((int(r["source"]), int(r["target"])))) for r in rows]

    assert _pair(declined) not in edges()
    _confirm_by_hand(declined)
    assert _pair(declined) in edges()


def test_not_in_the_lists_nor_the_api(declined, client_for) -> None:
    client = client_for("facilitator")
    actor = declined.actors.first()

    def shown() -> list[bool]:
        listed = [c.pk for c in client.get("/cooperations/").context["page"].object_list]
        api = [c["id"] for c in client.get("/api/cooperations").json()]
        on_actor = [
            c.pk for c, _role in client.get(actor.get_absolute_url()).context["cooperations"]
        ]
        return [declined.pk in found for found in (listed, api, on_actor)]

    assert shown() == [False, False, False]
    _confirm_by_hand(declined)
    assert shown() == [True, True, True]


def test_not_in_the_queue(declined, client_for) -> None:
    client = client_for("facilitator")
    assert declined not in client.get(reverse("cooperations:queue")).context["suggestions"]
    Cooperation.objects.filter(pk=declined.pk).update(status=CooperationStatus.SUGGESTED)
    assert declined in client.get(reverse("cooperations:queue")).context["suggestions"]


def test_its_page_is_the_facilitators_and_says_who_turned_it_down(
    declined, facilitator, client_for
) -> None:
    assert client_for("agent").get(declined.get_absolute_url()).status_code == 404
    assert client_for("agent").get(f"/api/cooperations/{declined.pk}").status_code == 404
    response = client_for("facilitator").get(declined.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Turned down by {facilitator}" in page
    assert reverse("cooperations:delete", args=[declined.pk]) not in page
    assert reverse("cooperations:edit", args=[declined.pk]) not in page
    assert reverse("cooperations:confirm", args=[declined.pk]) not in page


# --- the pages ------------------------------------------------------------------------------------


def test_turn_down_from_the_queue(suggestion, facilitator, client_for) -> None:
    client = client_for("facilitator")
    queue = client.get(reverse("cooperations:queue")).content.decode()
    ask = f"{reverse('cooperations:delete', args=[suggestion.pk])}?from=queue"
    assert ask in queue
    page = client.get(ask).content.decode()
    assert f'action="{reverse("cooperations:decline", args=[suggestion.pk])}"' in page
    assert 'name="from" value="queue"' in page

    response = client.post(
        reverse("cooperations:decline", args=[suggestion.pk]), {"from": "queue"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("cooperations:queue")
    assert "it will not come back" in response.content.decode()
    assert response.context["suggestions"] == []
    assert Cooperation.objects.get(pk=suggestion.pk).status == CooperationStatus.DECLINED


def test_turning_down_twice_says_so(declined, client_for) -> None:
    response = client_for("facilitator").post(
        reverse("cooperations:decline", args=[declined.pk]), follow=True
    )
    assert "already turned down" in response.content.decode()
    assert AuditEntry.objects.filter(action=DECLINED).count() == 1


def test_the_delete_page_of_a_turned_down_suggestion_leads_back(declined, client_for) -> None:
    client = client_for("facilitator")
    for response in (
        client.get(reverse("cooperations:delete", args=[declined.pk])),
        client.post(reverse("cooperations:delete", args=[declined.pk])),
    ):
        assert response["Location"] == declined.get_absolute_url()
    assert Cooperation.objects.filter(pk=declined.pk).exists()


# --- the data migration ---------------------------------------------------------------------------


def test_the_migration_declines_the_suggestions_an_audit_entry_turned_down(
    agent, health, facilitator
) -> None:
    """The entries written before the status aimed at the initiative; a suggestion still there
    with such an entry becomes declined. Others are left as they are."""
    others = [colleague(f"c{n}@example.org", service=health) for n in range(3)]
    for n, other in enumerate(others):
        publish(agent, coauthors=[other], title=f"Initiative {n}")
    old, by_itself, untouched = sorted(cooperations_suggest(), key=lambda c: c.title)
    audit_record(
        actor=facilitator, action=DECLINED, target=old.suggested_from,
        changes={"initiative": old.suggested_from_id},
    )  # fmt: skip
    audit_record(actor=facilitator, action=DECLINED, target=by_itself)
    confirmed = make_cooperation(list(untouched.actors.all()), by=agent, title="Confirmée")
    audit_record(actor=facilitator, action=DECLINED, target=confirmed)  # not a suggestion

    migration.decline(apps, None)

    def status(c: Cooperation) -> str:
        return Cooperation.objects.get(pk=c.pk).status

    assert [status(c) for c in (old, by_itself, untouched, confirmed)] == [
        "declined", "declined", "suggested", "confirmed",
    ]  # fmt: skip

    migration.undecline(apps, None)
    assert [status(c) for c in (old, by_itself)] == ["suggested", "suggested"]
