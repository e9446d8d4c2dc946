"""The network's figures (riposte/cooperations/metrics.py): degree, bridges, groups and positions,
kept in GraphMetrics under the graph's fingerprint and recomputed when the graph changes."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import threading
import time

import networkx as nx
import pytest
from django.core.cache import cache
from django.tasks import task_backends

from riposte.cooperations import metrics
from riposte.cooperations.graph import GraphData, GraphFilters
from riposte.cooperations.models import (
    Actor,
    ActorKind,
    Cooperation,
    CooperationStatus,
    GraphMetrics,
)
from riposte.cooperations.services import (
    ActorData,
    CooperationData,
    actor_merge,
    actor_update,
    cooperation_confirm,
    cooperation_delete,
    cooperation_update,
)
from tests.cooperations.builders import make_actor, make_cooperation

D = dt.date


@pytest.fixture
def two_worlds(facilitator, agent):
    """Two groups of three who all cooperated together, one bridge between them, and an actor
    who never cooperated."""
    left = [make_actor(f"Association de gauche {i}", by=facilitator) for i in range(3)]
    right = [
        make_actor(f"Mairie de droite {i}", ActorKind.COMMUNE, by=facilitator) for i in range(3)
    ]
    bridge = make_actor("Le pont", ActorKind.THIRD_PLACE, by=facilitator)
    alone = make_actor("Tout seul", by=facilitator)
    make_cooperation(left, by=agent, title="À gauche", started_on=D(2020, 3, 20))
    make_cooperation(right, by=agent, title="À droite", started_on=D(2020, 3, 21))
    make_cooperation([bridge, left[0]], by=agent, title="Pont 1", started_on=D(2020, 4, 1))
    make_cooperation([bridge, right[0]], by=agent, title="Pont 2", started_on=D(2020, 4, 2))
    return {"left": left, "right": right, "bridge": bridge, "alone": alone}


def _figures(snapshot: metrics.Snapshot, actor: Actor) -> list:
    return snapshot.nodes[str(actor.pk)]


def test_degree_bridges_and_groups(two_worlds):
    w = two_worlds
    snapshot = metrics.snapshot()
    assert snapshot.fresh and snapshot.samples == 0 and not snapshot.approximate
    degree, betweenness, community = _figures(snapshot, w["bridge"])[:3]
    assert degree == 2
    # The bridge and its two partners are the only ones on the way from one world to the other.
    ranked = sorted(snapshot.nodes, key=lambda pk: -snapshot.nodes[pk][1])
    assert set(ranked[:3]) == {str(w["bridge"].pk), str(w["left"][0].pk), str(w["right"][0].pk)}
    assert _figures(snapshot, w["left"][1])[1] == 0
    # Exactly networkx's normalised betweenness (on 8 actors: the lone one counts too).
    graph = nx.Graph([(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5), (6, 0), (6, 3)])
    graph.add_node(7)
    assert betweenness == pytest.approx(nx.betweenness_centrality(graph)[6], abs=1e-6)
    # Two groups, numbered from the largest; the lone actor belongs to none.
    left_group = {_figures(snapshot, a)[2] for a in w["left"]}
    right_group = {_figures(snapshot, a)[2] for a in w["right"]}
    assert len(left_group) == len(right_group) == 1
    assert left_group != right_group
    assert left_group | right_group <= {1, 2}
    assert community in left_group | right_group
    assert _figures(snapshot, w["alone"])[2] == 0
    assert GraphMetrics.objects.get().data["communities"] == 2


def test_positions_are_stable_and_keep_the_groups_apart(two_worlds):
    w = two_worlds
    first = metrics.compute("x")
    again = metrics.compute("x")
    assert first["nodes"] == again["nodes"]  # fixed seeds: the same graph, the same drawing
    positions = {pk: tuple(f[3:5]) for pk, f in first["nodes"].items()}
    assert len(positions) == 8 and len(set(positions.values())) == 8

    def centre(actors):
        points = [positions[str(a.pk)] for a in actors]
        return (sum(p[0] for p in points) / 3, sum(p[1] for p in points) / 3)

    def spread(actors):
        c = centre(actors)
        return max(math.dist(positions[str(a.pk)], c) for a in actors)

    # Each group is tighter than the distance between the two groups.
    between = math.dist(centre(w["left"]), centre(w["right"]))
    assert between > spread(w["left"]) + spread(w["right"])


def test_groups_beyond_the_spring_budget_get_a_spiral_hubs_in_the_centre(two_worlds, monkeypatch):
    monkeypatch.setattr(metrics, "SPRING_BUDGET", 0)
    positions = {int(pk): tuple(f[3:5]) for pk, f in metrics.compute("x")["nodes"].items()}
    assert len(set(positions.values())) == 8
    left = two_worlds["left"]
    centre = (sum(positions[a.pk][0] for a in left) / 3, sum(positions[a.pk][1] for a in left) / 3)
    # left[0], the door to the bridge, has the most partners of its group: the nearest the centre
    # of the group's disc (the first point of the spiral).
    distances = {a.pk: math.dist(positions[a.pk], centre) for a in left}
    assert min(distances, key=distances.__getitem__) == left[0].pk


def test_betweenness_is_estimated_above_the_exact_limit(two_worlds, monkeypatch):
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_MAX", 4)
    monkeypatch.setattr(metrics, "BETWEENNESS_SAMPLES", 5)
    one = metrics.compute("x")
    assert one["samples"] == 5
    assert one["nodes"] == metrics.compute("x")["nodes"]  # a fixed seed: the same sample
    snapshot = metrics.snapshot()
    assert snapshot.approximate and snapshot.samples == 5


def test_the_fingerprint_follows_the_graph(two_worlds, facilitator, agent):
    w = two_worlds

    def state() -> tuple[str, str]:
        cache.delete(metrics.STATE_KEY)
        return metrics.graph_state()

    structure, shown = state()
    assert state() == (structure, shown)  # nothing changed, nothing moves

    # A new name changes what the graph shows, not who cooperated with whom.
    actor_update(
        actor=w["alone"], by=facilitator, data=ActorData("Tout seul, renommé", "association")
    )
    renamed = state()
    assert renamed[0] == structure and renamed[1] != shown

    steps = [renamed]
    cooperation = make_cooperation([w["alone"], w["bridge"]], by=agent, title="Nouvelle")
    steps.append(state())
    cooperation_update(
        cooperation=cooperation, by=agent,
        data=CooperationData(title="Nouvelle", description="Autre chose", started_on=D(2021, 1, 1),
                             actors=[w["alone"], w["bridge"], w["left"][1]]),
    )  # fmt: skip
    steps.append(state())
    cooperation_delete(cooperation=cooperation, by=facilitator)
    steps.append(state())
    twin = make_actor("Le pont bis", by=facilitator)
    steps.append(state())
    actor_merge(source=twin, target=w["bridge"], by=facilitator)
    steps.append(state())
    suggestion = make_cooperation(w["left"][1:], by=agent, title="Suggérée")
    Cooperation.objects.filter(pk=suggestion.pk).update(status=CooperationStatus.SUGGESTED)
    steps.append(state())
    cooperation_confirm(cooperation=suggestion, by=facilitator)
    steps.append(state())
    structures = [s[0] for s in steps]
    for before, after in itertools.pairwise(structures):
        assert before != after, "each write must move the structure"
    # Recorded then deleted: the same graph as before, the same fingerprint (and figures).
    assert structures[3] == structures[0]


def test_stale_figures_of_a_small_graph_are_recomputed_at_once(two_worlds, agent):
    first = metrics.snapshot()
    assert GraphMetrics.objects.count() == 1
    assert metrics.snapshot().id == first.id  # fresh: not computed again
    make_cooperation([two_worlds["alone"], two_worlds["bridge"]], by=agent, title="Enfin")
    cache.delete(metrics.STATE_KEY)  # as graph_changed does once the write is committed
    second = metrics.snapshot()
    assert second.id != first.id and second.fresh
    assert second.nodes[str(two_worlds["alone"].pk)][0] == 1
    for i in range(metrics.KEEP + 2):
        make_cooperation(
            [two_worlds["alone"], two_worlds["left"][i % 3]], by=agent, title=f"Encore {i}"
        )
        cache.delete(metrics.STATE_KEY)
        metrics.snapshot()
    assert GraphMetrics.objects.count() == metrics.KEEP


@pytest.fixture
def queue(settings):
    """A task backend that keeps what is enqueued instead of running it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    return backend


