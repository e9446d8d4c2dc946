"""The network metrics of the cooperations (riposte/cooperations/metrics.py), step by step, on the
database of DATABASE_URL: reading the graph, betweenness, Louvain communities, the layout, and the
whole refresh the worker runs. Then the figures are stored, so that a server started afterwards
finds them fresh.

    PYTHONPATH=. DATABASE_URL=... .venv/bin/python bench/cooperations_metrics.py
    RUNS=3 QUALITY=1 ...   # QUALITY: how far the sampled betweenness is from a 4x larger sample

Prints one line per run and a summary; bench/cooperations.sh keeps it in bench/out/.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
django.setup()

import networkx as nx  # noqa: E402

from riposte.cooperations import metrics  # noqa: E402
from riposte.cooperations.graph import GraphFilters, graph_data  # noqa: E402


def steps() -> tuple[dict[str, float], nx.Graph]:
    times: dict[str, float] = {}
    start = time.perf_counter()
    data = graph_data(GraphFilters())
    graph = nx.Graph()
    graph.add_nodes_from(data.nodes)
    graph.add_edges_from((a, b, {"weight": e.weight}) for (a, b), e in data.edges.items())
    times["read the graph"] = time.perf_counter() - start
    start = time.perf_counter()
    metrics._betweenness(graph)
    times["betweenness"] = time.perf_counter() - start
    start = time.perf_counter()
    found = nx.community.louvain_communities(graph, weight="weight", seed=metrics.SEED)
    times["communities"] = time.perf_counter() - start
    start = time.perf_counter()
    metrics.layout(graph, sorted((sorted(c) for c in found), key=lambda g: (-len(g), g[0])))
    times["layout"] = time.perf_counter() - start
    return times, graph


def quality(graph: nx.Graph) -> dict[str, Any]:
    """Top-20 bridges from the page's sample against a sample four times larger (the exact
    figure would take hours here)."""
    k = metrics.BETWEENNESS_SAMPLES
    small = nx.betweenness_centrality(graph, k=k, seed=metrics.SEED)
    start = time.perf_counter()
    large = nx.betweenness_centrality(graph, k=4 * k, seed=metrics.SEED + 1)
    seconds = time.perf_counter() - start

    def top(scores: dict[Any, float]) -> list[Any]:
        return sorted(scores, key=lambda n: -scores[n])[:20]

    return {
        "samples": (k, 4 * k),
        "top20 in common": len(set(top(small)) & set(top(large))),
        "top5 in common": len(set(top(small)[:5]) & set(top(large)[:5])),
        "seconds for the larger sample": round(seconds, 1),
    }


def main() -> None:
    runs = int(os.getenv("RUNS", "3"))
    results = []
    graph = None
    for run in range(1, runs + 1):
        times, graph = steps()
        results.append(times)
        print(f"run {run}: " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()), flush=True)
    assert graph is not None
    print(
        f"graph: {graph.number_of_nodes()} actors, {graph.number_of_edges()} links; "
        f"betweenness sampled from {metrics.BETWEENNESS_SAMPLES} actors "
        f"(exact up to {metrics.EXACT_BETWEENNESS_MAX})"
    )
    for name in results[0]:
        values = [r[name] for r in results]
        print(
            f"median {name}: {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"
        )
    start = time.perf_counter()
    stored = metrics.refresh(force=True)
    print(
        f"refresh (what the worker runs, stored as GraphMetrics {stored.pk}): {time.perf_counter() - start:.2f} s"
    )
    if os.getenv("QUALITY") == "1":
        print(f"quality: {quality(graph)}")


if __name__ == "__main__":
    main()
