"""GET /api/cooperations/graph: the network as JSON, with the graph page's filters; who may call
it, what bad input gets, and the cache that answers until the graph changes."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.test import Client

from riposte.cooperations import metrics
from riposte.cooperations.models import ActorKind
from riposte.directory.services import api_token_create
from tests.cooperations.builders import make_actor, make_cooperation, make_event

URL = "/api/cooperations/graph"
D = dt.date


@pytest.fixture
def network(facilitator, agent):
    lockdown = make_event()
    a = make_actor("Secours populaire <script>alert(1)</script>", by=facilitator)
    b = make_actor("Mairie de Bondy", ActorKind.COMMUNE, by=facilitator)
    c = make_actor("Collège Jean-Jaurès", ActorKind.SCHOOL, by=facilitator)
    make_cooperation(
        [a, b], by=agent, event=lockdown, started_on=D(2020, 3, 20), ended_on=D(2020, 5, 11)
    )
    make_cooperation([b, c], by=agent, title="Ordinateurs", started_on=D(2021, 9, 1))
    return {"a": a, "b": b, "c": c, "lockdown": lockdown}


def test_the_whole_network(client_for, network):
    response = client_for("agent").get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {n["id"] for n in body["nodes"]} == {network[k].pk for k in "abc"}
    a = next(n for n in body["nodes"] if n["id"] == network["a"].pk)
    # The name as typed, in a JSON string: whoever shows it must escape it (graph.js sets it
    # as text on a canvas).
    assert a["label"] == "Secours populaire <script>alert(1)</script>"
    assert a["kind"] == "association" and a["degree"] == 1
    assert {"betweenness", "community", "x", "y", "size", "commune", "status"} <= set(a)
    assert len(body["edges"]) == 2
    assert body["metrics"]["fresh"] is True
    assert body["metrics"]["betweenness_samples"] == 0


def test_the_same_filters_as_the_page(client_for, network):
    client = client_for("agent")
    body = client.get(URL, {"event": network["lockdown"].pk}).json()
    assert {n["id"] for n in body["nodes"]} == {network["a"].pk, network["b"].pk}
    assert [(e["source"], e["target"], e["first"]) for e in body["edges"]] == [
        (min(network["a"].pk, network["b"].pk), max(network["a"].pk, network["b"].pk), "2020-03-20")
    ]
    body = client.get(URL, {"kind": ["commune", "etablissement_scolaire"]}).json()
    assert {n["id"] for n in body["nodes"]} == {network["b"].pk, network["c"].pk}
    body = client.get(URL, {"start": "2021-01-01", "end": "2021-12-31"}).json()
    assert len(body["edges"]) == 1 and body["edges"][0]["cooperations"] == 1
    assert client.get(URL, {"theme": "mobilite"}).json() == {**body, "nodes": [], "edges": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"theme": "no-such-theme"}, "theme"),
        ({"event": "999999"}, "event"),
        ({"start": "2021-05-01", "end": "2021-01-01"}, "end"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(client_for, network, params, field):
    response = client_for("agent").get(URL, params)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}:")


@pytest.mark.parametrize(
    "params", [{"start": "yesterday"}, {"event": "abc"}, {"unprecedented": "maybe"}]
)
def test_malformed_values_are_refused(client_for, network, params):
    assert client_for("agent").get(URL, params).status_code == 422


def test_a_token_opens_it_and_nothing_else_does(agent, network):
    _token, raw = api_token_create(agent=agent, name="gephi")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get(URL)
    assert response.status_code == 200 and len(response.json()["nodes"]) == 3
    assert Client().get(URL).status_code == 401
    assert Client(headers={"Authorization": "Bearer nope"}).get(URL).status_code == 401


def test_compressed_when_the_caller_accepts_it(client_for, network):
    client = client_for("agent")
    plain = client.get(URL)
    packed = client.get(URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content)


def test_a_cached_answer_until_the_graph_changes(
    client_for, network, agent, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for("agent")
    first = client.get(URL)
    etag = first["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304

    def no_rebuild(filters):
        raise AssertionError("the cached answer should have been used")

    monkeypatch.setattr(metrics, "graph_for", no_rebuild)
    assert client.get(URL).content == first.content
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        make_cooperation([network["a"], network["c"]], by=agent, title="Nouvelle")
    second = client.get(URL, headers={"If-None-Match": etag})
    assert second.status_code == 200 and second["ETag"] != etag
    assert len(second.json()["edges"]) == 3


def test_a_rename_shows_at_once(
    client_for, network, facilitator, django_capture_on_commit_callbacks
):
    from riposte.cooperations.services import ActorData, actor_update

    client = client_for("agent")
    client.get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        actor_update(
            actor=network["c"],
            by=facilitator,
            data=ActorData("Collège Rosa-Parks", "etablissement_scolaire"),
        )
    labels = {n["label"] for n in client.get(URL).json()["nodes"]}
    assert "Collège Rosa-Parks" in labels


def test_the_schema_documents_it(client_for):
    schema = client_for("outsider").get("/api/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "event", "start", "end", "kind", "theme", "unprecedented",
    }  # fmt: skip
