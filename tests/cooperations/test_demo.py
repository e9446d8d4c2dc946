"""The cooperations of `riposte demo`: emergencies with their real dates, actors across the 39
communes, cooperations some of which are "inédites", work waiting for the facilitators."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from riposte.cooperations import queries
from riposte.cooperations.models import (
    Actor,
    ActorKind,
    ActorStatus,
    Cooperation,
    CooperationStatus,
    Event,
)
from riposte.directory.models import Commune


@pytest.fixture
def demo(db) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, verbosity=0, size="small", seed=93)
    return out.getvalue()


def _state() -> list:
    return [
        list(
            Actor.objects.order_by("name_key", "kind", "name", "status").values_list(
                "name", "kind", "status"
            )
        ),
        list(
            Cooperation.objects.order_by(
                "title", "started_on", "status", "is_unprecedented", "event__name"
            ).values_list("title", "started_on", "status", "is_unprecedented", "event__name")
        ),
    ]


def test_the_emergencies_have_their_real_dates(demo) -> None:
    lockdown = Event.objects.get(name="Confinement du printemps 2020")
    assert (lockdown.starts_on, lockdown.ends_on) == (dt.date(2020, 3, 17), dt.date(2020, 5, 11))
    second = Event.objects.get(name="Second confinement, automne 2020")
    assert (second.starts_on, second.ends_on) == (dt.date(2020, 10, 30), dt.date(2020, 12, 15))
    assert Event.objects.filter(kind="canicule").count() >= 2
    assert Event.objects.filter(kind="inondation", starts_on__year=2018).exists()


def test_actors_of_every_kind_across_the_39_communes(demo) -> None:
    live = Actor.objects.filter(merged_into__isnull=True)
    assert 60 <= live.count() <= 120
    assert set(live.values_list("kind", flat=True)) == set(ActorKind.values)
    covered = set(live.exclude(commune=None).values_list("commune_id", flat=True))
    assert covered == set(Commune.objects.values_list("pk", flat=True))
    assert len(covered) == 39
    # Internal services come from the demo directory.
    assert live.filter(kind=ActorKind.SERVICE, service__code="DPAS-05").exists()


def test_cooperations_some_first_time_some_not(demo) -> None:
    confirmed = Cooperation.objects.filter(status=CooperationStatus.CONFIRMED)
    assert confirmed.count() >= 40
    assert confirmed.filter(is_unprecedented=True).count() >= 20
    assert confirmed.filter(is_unprecedented=False).count() >= 5
    lockdown = confirmed.filter(event__name="Confinement du printemps 2020")
    assert lockdown.count() >= 10
    assert all(c.participations.count() >= 2 for c in confirmed)
    # The second lockdown repeats a spring cooperation: not the first time any more.
    again = confirmed.get(title="Colis alimentaires, deuxième vague")
    assert again.is_unprecedented is False


def test_the_facilitators_have_work_waiting(demo) -> None:
    assert queries.proposed_actors().count() >= 3
    groups = queries.probable_duplicates()
    assert [sorted(a.name for a in g.actors) for g in groups] == [
        ["Entraide Bondy Nord", "Entraide Bondy-Nord"]
    ]
    suggestions = Cooperation.objects.filter(status=CooperationStatus.SUGGESTED)
    assert suggestions.count() == 1
    suggestion = suggestions.get()
    assert suggestion.suggested_from is not None
    assert suggestion.actors.count() >= 2


def test_the_demo_names_no_one(demo) -> None:
    """No real person: contacts are functions ("Accueil de…"), not names."""
    contacts = set(Actor.objects.exclude(contact_name="").values_list("contact_name", flat=True))
    assert contacts <= {"Accueil de l'épicerie", "Présidence de l'association"}
    assert not Actor.objects.filter(status=ActorStatus.PROPOSED, proposed_by=None).exists()


def test_the_same_seed_gives_the_same_cooperations_and_reset_rebuilds(demo) -> None:
    first = _state()
    out = io.StringIO()
    call_command("demo", stdout=out, verbosity=0, size="small", seed=93, reset=True)
    assert _state() == first
    assert "cooperations" in out.getvalue()