def test_a_large_graph_waits_for_the_worker(two_worlds, agent, queue, monkeypatch):
    old = metrics.snapshot()  # computed while the graph is small
    monkeypatch.setattr(metrics, "SYNC_MAX_NODES", 3)
    newcomer = make_actor("Nouvel arrivant", by=agent)
    make_cooperation([newcomer, two_worlds["bridge"]], by=agent, title="Tard")
    cache.delete(metrics.STATE_KEY)

    stale = metrics.snapshot()
    assert (stale.id, stale.fresh) == (old.id, False)
    assert [r.task.name for r in queue.results] == ["graph_metrics_refresh"]
    # The newcomer has no figures yet: it waits on the ring around the drawing, at its own place.
    betweenness, community, x, y = stale.node(newcomer.pk)
    assert (betweenness, community) == (0.0, 0)
    assert stale.node(newcomer.pk) == metrics.snapshot().node(newcomer.pk)
    assert math.hypot(x, y) > max(math.hypot(*f[3:5]) for f in stale.nodes.values())
    # Asked again before the worker started: not queued twice.
    metrics.snapshot()
    assert len(queue.results) == 1

    result = metrics.graph_metrics_refresh.call()  # what the worker runs
    assert result["id"] != old.id
    fresh = metrics.snapshot()
    assert fresh.fresh and fresh.id == result["id"]
    assert str(newcomer.pk) in fresh.nodes
    assert metrics.graph_metrics_refresh.call()["id"] == fresh.id  # up to date: nothing to do


def test_writes_ask_the_worker_once_committed(
    two_worlds, agent, facilitator, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_cooperation([two_worlds["alone"], two_worlds["bridge"]], by=agent, title="Plus tard")
    assert queue.results == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
        make_actor("Une autre association", by=facilitator)
    # Two writes, one run asked for; and the memo of the graph's state is gone.
    assert [r.task.name for r in queue.results] == ["graph_metrics_refresh"]
    assert cache.get(metrics.STATE_KEY) is None


def test_the_task_is_a_real_task(db):
    assert metrics.graph_metrics_refresh.name == "graph_metrics_refresh"
    assert metrics.graph_metrics_refresh.call()["id"] == GraphMetrics.objects.get().pk


def test_a_view_asked_by_many_at_once_is_built_once(db, monkeypatch):
    """Ten agents opening the same page together wait for one build of the graph."""
    built = []
    monkeypatch.setattr(metrics, "graph_state", lambda: ("s", "once"))
    monkeypatch.setattr(metrics, "snapshot", lambda: metrics.EMPTY)

    def slow_build(filters):
        built.append(filters)
        time.sleep(0.2)
        return GraphData(nodes={}, edges={})

    monkeypatch.setattr(metrics, "graph_data", slow_build)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(metrics.graph_for(GraphFilters(event=7))))
        for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len(results) == 10 and len({id(data) for data, _figures in results}) == 1
    assert metrics._building == {}
