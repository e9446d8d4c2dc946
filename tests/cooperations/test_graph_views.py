"""The network's pages: the graph with its ranked table (the text alternative of the drawing), the
focus on an actor, the map of actors by commune, and the exports with the page's filters."""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import json
import re

import networkx as nx
import pytest
from django.core.cache import cache
from django.urls import reverse

from riposte.cooperations import graph_views, metrics
from riposte.cooperations.models import ActorKind
from tests.cooperations.builders import make_actor, make_commune, make_cooperation, make_event

D = dt.date
PAGE = "/cooperations/graph/"
MAP = "/cooperations/map/"
EVIL = "<script>alert('x')</script> Épicerie & Cie"


@pytest.fixture
def network(facilitator, agent):
    """Two groups joined by a bridge, in two communes; one actor whose name holds HTML."""
    lockdown = make_event()
    saint_denis = make_commune()
    bondy = make_commune("Bondy", "93010")
    left = [
        make_actor(f"Association du nord {i}", by=facilitator, commune=saint_denis)
        for i in range(3)
    ]
    right = [
        make_actor(f"Mairie du sud {i}", ActorKind.COMMUNE, by=facilitator, commune=bondy)
        for i in range(3)
    ]
    bridge = make_actor("Fabrique du pont", ActorKind.THIRD_PLACE, by=facilitator)
    evil = make_actor(EVIL, by=facilitator, commune=bondy)
    make_cooperation(
        left,
        by=agent,
        title="Nord",
        started_on=D(2020, 3, 20),
        ended_on=D(2020, 5, 11),
        event=lockdown,
    )
    make_cooperation([*right, evil], by=agent, title="Sud", started_on=D(2021, 3, 21))
    make_cooperation(
        [bridge, left[0]],
        by=agent,
        title="Pont 1",
        started_on=D(2020, 4, 1),
        ended_on=D(2020, 5, 1),
        event=lockdown,
    )
    make_cooperation([bridge, right[0]], by=agent, title="Pont 2", started_on=D(2021, 4, 2))
    make_cooperation([bridge, right[0]], by=agent, title="Pont 3", started_on=D(2021, 6, 2))
    return {"left": left, "right": right, "bridge": bridge, "evil": evil, "lockdown": lockdown,
            "saint_denis": saint_denis, "bondy": bondy}  # fmt: skip


def _rows(html: str) -> list[str]:
    """The actors' names in the ranked table, in order, as a reader sees them."""
    table = html.split('class="graph-table"')[1].split("</table>")[0]
    cells = re.findall(r'<th scope="row">(.*?)</th>', table)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def _en(client, url, params=None, **headers):
    return client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE="en", **headers).content.decode()


def test_the_page_ranks_the_bridges_first(client_for, network):
    response = client_for("agent").get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "8 actors, 11 links between two of them." in html
    rows = _rows(html)
    # The bridge and the south's door to it lie on 12 shortest ways each (3 x 4 actors); on a tie,
    # the one with more partners first. The north's door: 2 x 5.
    assert rows[:3] == ["Mairie du sud 0", "Fabrique du pont", "Association du nord 0"]
    assert 'aria-sort="descending"' in html
    # Each actor links to its page, and to itself on the drawing.
    assert f'href="{network["bridge"].get_absolute_url()}"' in html
    assert f'data-focus="{network["bridge"].pk}"' in html
    # The island gets the API with the same filters.
    assert f'data-api="{reverse("api:cooperations_graph")}"' in html


