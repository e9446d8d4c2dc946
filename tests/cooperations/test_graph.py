"""The network of cooperations as a graph (riposte/cooperations/graph.py): which actors and links
it holds for each filter, and its files (GEXF, GraphML, CSV, JSON) read back by the tools that
open them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import networkx as nx
import pytest
from django.core.management import call_command

from riposte.cooperations import graph, metrics
from riposte.cooperations.graph import GraphFilters, graph_data
from riposte.cooperations.models import (
    Actor,
    ActorKind,
    Cooperation,
    CooperationActor,
    CooperationStatus,
)
from riposte.cooperations.services import actor_merge, cooperation_delete
from riposte.initiatives.models import Theme
from tests.cooperations.builders import (
    make_actor,
    make_commune,
    make_cooperation,
    make_event,
    make_service_actor,
)

D = dt.date


@pytest.fixture
def world(facilitator, agent):
    """Five actors; cooperations in the lockdown and in a heatwave, one suggestion."""
    lockdown = make_event()
    heatwave = make_event("Canicule 2023", "canicule", D(2023, 8, 18), D(2023, 8, 26))
    saint_denis = make_commune()
    food = Theme.objects.get(slug="aide-alimentaire")
    seniors = Theme.objects.get(slug="solidarite-seniors")
    a = make_actor("Secours populaire", by=facilitator, commune=saint_denis)
    b = make_actor("Mairie de Saint-Denis", ActorKind.COMMUNE, by=facilitator, commune=saint_denis)
    c = make_service_actor()
    d = make_actor("Épicerie solidaire", by=facilitator)
    e = make_actor("Club de prévention", by=facilitator)  # never cooperated
    first = make_cooperation(
        [a, b, c], by=agent, title="Colis", started_on=D(2020, 3, 20), ended_on=D(2020, 5, 1),
        event=lockdown, themes=[food],
    )  # fmt: skip
    again = make_cooperation(
        [a, b], by=agent, title="Colis, suite", started_on=D(2020, 4, 2), event=lockdown,
        themes=[food],
    )  # fmt: skip
    later = make_cooperation(
        [c, d], by=agent, title="Appels", started_on=D(2023, 8, 19), ended_on=D(2023, 8, 25),
        event=heatwave, themes=[seniors],
    )  # fmt: skip
    suggestion = make_cooperation([d, e], by=agent, title="Suggérée", started_on=D(2021, 1, 1))
    Cooperation.objects.filter(pk=suggestion.pk).update(status=CooperationStatus.SUGGESTED)
    return {
        "a": a, "b": b, "c": c, "d": d, "e": e, "lockdown": lockdown, "heatwave": heatwave,
        "first": first, "again": again, "later": later, "suggestion": suggestion,
    }  # fmt: skip


def _pairs(data: graph.GraphData) -> set[tuple[int, int]]:
    return set(data.edges)


def _pair(x: Actor, y: Actor) -> tuple[int, int]:
    return (min(x.pk, y.pk), max(x.pk, y.pk))


def test_edges_aggregate_the_confirmed_cooperations(world):
    w = world
    data = graph_data(GraphFilters())
    assert set(data.nodes) == {w[k].pk for k in "abcde"}  # e too: every live actor is a node
    # The suggestion between d and e does not count until it is confirmed.
    assert _pairs(data) == {_pair(w["a"], w["b"]), _pair(w["a"], w["c"]), _pair(w["b"], w["c"]),
                            _pair(w["c"], w["d"])}  # fmt: skip
    ab = data.edges[_pair(w["a"], w["b"])]
    assert (ab.weight, ab.first, ab.unprecedented) == (2, D(2020, 3, 20), True)
    assert data.degree[w["c"].pk] == 3
    assert data.degree.get(w["e"].pk, 0) == 0
    assert data.nodes[w["a"].pk] == (
        "Secours populaire", "association", "validated", "Saint-Denis", make_commune().pk,
    )  # fmt: skip


def test_first_is_the_earliest_even_when_recorded_later(world, agent):
    w = world
    earlier = make_cooperation([w["a"], w["b"]], by=agent, title="Avant", started_on=D(2019, 7, 1))
    edge = graph_data(GraphFilters()).edges[_pair(w["a"], w["b"])]
    assert (edge.weight, edge.first) == (3, D(2019, 7, 1))
    earlier.refresh_from_db()
    assert edge.unprecedented is earlier.is_unprecedented is True


def test_a_confirmed_suggestion_becomes_a_link(world):
    Cooperation.objects.filter(pk=world["suggestion"].pk).update(status=CooperationStatus.CONFIRMED)
    assert _pair(world["d"], world["e"]) in graph_data(GraphFilters()).edges


def test_a_merged_actor_is_no_node_and_its_links_move(world, facilitator, agent):
    w = world
    twin = make_actor("Secours pop. Saint-Denis", by=facilitator)
    make_cooperation([twin, w["e"]], by=agent, title="Maraude", started_on=D(2022, 1, 5))
    actor_merge(source=twin, target=w["a"], by=facilitator)
    data = graph_data(GraphFilters())
    assert twin.pk not in data.nodes
    assert _pair(w["a"], w["e"]) in data.edges
    assert all(twin.pk not in pair for pair in data.edges)


def test_a_deleted_cooperation_leaves_no_link(world, facilitator):
    cooperation_delete(cooperation=world["later"], by=facilitator)
    assert _pair(world["c"], world["d"]) not in graph_data(GraphFilters()).edges


def test_filter_by_event_keeps_its_actors_only(world):
    w = world
    data = graph_data(GraphFilters(event=w["heatwave"].pk))
    assert set(data.nodes) == {w["c"].pk, w["d"].pk}
    assert _pairs(data) == {_pair(w["c"], w["d"])}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Overlapping [start, end]: the lockdown's first cooperation ends on 1 May 2020.
        (D(2020, 4, 15), D(2020, 4, 20), {"first", "again"}),
        (D(2020, 5, 2), D(2020, 5, 10), {"again"}),  # "again" has no end: still going on
        (D(2023, 8, 25), None, {"later", "again"}),
        (None, D(2020, 3, 25), {"first"}),
        (D(2024, 1, 1), D(2024, 12, 31), {"again"}),
    ],
)
def test_filter_by_period_keeps_overlapping_cooperations(world, start, end, expected):
    w = world
    found = set(graph.cooperations_matching(GraphFilters(start=start, end=end)))
    assert found == {w[name] for name in expected}


def test_filter_by_kind_keeps_links_between_those_kinds(world):
    w = world
    data = graph_data(GraphFilters(kinds=(ActorKind.ASSOCIATION, ActorKind.SERVICE)))
    assert set(data.nodes) == {w["a"].pk, w["c"].pk, w["d"].pk, w["e"].pk}
    assert _pairs(data) == {_pair(w["a"], w["c"]), _pair(w["c"], w["d"])}


def test_filter_by_theme_and_unprecedented(world):
    w = world
    data = graph_data(GraphFilters(themes=("solidarite-seniors",)))
    assert _pairs(data) == {_pair(w["c"], w["d"])}
    data = graph_data(GraphFilters(themes=("solidarite-seniors", "aide-alimentaire")))
    assert len(data.edges) == 4
    # "Colis, suite" brought no new pair: it is not inédite, and alone it would make no link.
    w["again"].refresh_from_db()
    assert w["again"].is_unprecedented is False
    data = graph_data(GraphFilters(unprecedented=True))
    assert data.edges[_pair(w["a"], w["b"])].weight == 1


def test_filters_have_one_canonical_query_string():
    one = GraphFilters(kinds=("commune", "association"), themes=("b", "a"), unprecedented=True)
    two = GraphFilters(kinds=("association", "commune"), themes=("a", "b"), unprecedented=True)
    assert one.key() == two.key()
    assert one.querystring() == "kind=association&kind=commune&theme=a&theme=b&unprecedented=on"
    assert GraphFilters().key() == "all"
    assert not GraphFilters(kinds=("commune",)).selects_cooperations
    assert GraphFilters(event=3).selects_cooperations


# --- files ---------------------------------------------------------------------------------------

STRANGE = 'L\u2019Île <b>"Solidaire"</b> & Co 🤝 — café\x01'  # an apostrophe, HTML, an emoji


@pytest.fixture
def strange(facilitator, agent):
    """Two actors whose names hold XML specials, an emoji and a control character."""
    one = make_actor(STRANGE, by=facilitator)
    two = make_actor('=HYPERLINK("http://evil")', by=facilitator)
    make_cooperation([one, two], by=agent, started_on=D(2020, 3, 18))
    return one, two


def _files(filters: GraphFilters | None = None) -> tuple[graph.GraphData, metrics.Snapshot]:
    return graph_data(filters or GraphFilters()), metrics.snapshot()


def test_gexf_opens_in_networkx_with_all_nodes_edges_and_attributes(world, strange):
    data, figures = _files()
    text = "".join(graph.gexf_lines(data, figures))
    read = nx.read_gexf(io.BytesIO(text.encode("utf-8")), node_type=int)
    assert set(read.nodes) == set(data.nodes)
    assert {tuple(sorted(e)) for e in read.edges} == set(data.edges)
    c = world["c"].pk
    attributes = read.nodes[c]
    assert attributes["label"] == "Direction des solidarités"
    assert attributes["kind"] == "service"
    assert attributes["degree"] == 3
    assert attributes["community"] >= 1
    assert attributes["betweenness"] == pytest.approx(figures.node(c)[0])
    assert (attributes["x"], attributes["y"]) == pytest.approx(figures.node(c)[2:])
    assert attributes["viz"]["position"]["x"] == pytest.approx(attributes["x"])
    assert attributes["size"] == graph.node_size(3)
    assert set(attributes) >= {"label", "kind", "status", "commune", "degree", "betweenness",
                               "community", "x", "y", "size"}  # fmt: skip
    edge = read.edges[world["a"].pk, world["b"].pk]
    assert (edge["weight"], edge["cooperations"], edge["first"], edge["unprecedented"]) == (
        2.0, 2, "2020-03-20", True,
    )  # fmt: skip
    # The name comes back whole, but for the control character XML cannot carry.
    assert read.nodes[strange[0].pk]["label"] == STRANGE.replace("\x01", "\ufffd")


def test_graphml_opens_in_networkx(world, strange):
    data, figures = _files()
    read = nx.read_graphml(io.BytesIO(graph.graphml_bytes(data, figures)), node_type=int)
    assert set(read.nodes) == set(data.nodes)
    assert read.number_of_edges() == len(data.edges)
    assert read.nodes[strange[0].pk]["label"] == STRANGE.replace("\x01", "\ufffd")
    assert read.nodes[world["a"].pk]["commune"] == "Saint-Denis"
    assert read.edges[world["a"].pk, world["b"].pk]["cooperations"] == 2


def _csv_rows(lines) -> list[list[str]]:
    text = "".join(lines)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_files_are_formula_safe(world, strange):
    data, figures = _files()
    nodes = _csv_rows(graph.nodes_csv(data, figures))
    assert nodes[0] == graph.NODE_COLUMNS
    assert len(nodes) == 1 + len(data.nodes)
    labels = {row[1] for row in nodes[1:]}
    assert '\'=HYPERLINK("http://evil")' in labels
    assert not any(label.startswith("=") for label in labels)
    assert STRANGE in labels
    edges = _csv_rows(graph.edges_csv(data))
    assert edges[0] == graph.EDGE_COLUMNS
    assert len(edges) == 1 + len(data.edges)
    ab = next(r for r in edges if {r[0], r[1]} == {str(world["a"].pk), str(world["b"].pk)})
    assert ab[4:] == ["2", "2", "2020-03-20", "True"]


def test_json_holds_every_attribute(world, strange):
    data, figures = _files(GraphFilters(event=world["lockdown"].pk))
    body = json.loads(graph.to_json(data, figures))
    assert {n["id"] for n in body["nodes"]} == {world[k].pk for k in "abc"}
    node = next(n for n in body["nodes"] if n["id"] == world["a"].pk)
    assert set(node) == {"id", "label", "kind", "status", "commune", "degree", "betweenness",
                         "community", "x", "y", "size"}  # fmt: skip
    assert node["degree"] == 2
    edge = next(
        e for e in body["edges"] if {e["source"], e["target"]} == set(_pair(world["a"], world["b"]))
    )
    assert edge == {
        "source": min(world["a"].pk, world["b"].pk), "target": max(world["a"].pk, world["b"].pk),
        "weight": 2, "cooperations": 2, "first": "2020-03-20", "unprecedented": True,
    }  # fmt: skip
    assert body["metrics"]["fresh"] is True


def test_an_empty_network_gives_valid_files(db):
    data, figures = _files()
    text = "".join(graph.gexf_lines(data, figures)).encode()
    assert nx.read_gexf(io.BytesIO(text)).number_of_nodes() == 0
    assert json.loads(graph.to_json(data, figures))["nodes"] == []
    assert len(_csv_rows(graph.nodes_csv(data, figures))) == 1


# --- the generator -------------------------------------------------------------------------------


def test_generator_makes_a_consistent_network(db, service):
    out = io.StringIO()
    call_command(
        "cooperations_generate", actors=300, cooperations=600, seed=7, stdout=out, verbosity=0
    )
    assert "300 actors and 600 cooperations" in out.getvalue()
    assert Actor.objects.count() == 300
    # The directory's service became an actor of kind "service", once.
    assert Actor.objects.filter(kind=ActorKind.SERVICE, service=service).count() == 1
    assert Cooperation.objects.count() == 600
    sizes = [
        len(c.participations.all()) for c in Cooperation.objects.prefetch_related("participations")
    ]
    assert min(sizes) >= 2
    assert Cooperation.objects.filter(is_unprecedented=True).exists()
    assert not Cooperation.objects.filter(
        status=CooperationStatus.SUGGESTED, is_unprecedented=True
    ).exists()
    # Names are unique once folded, as the duplicate check of the services wants.
    keys = list(Actor.objects.values_list("name_key", flat=True))
    assert len(keys) == len(set(keys))
    assert not CooperationActor.objects.filter(cooperation__themes__isnull=True).exists()
    data = graph_data(GraphFilters())
    assert len(data.nodes) == 300 and len(data.edges) > 300


def test_generator_is_reproducible(db):
    call_command(
        "cooperations_generate",
        actors=50,
        cooperations=80,
        seed=3,
        verbosity=0,
        stdout=io.StringIO(),
    )
    first = sorted(graph_data(GraphFilters()).edges)
    names = sorted(Actor.objects.values_list("name", flat=True))
    Cooperation.objects.all().delete()
    Actor.objects.all().delete()
    call_command(
        "cooperations_generate",
        actors=50,
        cooperations=80,
        seed=3,
        verbosity=0,
        stdout=io.StringIO(),
    )
    assert sorted(Actor.objects.values_list("name", flat=True)) == names
    # Same shape (ids differ from one run to the next).
    assert len(graph_data(GraphFilters()).edges) == len(first)
