"""Pages of the network of cooperations: the graph (sigma.js island, with its figures as a table
that is also the text alternative of the drawing), the map of actors by commune (Leaflet, with a
table beside it), and the graph's exports. Every one reads the same filters from its URL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from riposte.cooperations import graph, metrics
from riposte.cooperations.graph_forms import filters_from
from riposte.cooperations.models import ActorKind
from riposte.core.http import AgentRequest
from riposte.core.text import fold
from riposte.directory.models import Commune

PAGE_SIZE = 50
PARTNERS_SHOWN = 50
# Column -> how the table sorts on it: the bridges first by default.
SORTS: dict[str, Any] = {
    "betweenness": lambda r: (-r["betweenness"], -r["degree"], r["label"].casefold()),
    "degree": lambda r: (-r["degree"], -r["betweenness"], r["label"].casefold()),
    "name": lambda r: (r["label"].casefold(), r["id"]),
    "community": lambda r: (r["community"] or 10**9, -r["degree"], r["label"].casefold()),
}
KIND_LABELS = dict(ActorKind.choices)
_deriving = threading.RLock()


def actor_url(pk: int) -> str:
    return reverse("cooperations:actor", args=[pk])


def _page_params(request: AgentRequest, **changes: str) -> str:
    """The page's query string with some parameters changed (or removed when empty)."""
    params = request.GET.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value:
            params[name] = value
    return params.urlencode()