def test_names_are_escaped_everywhere(client_for, network):
    client = client_for("agent")
    for url in (
        PAGE,
        f"{PAGE}?focus={network['evil'].pk}",
        f"{PAGE}?focus={network['right'][0].pk}",
        MAP,
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(" in html, url


@pytest.mark.parametrize(
    ("sort", "first", "order"),
    [
        ("degree", "Mairie du sud 0", "descending"),  # four partners
        ("name", EVIL, "ascending"),  # "<" comes before the letters
        ("community", None, "ascending"),
    ],
)
def test_the_table_sorts_by_link(client_for, network, sort, first, order):
    html = client_for("agent").get(PAGE, {"sort": sort}).content.decode()
    if first is None:  # group 1 (the largest), its most connected actor first
        figures = metrics.snapshot()
        group_one = [a for a in [*network["left"], *network["right"], network["bridge"], network["evil"]]
                     if figures.node(a.pk)[1] == 1]  # fmt: skip
        first = max(group_one, key=lambda a: (figures.nodes[str(a.pk)][0], -a.pk)).name
    assert _rows(html)[0] == first
    assert re.search(
        rf'<th scope="col" aria-sort="{order}"><a href="\?sort={sort}#figures-title">', html
    )
    assert html.count("aria-sort=") == 1


def test_the_table_pages_and_searches(client_for, network, monkeypatch):
    monkeypatch.setattr(graph_views, "PAGE_SIZE", 3)
    client = client_for("agent")
    first = client.get(PAGE, {"sort": "name"}).content.decode()
    third = client.get(PAGE, {"sort": "name", "page": 3}).content.decode()
    assert len(_rows(first)) == 3 and len(_rows(third)) == 2
    assert _rows(third) == ["Mairie du sud 1", "Mairie du sud 2"]
    assert "page=2" in first and "sort=name" in first
    found = _rows(client.get(PAGE, {"q": "EPICERIE"}).content.decode())
    assert len(found) == 1 and "Épicerie" in found[0]
    assert "No actor of this view has this name." in _en(client, PAGE, {"q": "zzz"})


def test_focus_on_an_actor_lists_its_partners(client_for, network):
    client = client_for("agent")
    bridge = network["bridge"]
    html = client.get(PAGE, {"focus": bridge.pk}).content.decode()
    panel = html.split('id="focus-panel"')[1].split('aria-labelledby="figures-title"')[0]
    assert "Fabrique du pont" in panel
    partners = re.findall(r'<th scope="row"><a [^>]*data-focus="(\d+)">', panel)
    # The partner of two cooperations first.
    assert partners == [str(network["right"][0].pk), str(network["left"][0].pk)]
    assert f'data-focus="{bridge.pk}"' in html  # the island is told which one to show


def test_the_focus_panel_alone_for_the_island(client_for, network):
    response = client_for("agent").get(
        PAGE, {"focus": network["bridge"].pk}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "Fabrique du pont" in html
    assert 'id="focus-title"' in html


@pytest.mark.parametrize("focus", ["abc", "999999"])
def test_focus_on_an_unknown_actor_says_so(client_for, network, focus):
    html = _en(client_for("agent"), PAGE, {"focus": focus})
    assert 'id="focus-title"' in html
    assert "not in this view" in html


def test_focus_outside_the_filters_says_so(client_for, network):
    html = _en(
        client_for("agent"), PAGE, {"focus": network["evil"].pk, "event": network["lockdown"].pk}
    )
    assert "not in this view" in html


def test_filters_apply_and_wrong_ones_are_explained(client_for, network):
    client = client_for("agent")
    html = client.get(PAGE, {"event": network["lockdown"].pk}).content.decode()
    assert set(_rows(html)) == {"Fabrique du pont", *(f"Association du nord {i}" for i in range(3))}
    assert f'data-api="/api/cooperations/graph?event={network["lockdown"].pk}"' in html
    html = _en(
        client, PAGE, {"kind": ["commune", "bogus"], "start": "2022-01-01", "end": "2020-01-01"}
    )
    assert 'class="error-summary"' in html
    assert "The end of the period comes after its start." in html
    assert 'href="#id_kind_0"' in html
    # The valid filter still applies: from 2022 on, only the cooperations without an end date
    # (the south's and the bridge's last ones) are still going on.
    assert set(_rows(html)) == {"Fabrique du pont", EVIL, *(f"Mairie du sud {i}" for i in range(3))}


def test_stale_and_estimated_figures_are_announced(client_for, network, agent, monkeypatch):
    client = client_for("agent")
    metrics.snapshot()
    monkeypatch.setattr(metrics, "SYNC_MAX_NODES", 2)
    make_cooperation([network["evil"], network["bridge"]], by=agent, title="Plus tard")
    cache.delete(metrics.STATE_KEY)
    monkeypatch.setattr(metrics, "refresh_enqueue", lambda: None)  # no worker in this test
    html = _en(client, PAGE)
    assert "they are being updated" in html
    monkeypatch.setattr(metrics, "SYNC_MAX_NODES", 1500)
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_MAX", 3)
    monkeypatch.setattr(metrics, "BETWEENNESS_SAMPLES", 4)
    html = _en(client, PAGE)
    assert "estimated from 4 actors" in html
    assert "being updated" not in html


def test_the_map_groups_actors_by_commune(client_for, network):
    html = _en(client_for("agent"), MAP)
    markers = json.loads(
        re.search(r'id="actors-map-markers" type="application/json">(.*?)</script>', html).group(1)
    )
    by_name = {m["name"]: m for m in markers}
    assert set(by_name) == {"Saint-Denis", "Bondy"}
    assert by_name["Bondy"]["count"] == 4 and by_name["Saint-Denis"]["count"] == 3
    assert by_name["Bondy"]["top"][0]["name"] == "Mairie du sud 0"  # the most connected first
    assert by_name["Bondy"]["top"][0]["url"] == f"{PAGE}?focus={network['right'][0].pk}"
    assert (by_name["Bondy"]["lat"], by_name["Bondy"]["lon"]) == (
        network["bondy"].latitude,
        network["bondy"].longitude,
    )
    # The bridge has no commune: counted beside the map.
    assert "1 actor acts across the département" in html
    assert "<caption>Actors per commune</caption>" in html


def test_the_map_takes_the_filters(client_for, network):
    html = client_for("agent").get(MAP, {"event": network["lockdown"].pk}).content.decode()
    markers = json.loads(
        re.search(r'id="actors-map-markers" type="application/json">(.*?)</script>', html).group(1)
    )
    assert [(m["name"], m["count"]) for m in markers] == [("Saint-Denis", 3)]
    assert f"?event={network['lockdown'].pk}&amp;focus={network['left'][0].pk}" in html


def test_exports_follow_the_filters(client_for, network):
    client = client_for("agent")
    query = {"event": network["lockdown"].pk}
    gexf = client.get(reverse("cooperations:graph-gexf"), query)
    assert gexf["Content-Type"].startswith("application/gexf+xml")
    assert re.fullmatch(
        r'attachment; filename="cooperations-graph-\d{4}-\d{2}-\d{2}\.gexf"',
        gexf["Content-Disposition"],
    )
    read = nx.read_gexf(io.BytesIO(b"".join(gexf.streaming_content)), node_type=int)
    assert read.number_of_nodes() == 4 and read.number_of_edges() == 4
    graphml = client.get(reverse("cooperations:graph-graphml"), query)
    assert graphml["Content-Disposition"].endswith('.graphml"')
    assert nx.read_graphml(io.BytesIO(graphml.content)).number_of_nodes() == 4
    nodes = client.get(reverse("cooperations:graph-nodes-csv"), query)
    rows = list(csv.reader(io.StringIO(b"".join(nodes.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "label", "kind"] and len(rows) == 5
    assert re.fullmatch(
        r'attachment; filename="cooperations-graph-nodes-[-0-9]{10}\.csv"',
        nodes["Content-Disposition"],
    )
    edges = client.get(reverse("cooperations:graph-edges-csv"))
    rows = list(csv.reader(io.StringIO(b"".join(edges.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 + 6 + 2  # the north triangle, the south clique of four, the bridges
    evil = [r for r in rows if EVIL in r[2:4]]
    assert evil  # names in the edges file too, as typed: a spreadsheet does not run HTML


def test_the_page_links_the_exports_with_its_filters(client_for, network):
    html = (
        client_for("agent")
        .get(PAGE, {"event": network["lockdown"].pk, "sort": "name"})
        .content.decode()
    )
    for name in ("graph-gexf", "graph-graphml", "graph-nodes-csv", "graph-edges-csv"):
        assert f'href="{reverse("cooperations:" + name)}?event={network["lockdown"].pk}"' in html


def test_the_pages_are_read_only(client_for):
    assert client_for("agent").post(PAGE).status_code == 405
    assert client_for("agent").post(reverse("cooperations:graph-gexf")).status_code == 405
