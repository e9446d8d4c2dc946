"""The cooperations graph API: nodes and edges with the graph page's filters.

The answer for 10,000 actors is 12 MB of JSON (1 MB compressed) and takes a second or two to
build, so it is kept in the cache, compressed, under the graph's state and the filters: until the
graph changes, the next caller gets it in a few milliseconds (bench/README.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from riposte.cooperations import graph, metrics
from riposte.cooperations.graph_forms import filters_from

router = Router(tags=["cooperations"])

CACHE_SECONDS = 600


class NodeOut(Schema):
    id: int
    label: str
    kind: str
    status: str
    commune: str
    degree: int = Field(..., description="partners in this view")
    betweenness: float = Field(..., description="bridge score in the whole network, 0 to 1")
    community: int = Field(..., description="group in the whole network; 0: no partner")
    x: float
    y: float
    size: float


class EdgeOut(Schema):
    source: int
    target: int
    weight: int
    cooperations: int
    first: dt.date
    unprecedented: bool = Field(
        ...,
        description="whether the first of their cooperations in this view was inédite (always "
        "true without filters: a pair's very first cooperation is new for that pair)",
    )


class MetricsOut(Schema):
    computed_at: dt.datetime | None
    fresh: bool = Field(..., description="false while the worker brings the figures up to date")
    betweenness_samples: int = Field(..., description="0: exact; else estimated from N actors")


class GraphOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    metrics: MetricsOut


class GraphQuery(Schema):
    """Declared for the OpenAPI schema; the values are read by the page's own form."""

    event: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    kind: list[str] = Field([], description="actor kinds")
    theme: list[str] = Field([], description="theme slugs")
    unprecedented: bool = False


@router.get(
    "/cooperations/graph",
    response=GraphOut,
    url_name="cooperations_graph",
    summary="The network of actors and their cooperations, with the graph page's filters",
)
def cooperations_graph(request: HttpRequest, query: Query[GraphQuery]) -> HttpResponse:
    filters, form = filters_from(request.GET)
    if not form.is_valid():
        raise HttpError(
            422,
            "; ".join(
                f"{name}: {' '.join(str(e) for e in errors)}"
                for name, errors in form.errors.items()
            ),
        )
    figures = metrics.snapshot()
    _structure, shown = metrics.graph_state()
    tag = hashlib.sha256(
        f"{shown}:{figures.id}:{figures.fresh}:{filters.key()}".encode()
    ).hexdigest()[:32]
    etag = f'"{tag}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        key = f"cooperations:graph:json:{tag}"
        body = cache.get(key)
        if body is None:
            data, _figures = metrics.graph_for(filters)
            body = gzip.compress(graph.to_json(data, figures), compresslevel=5)
            cache.set(key, body, CACHE_SECONDS)
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = HttpResponse(body, content_type="application/json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(body), content_type="application/json")
    response["ETag"] = etag
    # Private: it is behind the login. Revalidated each time, so a change shows at once.
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Accept-Encoding", "Cookie", "Authorization"])
    return response