def _partners(data: graph.GraphData, pk: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for (a, b), edge in data.edges.items():
        if pk in (a, b):
            other = b if a == pk else a
            found.append(
                {
                    "id": other,
                    "label": data.nodes[other][0],
                    "kind": KIND_LABELS.get(data.nodes[other][1], ""),
                    "cooperations": edge.weight,
                    "first": edge.first,
                }
            )
    found.sort(key=lambda p: (-p["cooperations"], p["label"].casefold()))
    return found


def _focus(
    request: AgentRequest, data: graph.GraphData, rows: dict[int, dict[str, Any]]
) -> dict[str, Any] | None:
    raw = request.GET.get("focus", "")
    if not raw:
        return None
    pk = int(raw) if raw.isdigit() else None
    if pk is None or pk not in rows:
        return {"missing": True}
    partners = _partners(data, pk)
    return {
        "missing": False,
        "row": rows[pk],
        "kind": KIND_LABELS.get(rows[pk]["kind"], ""),
        "url": actor_url(pk),
        "partners": partners[:PARTNERS_SHOWN],
        "more": max(0, len(partners) - PARTNERS_SHOWN),
    }


def _communities(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The groups present in this view, largest first, with their three most connected
    members; and how many actors have no partner at all."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["community"], []).append(row)
    alone = len(groups.pop(0, []))
    listed: list[dict[str, Any]] = []
    for number, members in groups.items():
        members.sort(key=lambda r: (-r["degree"], r["label"].casefold()))
        kinds = Counter(r["kind"] for r in members).most_common(1)
        listed.append(
            {
                "number": number,
                "count": len(members),
                "top": members[:3],
                "kind": KIND_LABELS.get(kinds[0][0], "") if kinds else "",
            }
        )
    listed.sort(key=lambda g: (-g["count"], g["number"]))
    return listed, alone


def _derived(data: graph.GraphData, figures: metrics.Snapshot, name: Any, build: Any) -> Any:
    """A value computed from one view of the graph and its figures, kept with the view (the
    process keeps its last few: metrics.graph_for): a page of the table of 10,000 actors then
    costs its 50 rows, not 10,000 (0.5 s a page before, bench/README.md)."""
    key = (name, figures.id, figures.fresh)
    value = data.derived.get(key)
    if value is None:
        with _deriving:  # built once, even when ten requests ask for it at the same moment
            value = data.derived.get(key)
            if value is None:
                value = data.derived[key] = build()
    return value


@login_required
@require_safe
def graph_page(request: AgentRequest) -> HttpResponse:
    filters, form = filters_from(request.GET)
    data, figures = metrics.graph_for(filters)
    all_rows = _derived(data, figures, "rows", lambda: list(graph.node_rows(data, figures)))
    by_id = _derived(data, figures, "by_id", lambda: {r["id"]: r for r in all_rows})
    focus = _focus(request, data, by_id)
    if request.htmx and "focus" in request.GET:
        return render(
            request,
            "cooperations/graph.html#focus",
            {"focus": focus, "filters_qs": filters.querystring()},
        )
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = "betweenness"
    rows = _derived(data, figures, ("sorted", sort), lambda: sorted(all_rows, key=SORTS[sort]))
    q = request.GET.get("q", "").strip()[:200]
    if q:
        folded = _derived(
            data, figures, "folded", lambda: {r["id"]: fold(r["label"]) for r in all_rows}
        )
        wanted = fold(q)
        rows = [r for r in rows if wanted in folded[r["id"]]]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Copies: the rows are shared by the requests that read this view.
    shown = [
        {**row, "url": actor_url(row["id"]), "kind_label": KIND_LABELS.get(row["kind"], "")}
        for row in page
    ]
    communities, alone = _derived(data, figures, "communities", lambda: _communities(all_rows))
    queries = {
        "filters": filters.querystring(),
        "sort": {name: _page_params(request, sort=name, page="") for name in SORTS},
        "page": _page_params(request, page=""),
        "no_focus": _page_params(request, focus=""),
    }
    context = {
        "form": form,
        "filters": filters,
        "q": q,
        "sort": sort,
        "page": page,
        "rows": shown,
        "nodes_count": len(data.nodes),
        "edges_count": len(data.edges),
        "figures": figures,
        "exact_max": metrics.EXACT_BETWEENNESS_MAX,
        "communities": communities[:30],
        "communities_count": len(communities),
        "alone": alone,
        "focus": focus,
        "filters_qs": filters.querystring(),
        "queries": queries,
        "kinds": [(value, label) for value, label in ActorKind.choices],
    }
    return render(request, "cooperations/graph.html", context)


@login_required
@require_safe
def actors_map(request: AgentRequest) -> HttpResponse:
    """Actors by commune; those without a commune (département-wide) are counted beside."""
    filters, form = filters_from(request.GET)
    data, _figures = metrics.graph_for(filters)
    members: dict[int, list[tuple[int, str, str]]] = {}
    elsewhere = 0
    for pk, (name, kind, _status, _commune, commune_id) in data.nodes.items():
        if commune_id is None:
            elsewhere += 1
        else:
            members.setdefault(commune_id, []).append((pk, name, kind))
    graph_url = reverse("cooperations:graph")
    filters_qs = filters.querystring()
    points: list[dict[str, Any]] = []
    for commune in Commune.objects.filter(pk__in=members).order_by("name"):
        actors = sorted(
            members[commune.pk], key=lambda a: (-data.degree.get(a[0], 0), a[1].casefold())
        )
        kinds = Counter(KIND_LABELS.get(kind, "") for _pk, _name, kind in actors).most_common(3)
        points.append(
            {
                "name": commune.name,
                "lat": commune.latitude,
                "lon": commune.longitude,
                "count": len(actors),
                "kinds": kinds,
                "top": [
                    {"name": name, "url": f"{graph_url}?{filters_qs}&focus={pk}".replace("?&", "?")}
                    for pk, name, _kind in actors[:8]
                ],
            }
        )
    context = {
        "form": form,
        "filters": filters,
        "points": sorted(points, key=lambda p: (-p["count"], p["name"])),
        "markers": points,
        "elsewhere": elsewhere,
        "tiles": {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION},
        "kinds": [(value, label) for value, label in ActorKind.choices],
    }
    return render(request, "cooperations/map.html", context)


def _attachment(response: HttpResponseBase, stem: str, extension: str) -> HttpResponseBase:
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="cooperations-{stem}-{stamp}.{extension}"'
    )
    return response


@login_required
@require_safe
def graph_export(request: AgentRequest, fmt: str) -> HttpResponseBase:
    """The graph of the page's filters for Gephi (GEXF) or any graph tool (GraphML)."""
    filters, _form = filters_from(request.GET)
    data, figures = metrics.graph_for(filters)
    if fmt == "gexf":
        response: HttpResponseBase = StreamingHttpResponse(
            graph.gexf_lines(data, figures), content_type="application/gexf+xml; charset=utf-8"
        )
    else:
        response = HttpResponse(
            graph.graphml_bytes(data, figures),
            content_type="application/graphml+xml; charset=utf-8",
        )
    return _attachment(response, "graph", fmt)


def _csv_response(lines: Iterator[str], stem: str) -> HttpResponseBase:
    return _attachment(
        StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8"), stem, "csv"
    )


@login_required
@require_safe
def graph_nodes_csv(request: AgentRequest) -> HttpResponseBase:
    filters, _form = filters_from(request.GET)
    data, figures = metrics.graph_for(filters)
    return _csv_response(graph.nodes_csv(data, figures), "graph-nodes")


@login_required
@require_safe
def graph_edges_csv(request: AgentRequest) -> HttpResponseBase:
    filters, _form = filters_from(request.GET)
    data, _figures = metrics.graph_for(filters)
    return _csv_response(graph.edges_csv(data), "graph-edges")
