"""The network of cooperations: who worked with whom, as a graph, for the page, the API and the
exports (GEXF for Gephi, GraphML, CSV).

Nodes are the live actors (a duplicate merged into another is not one); an edge joins two actors
who took part in the same confirmed cooperation (suggestions do not count until a facilitator
confirms them), weighted by the number of such cooperations. The same `GraphFilters` select the
cooperations everywhere, so a view shared by its URL gives the same graph as its exports.

Degree is counted in the filtered graph; betweenness, communities and positions come from the
whole network (metrics.py), so that the drawing and the groups stay put while one filters.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from itertools import combinations
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import networkx as nx
from django.db.models import Q, QuerySet

from riposte.cooperations.models import Actor, Cooperation, CooperationActor, CooperationStatus

if TYPE_CHECKING:
    from riposte.cooperations.metrics import Snapshot


@dataclass(frozen=True)
class GraphFilters:
    """Which cooperations (and actors) the graph shows. Empty means everything."""

    event: int | None = None
    start: dt.date | None = None  # cooperations overlapping [start, end]
    end: dt.date | None = None
    kinds: tuple[str, ...] = ()  # only actors of these kinds (and the edges between them)
    themes: tuple[str, ...] = ()  # theme slugs: cooperations with one of them
    unprecedented: bool = False  # only the "inédites"

    @property
    def selects_cooperations(self) -> bool:
        """Whether some cooperations are left out: then an actor shows only if it took part in
        one of those left in (else every actor shows, those without a cooperation too)."""
        return bool(self.event or self.start or self.end or self.themes or self.unprecedented)

    def params(self) -> list[tuple[str, str]]:
        """The query-string parameters, in one canonical order (also the cache key)."""
        out: list[tuple[str, str]] = []
        if self.event:
            out.append(("event", str(self.event)))
        if self.start:
            out.append(("start", self.start.isoformat()))
        if self.end:
            out.append(("end", self.end.isoformat()))
        out += [("kind", k) for k in sorted(set(self.kinds))]
        out += [("theme", t) for t in sorted(set(self.themes))]
        if self.unprecedented:
            out.append(("unprecedented", "on"))
        return out

    def querystring(self) -> str:
        return urlencode(self.params())

    def key(self) -> str:
        return self.querystring() or "all"


def cooperations_matching(filters: GraphFilters) -> QuerySet[Cooperation]:
    found = Cooperation.objects.filter(status=CooperationStatus.CONFIRMED)
    if filters.event:
        found = found.filter(event_id=filters.event)
    if filters.end:
        found = found.filter(started_on__lte=filters.end)
    if filters.start:
        # A cooperation without an end date is still going on.
        found = found.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=filters.start))
    if filters.themes:
        with_theme = Cooperation.themes.through.objects.filter(theme__slug__in=filters.themes)
        found = found.filter(pk__in=with_theme.values("cooperation_id"))
    if filters.unprecedented:
        found = found.filter(is_unprecedented=True)
    return found


@dataclass(slots=True)
class Edge:
    weight: int  # the number of cooperations the two actors had together
    first: dt.date  # when the first of them started
    unprecedented: bool  # whether that first one was "inédite"


@dataclass
class GraphData:
    """The filtered graph, as plain data: cheaper than a networkx graph for the API."""

    # id -> (name, kind, status, commune name, commune id)
    nodes: dict[int, tuple[str, str, str, str, int | None]]
    edges: dict[tuple[int, int], Edge]  # (smaller id, larger id) -> edge
    degree: Counter[int] = field(default_factory=Counter)
    # What the pages compute from it (rows, sorted orders...), kept with it: see graph_views.
    derived: dict[Any, Any] = field(default_factory=dict, repr=False)


def graph_data(filters: GraphFilters) -> GraphData:
    cooperations = cooperations_matching(filters)
    actors = Actor.objects.filter(merged_into__isnull=True)
    links = CooperationActor.objects.filter(
        cooperation__in=cooperations.values("pk"), actor__merged_into__isnull=True
    )
    if filters.kinds:
        actors = actors.filter(kind__in=filters.kinds)
        links = links.filter(actor__kind__in=filters.kinds)
    # Two reads rather than one join: converting a date on each of the 130,000 participation rows
    # of a large network cost more than reading the 50,000 cooperations on their own.
    members: dict[int, list[int]] = {}
    for cooperation_id, actor_id in (
        links.order_by().values_list("cooperation_id", "actor_id").iterator(chunk_size=10_000)
    ):
        found = members.get(cooperation_id)
        if found is None:
            members[cooperation_id] = [actor_id]
        else:
            found.append(actor_id)
    edges: dict[tuple[int, int], Edge] = {}
    # In (start, id) order, as "inédite" is defined: the first cooperation of a pair sets its
    # first date and whether that one was new. (The loop is the cost of a large graph: a pair of
    # actors, the most common case, skips the general one.)
    for cooperation_id, started_on, unprecedented in (
        cooperations.order_by("started_on", "pk")
        .values_list("pk", "started_on", "is_unprecedented")
        .iterator(chunk_size=10_000)
    ):
        ids = members.get(cooperation_id)
        if ids is None or len(ids) < 2:
            continue
        if len(ids) == 2:
            a, b = ids
            pairs: Iterable[tuple[int, int]] = ((a, b) if a < b else (b, a),)
        else:
            pairs = combinations(sorted(ids), 2)
        for pair in pairs:
            edge = edges.get(pair)
            if edge is None:
                edges[pair] = Edge(1, started_on, unprecedented)
            else:
                edge.weight += 1
    degree = Counter(pair[0] for pair in edges)
    degree.update(pair[1] for pair in edges)
    took_part = {pk for ids in members.values() for pk in ids}
    nodes: dict[int, tuple[str, str, str, str, int | None]] = {}
    for pk, name, kind, status, commune, commune_id in actors.order_by("pk").values_list(
        "pk", "name", "kind", "status", "commune__name", "commune_id"
    ):
        if filters.selects_cooperations and pk not in took_part:
            continue
        nodes[pk] = (name, kind, status, commune or "", commune_id)
    return GraphData(nodes=nodes, edges=edges, degree=degree)


def node_size(degree: int) -> float:
    """The drawn radius: grows with the square root of the degree, so hubs stand out without
    hiding their neighbours."""
    return round(min(2.0 + 0.8 * math.sqrt(degree), 12.0), 2)


def node_rows(data: GraphData, snapshot: Snapshot) -> Iterator[dict[str, Any]]:
    """Each node with every attribute the page, the API and the exports give."""
    for pk, (name, kind, status, commune, _commune_id) in data.nodes.items():
        betweenness, community, x, y = snapshot.node(pk)
        degree = data.degree.get(pk, 0)
        yield {
            "id": pk, "label": name, "kind": kind, "status": status, "commune": commune,
            "degree": degree, "betweenness": betweenness, "community": community,
            "x": x, "y": y, "size": node_size(degree),
        }  # fmt: skip


def edge_rows(data: GraphData) -> Iterator[dict[str, Any]]:
    for (a, b), edge in data.edges.items():
        yield {
            "source": a, "target": b, "weight": edge.weight, "cooperations": edge.weight,
            "first": edge.first.isoformat(), "unprecedented": edge.unprecedented,
        }  # fmt: skip


def to_json(data: GraphData, snapshot: Snapshot) -> bytes:
    body = {
        "nodes": list(node_rows(data, snapshot)),
        "edges": list(edge_rows(data)),
        "metrics": snapshot.describe(),
    }
    # Names are typed by agents: whatever they hold, a replacement character is better than a
    # 500 (SQLite can store a lone surrogate, which UTF-8 cannot encode).
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")


# --- GEXF and GraphML ----------------------------------------------------------------------------

# XML 1.0 cannot carry these characters at all, not even escaped: an actor's name with one of
# them (pasted from a word processor...) would make the whole file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def to_networkx(data: GraphData, snapshot: Snapshot, *, viz: bool = False) -> nx.Graph:
    """A networkx graph with the nodes' and edges' attributes; `viz` adds the position and size
    that Gephi reads from a GEXF file."""
    graph = nx.Graph()
    for row in node_rows(data, snapshot):
        pk = row.pop("id")
        row["label"] = _xml_text(row["label"])
        row["commune"] = _xml_text(row["commune"])
        if viz:
            row["viz"] = {
                "position": {"x": row["x"], "y": row["y"], "z": 0.0},
                "size": row["size"],
            }
        graph.add_node(pk, **row)
    for row in edge_rows(data):
        graph.add_edge(row.pop("source"), row.pop("target"), **row)
    return graph


def gexf_lines(data: GraphData, snapshot: Snapshot) -> Iterator[str]:
    graph = to_networkx(data, snapshot, viz=True)
    graph.graph["mode"] = "static"
    yield from (
        line + "\n" for line in nx.generate_gexf(graph, encoding="utf-8", version="1.2draft")
    )


def graphml_bytes(data: GraphData, snapshot: Snapshot) -> bytes:
    out = BytesIO()
    nx.write_graphml(to_networkx(data, snapshot), out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()


# --- CSV -----------------------------------------------------------------------------------------

NODE_COLUMNS = [
    "id", "label", "kind", "status", "commune", "degree", "betweenness", "community", "x", "y",
    "size",
]  # fmt: skip
EDGE_COLUMNS = [
    "source", "target", "source_label", "target_label", "weight", "cooperations", "first",
    "unprecedented",
]  # fmt: skip


def _safe(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet: an actor's name must never run
    # as one on a colleague's computer (as in riposte/initiatives/exports.py).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that a spreadsheet opens the UTF-8 file with its accents
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([_safe(v) for v in row])


def nodes_csv(data: GraphData, snapshot: Snapshot) -> Iterator[str]:
    return _csv(NODE_COLUMNS, ([row[c] for c in NODE_COLUMNS] for row in node_rows(data, snapshot)))


def edges_csv(data: GraphData) -> Iterator[str]:
    names = {pk: node[0] for pk, node in data.nodes.items()}
    return _csv(
        EDGE_COLUMNS,
        (
            [row["source"], row["target"], names.get(row["source"], ""),
             names.get(row["target"], ""), row["weight"], row["cooperations"], row["first"],
             row["unprecedented"]]
            for row in edge_rows(data)
        ),
    )  # fmt: skip
