"""Network metrics of the whole graph of cooperations, computed with networkx and kept in
GraphMetrics so that every process and page reads the same figures.

- degree: how many partners an actor has;
- betweenness: how often an actor lies on the shortest path between two others, i.e. the
  "bridges" between worlds that would not meet without them. Exact up to EXACT_BETWEENNESS_MAX
  actors; above, estimated from BETWEENNESS_SAMPLES actors drawn with a fixed seed (Brandes'
  sampling: the page says so), as the exact figure costs hours on 10,000 actors;
- communities: groups that cooperate more among themselves than with others (Louvain, fixed
  seed, so the same graph always gives the same groups);
- positions for the drawing: each group laid out on its own and the groups placed apart, which
  costs seconds where a force-directed layout of 10,000 actors costs minutes.

A fingerprint of the graph's state says which state figures were computed from. When it no
longer matches, a small graph is recomputed at once; a large one is left to the worker
(`graph_metrics_refresh`), the page showing the previous figures meanwhile.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import networkx as nx
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q
from django.tasks import task

from riposte.cooperations.graph import GraphData, GraphFilters, graph_data
from riposte.cooperations.models import (
    Actor,
    Cooperation,
    CooperationActor,
    CooperationStatus,
    GraphMetrics,
)

logger = logging.getLogger(__name__)

SEED = 93
EXACT_BETWEENNESS_MAX = 1000
BETWEENNESS_SAMPLES = 200
# Up to this many actors the figures are computed during the request that finds them stale
# (well under a second); above, by the worker.
SYNC_MAX_NODES = 1500
# Groups up to this size get a force-directed layout, while the work it costs (the sum of their
# squared sizes) stays within the budget: about a second here. Others get a spiral, hubs in the
# centre. A network of a few hundred actors is all springs; on 10,000, a spring layout of every
# group took 8 s (bench/README.md).
SPRING_MAX = 300
SPRING_BUDGET = 600_000
KEEP = 3  # computed figures kept (the latest is used; older ones only while a refresh runs)
STATE_KEY = "cooperations:graph:state"
STATE_TTL = 5  # seconds: writes through the services clear it at once, other writes age out
QUEUED_KEY = "cooperations:graph:refresh-queued"


# --- the graph's state ---------------------------------------------------------------------------


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def graph_state() -> tuple[str, str]:
    """(structure, everything): the fingerprint of what the metrics depend on (which actors
    cooperated), and of all that the graph shows (names, kinds, communes, dates too).

    Aggregates rather than a hash of every row: a handful of index scans. Each write through the
    services moves one of them (a count, a last id or a last change date)."""
    memo = cache.get(STATE_KEY)
    if memo is not None:
        return memo
    links = CooperationActor.objects.aggregate(n=Count("id"), last=Max("id"))
    confirmed = Cooperation.objects.filter(status=CooperationStatus.CONFIRMED).aggregate(
        n=Count("id"), last=Max("id"), changed=Max("updated_at")
    )
    actors = Actor.objects.aggregate(
        n=Count("id"),
        last=Max("id"),
        merged=Count("id", filter=Q(merged_into__isnull=False)),
        merged_at=Max("merged_at"),
    )
    shown = Actor.objects.aggregate(
        changed=Max("updated_at"),
        validated=Max("validated_at"),
        n_validated=Count("id", filter=Q(status="validated")),
    )
    structure = _digest(links, confirmed, actors)
    state = (structure, _digest(structure, shown))
    cache.set(STATE_KEY, state, STATE_TTL)
    return state


# --- computing -----------------------------------------------------------------------------------


def _betweenness(graph: nx.Graph) -> tuple[dict[int, float], int]:
    """Normalised betweenness, and the number of sampled sources (0: exact)."""
    n = graph.number_of_nodes()
    if n <= EXACT_BETWEENNESS_MAX:
        return nx.betweenness_centrality(graph, normalized=True), 0
    return nx.betweenness_centrality(
        graph, k=BETWEENNESS_SAMPLES, normalized=True, seed=SEED
    ), BETWEENNESS_SAMPLES


def _spiral(count: int, radius: float) -> list[tuple[float, float]]:
    """`count` points evenly spread over a disc (Vogel's sunflower), the first in the centre."""
    golden = math.pi * (3 - math.sqrt(5))
    return [
        (
            radius * math.sqrt((i + 0.5) / count) * math.cos(i * golden),
            radius * math.sqrt((i + 0.5) / count) * math.sin(i * golden),
        )
        for i in range(count)
    ]


def _group_layout(
    graph: nx.Graph, members: list[int], radius: float, *, spring: bool
) -> dict[int, tuple[float, float]]:
    if len(members) == 1:
        return {members[0]: (0.0, 0.0)}
    if spring and graph.subgraph(members).number_of_edges():
        layout = nx.spring_layout(graph.subgraph(members), seed=SEED, iterations=50)
        return {pk: (float(x) * radius, float(y) * radius) for pk, (x, y) in layout.items()}
    ranked = sorted(members, key=lambda pk: (-graph.degree(pk), pk))
    return dict(zip(ranked, _spiral(len(ranked), radius), strict=True))


def _place(discs: list[tuple[float, float, float]], radius: float) -> tuple[float, float]:
    """The first point along a spiral from the centre where a disc of `radius` overlaps none of
    those already placed: big groups in the middle, small ones around."""
    step = max(radius / 2, 0.5)
    turn = 0.0
    while True:
        distance = step * turn / (2 * math.pi)
        x, y = distance * math.cos(turn), distance * math.sin(turn)
        if all(math.hypot(x - cx, y - cy) >= radius + r + 1 for cx, cy, r in discs):
            return x, y
        # About one disc's width along the spiral per step, whatever the distance.
        turn += max(0.2, min(1.0, 2 * radius / max(distance, 1.0)))


def layout(graph: nx.Graph, groups: list[list[int]]) -> dict[int, tuple[float, float]]:
    """Positions: each group (largest first) in a disc whose area grows with its size; actors
    without any partner share one last disc."""
    singles = sorted(pk for group in groups if len(group) == 1 for pk in group)
    discs_to_place = [g for g in groups if len(g) > 1] + ([singles] if singles else [])
    positions: dict[int, tuple[float, float]] = {}
    discs: list[tuple[float, float, float]] = []
    budget = SPRING_BUDGET
    for members in discs_to_place:
        radius = 2.0 * math.sqrt(len(members))
        cx, cy = _place(discs, radius)
        discs.append((cx, cy, radius))
        spring = members is not singles and len(members) <= SPRING_MAX
        spring = spring and len(members) ** 2 <= budget
        if spring:
            budget -= len(members) ** 2
        for pk, (x, y) in _group_layout(graph, members, radius, spring=spring).items():
            positions[pk] = (round(cx + x, 3), round(cy + y, 3))
    return positions


def compute(fingerprint: str) -> dict[str, Any]:
    """Every figure of the whole graph, as GraphMetrics.data stores it."""
    data = graph_data(GraphFilters())
    graph = nx.Graph()
    graph.add_nodes_from(data.nodes)
    graph.add_edges_from((a, b, {"weight": e.weight}) for (a, b), e in data.edges.items())
    betweenness, samples = _betweenness(graph)
    found = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    # Numbered by size, largest first (ties: smallest actor id), from 1; 0: no partner at all.
    groups = sorted((sorted(c) for c in found), key=lambda g: (-len(g), g[0]))
    community = {}
    number = 0
    for members in groups:
        if len(members) > 1:
            number += 1
        for pk in members:
            community[pk] = number if len(members) > 1 else 0
    positions = layout(graph, groups)
    return {
        "fingerprint": fingerprint,
        "nodes_count": graph.number_of_nodes(),
        "edges_count": graph.number_of_edges(),
        "samples": samples,
        "communities": number,
        # id -> [degree, betweenness, community, x, y]; lists, not dicts: 10,000 of them.
        "nodes": {
            str(pk): [graph.degree(pk), round(betweenness[pk], 6), community[pk], *positions[pk]]
            for pk in graph.nodes
        },
    }


def refresh(*, force: bool = False) -> GraphMetrics:
    """Compute and store the figures of the graph as it is now (unless they already are)."""
    structure, _shown = graph_state()
    latest = _latest()
    if latest is not None and latest[1] == structure and not force:
        return GraphMetrics.objects.defer("data").get(pk=latest[0])
    started = time.perf_counter()
    data = compute(structure)
    seconds = time.perf_counter() - started
    metrics = GraphMetrics.objects.create(fingerprint=structure, seconds=seconds, data=data)
    old = GraphMetrics.objects.order_by("-computed_at", "-pk").values_list("pk", flat=True)[KEEP:]
    GraphMetrics.objects.filter(pk__in=list(old)).delete()
    logger.info(
        "graph metrics: %s actors, %s links in %.1f s",
        data["nodes_count"], data["edges_count"], seconds,
    )  # fmt: skip
    return metrics


@task()
def graph_metrics_refresh() -> dict[str, Any]:
    """The worker's job: bring the figures up to date with the graph."""
    cache.delete(QUEUED_KEY)  # a write from now on asks for another run
    cache.delete(STATE_KEY)
    metrics = refresh()
    return {"id": metrics.pk, "fingerprint": metrics.fingerprint, "seconds": metrics.seconds}


def refresh_enqueue() -> None:
    """Ask the worker for fresh figures, once until it starts (many writes, one run)."""
    if cache.add(QUEUED_KEY, 1, timeout=300):
        graph_metrics_refresh.enqueue()


def _changed() -> None:
    cache.delete(STATE_KEY)
    refresh_enqueue()


def graph_changed() -> None:
    """Called by the services after a write that may change the graph: once it is committed,
    the figures are recomputed in the background."""
    transaction.on_commit(_changed)


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The figures the pages use: those of the current graph, or the latest ones while the
    worker computes the current ones (`fresh` False)."""

    id: int | None
    computed_at: dt.datetime | None
    seconds: float
    fresh: bool
    samples: int
    nodes: dict[str, list[Any]]

    def node(self, pk: int) -> tuple[float, int, float, float]:
        """(betweenness, community, x, y). An actor newer than the figures waits on a ring
        around the drawing, at a place of its own that does not change."""
        figures = self.nodes.get(str(pk))
        if figures is not None:
            return figures[1], figures[2], figures[3], figures[4]
        angle = (pk * 2.399963) % (2 * math.pi)  # the golden angle: neighbours spread out
        ring = 2.5 * math.sqrt(max(len(self.nodes), 1)) + 10
        return 0.0, 0, round(ring * math.cos(angle), 3), round(ring * math.sin(angle), 3)

    @property
    def approximate(self) -> bool:
        return self.samples > 0

    def describe(self) -> dict[str, Any]:
        return {
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "fresh": self.fresh,
            "betweenness_samples": self.samples,
        }


# (GraphMetrics id, computed at) -> its figures, parsed once per process: 10,000 actors' figures
# are half a megabyte of JSON.
_parsed: dict[tuple[int, dt.datetime], Snapshot] = {}
_lock = threading.Lock()  # request threads share these memos


def _snapshot(pk: int, computed_at: dt.datetime, *, fresh: bool) -> Snapshot:
    parsed = _parsed.get((pk, computed_at))
    if parsed is None:
        metrics = GraphMetrics.objects.get(pk=pk)
        parsed = Snapshot(
            id=metrics.pk,
            computed_at=metrics.computed_at,
            seconds=metrics.seconds,
            fresh=True,
            samples=metrics.data.get("samples", 0),
            nodes=metrics.data.get("nodes", {}),
        )
        with _lock:
            if len(_parsed) >= KEEP:
                _parsed.clear()
            _parsed[(pk, computed_at)] = parsed
    if not fresh:
        return Snapshot(
            parsed.id, parsed.computed_at, parsed.seconds, False, parsed.samples, parsed.nodes
        )
    return parsed


EMPTY = Snapshot(None, None, 0.0, False, 0, {})


def _latest() -> tuple[int, str, dt.datetime] | None:
    return (
        GraphMetrics.objects.order_by("-computed_at", "-pk")
        .values_list("pk", "fingerprint", "computed_at")
        .first()
    )


def snapshot() -> Snapshot:
    """The figures of the graph as it is now, computed here if it is small; else the latest
    ones, a refresh being asked of the worker."""
    structure, _shown = graph_state()
    latest = _latest()
    if latest is not None and latest[1] == structure:
        return _snapshot(latest[0], latest[2], fresh=True)
    if Actor.objects.filter(merged_into__isnull=True).count() <= SYNC_MAX_NODES:
        metrics = refresh()
        return _snapshot(metrics.pk, metrics.computed_at, fresh=True)
    refresh_enqueue()
    return _snapshot(latest[0], latest[2], fresh=False) if latest is not None else EMPTY


# (graph state, filters) -> the filtered graph, for the few views last asked in this process: a
# page, its table's next page and its exports read the same graph (1.5 s to build for 10,000
# actors and 100,000 links).
_views: dict[tuple[str, str], GraphData] = {}
_building: dict[tuple[str, str], threading.Lock] = {}
VIEWS_KEPT = 4


def graph_for(filters: GraphFilters) -> tuple[GraphData, Snapshot]:
    """The filtered graph and the figures to show with it."""
    _structure, shown = graph_state()
    figures = snapshot()
    key = (shown, filters.key())
    data = _views.get(key)
    if data is None:
        # One thread builds a view, the others asking for it meanwhile wait for it: ten agents
        # opening the page at once must not build the same graph ten times over (bench/README.md).
        with _lock:
            building = _building.setdefault(key, threading.Lock())
        with building:
            data = _views.get(key)
            if data is None:
                data = graph_data(filters)
                with _lock:
                    while len(_views) >= VIEWS_KEPT:
                        _views.pop(next(iter(_views)))
                    _views[key] = data
        with _lock:
            _building.pop(key, None)
    return data, figures
