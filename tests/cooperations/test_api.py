"""The cooperations API (/api/cooperations, /api/actors): what it lists, creates, refuses and
hides, by session and by personal token. Who may reach each route at all is in the API access
table (tests/cooperations/access_actors.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from riposte.cooperations.models import Actor, ActorStatus, Cooperation, CooperationStatus
from riposte.cooperations.services import cooperations_unprecedented_refresh
from riposte.directory.services import api_token_create
from tests.cooperations.builders import (
    make_actor,
    make_commune,
    make_cooperation,
    make_event,
    make_service_actor,
)

D = dt.date
XSS = '<script>alert("x")</script>'


def _post(client: Client, path: str, payload: dict[str, Any]):
    return client.post(path, payload, content_type="application/json")


def _bearer(agent) -> Client:
    _token, raw = api_token_create(agent=agent, name="script de test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def pair(agent, facilitator):
    service = make_service_actor()
    association = make_actor(
        "Secours populaire de Bondy", by=facilitator, commune=make_commune("Bondy", "93010"),
        contact_name="Jeanne Exemple", contact_email="jeanne@asso.example",
    )  # fmt: skip
    return service, association


def _payload(pair, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Colis alimentaires",
        "description": "Des colis livrés aux familles pendant le confinement.",
        "actors": [a.pk for a in pair],
        "started_on": "2020-03-20",
        **fields,
    }


# --- POST /api/cooperations ----------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
def test_record_a_cooperation(pair, agent, client_for, auth) -> None:
    client = client_for("agent") if auth == "session" else _bearer(agent)
    event = make_event()
    service, association = pair

    response = _post(
        client,
        "/api/cooperations",
        _payload(
            pair, event=event.pk, themes=["aide-alimentaire"],
            roles={str(association.pk): "collecte"},
        ),
    )  # fmt: skip

    assert response.status_code == 201, response.content
    body = response.json()
    cooperation = Cooperation.objects.get()
    assert cooperation.created_by == agent
    assert body["id"] == cooperation.pk
    assert (body["event"], body["event_name"]) == (event.pk, event.name)
    assert body["unprecedented"] is True
    assert body["new_pairs"] == [sorted([service.pk, association.pk])]
    assert body["themes"] == ["aide-alimentaire"]
    roles = {a["id"]: a["role"] for a in body["actors"]}
    assert roles == {service.pk: "", association.pk: "collecte"}
    assert body["url"] == f"/cooperations/{cooperation.pk}/"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"actors": []}, "at least two actors"),
        ({"actors": "one"}, ""),
        ({"actors": [999999, 999998]}, "unknown: 999999, 999998"),
        ({"themes": ["nope"]}, "unknown: nope"),
        ({"event": 999999}, "unknown: 999999"),
        ({"initiatives": [999999]}, "unknown: 999999"),
        ({"ended_on": "2020-01-01"}, "The end comes after the start"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, ""),
        ({"title": "nul\x00"}, "NUL"),
        ({"started_on": "hier"}, ""),
        ({"roles": {"1": "y" * 201}}, "at most 200"),
    ],
)
def test_bad_cooperations_are_refused_and_nothing_is_saved(
    pair, client_for, fields, message
) -> None:
    payload = _payload(pair, **fields)
    if fields.get("actors") == []:
        payload["actors"] = [pair[0].pk]  # one actor, known
    response = _post(client_for("agent"), "/api/cooperations", payload)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Cooperation.objects.exists()


def test_html_is_stored_as_text_and_returned_as_data(pair, client_for) -> None:
    client = client_for("agent")
    body = _post(client, "/api/cooperations", _payload(pair, title=XSS, description=XSS)).json()
    assert body["title"] == XSS  # JSON is data: escaping is the page's business
    page = client.get(body["url"]).content.decode()
    assert XSS not in page


# --- GET /api/cooperations -----------------------------------------------------------------------


@pytest.fixture
def listed(pair, agent):
    service, association = pair
    school = make_actor("Collège Jean-Renoir", "etablissement_scolaire", by=agent)
    first = make_cooperation(
        list(pair), by=agent, started_on=D(2020, 3, 20), ended_on=D(2020, 5, 11), event=make_event()
    )
    again = make_cooperation(
        list(pair), by=agent, title="Salles rafraîchies", started_on=D(2022, 7, 18)
    )
    laptops = make_cooperation(
        [service, school], by=agent, title="Prêt d'ordinateurs", started_on=D(2020, 4, 6)
    )
    suggested = make_cooperation([school, association], by=agent, title="Suggérée")
    Cooperation.objects.filter(pk=suggested.pk).update(status=CooperationStatus.SUGGESTED)
    cooperations_unprecedented_refresh()
    return {"first": first, "again": again, "laptops": laptops, "suggested": suggested,
            "school": school}  # fmt: skip


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["again", "laptops", "first"]),
        ({"unprecedented": "true"}, ["laptops", "first"]),
        ({"q": "rafraichies"}, ["again"]),
        ({"actor": "school"}, ["laptops"]),
        ({"since": "2021-01-01"}, ["again", "laptops"]),  # no end: still under way
        ({"limit": 1, "offset": 1}, ["laptops"]),
        ({"limit": 0}, ["again"]),
        ({"limit": 1000}, ["again", "laptops", "first"]),
    ],
)
def test_the_list_and_its_filters(listed, client_for, params, expected) -> None:
    query = {k: (listed[v].pk if v == "school" else v) for k, v in params.items()}
    response = client_for("agent").get("/api/cooperations", query)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [listed[n].pk for n in expected]


def test_the_list_refuses_bad_parameters(client_for) -> None:
    client = client_for("agent")
    assert client.get("/api/cooperations", {"since": "demain"}).status_code == 422
    assert client.get("/api/cooperations", {"q": "a\x00b"}).status_code == 422
    assert client.get("/api/cooperations", {"limit": "lots"}).status_code == 422


def test_a_suggestion_is_for_facilitators_only(listed, client_for) -> None:
    url = f"/api/cooperations/{listed['suggested'].pk}"
    assert client_for("agent").get(url).status_code == 404
    body = client_for("facilitator").get(url).json()
    assert body["status"] == "suggested" and body["unprecedented"] is False


def test_one_cooperation_says_which_pairs_are_new(listed, pair, client_for) -> None:
    body = client_for("agent").get(f"/api/cooperations/{listed['laptops'].pk}").json()
    assert body["new_pairs"] == [sorted([pair[0].pk, listed["school"].pk])]
    repeat = client_for("agent").get(f"/api/cooperations/{listed['again'].pk}").json()
    assert (repeat["unprecedented"], repeat["new_pairs"]) == (False, [])


# --- actors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
def test_propose_an_actor(agent, client_for, auth) -> None:
    client = client_for("agent") if auth == "session" else _bearer(agent)
    make_commune("Bondy", "93010")
    response = _post(
        client, "/api/actors",
        {"name": "Tiers-lieu La Fabrique", "kind": "tiers_lieu", "commune": "93010",
         "siret": "123 456 789 01234", "website": "https://fabrique.example"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    actor = Actor.objects.get()
    assert (body["id"], body["status"], body["commune"]) == (actor.pk, "proposed", "93010")
    assert body["siret"] == "12345678901234"
    assert actor.proposed_by == agent


def test_a_facilitators_proposal_is_validated_and_a_service_has_its_code(
    facilitator, service, client_for
) -> None:
    body = _post(
        client_for("facilitator"),
        "/api/actors",
        {"name": "", "kind": "service", "service": "DEF-01"},
    ).json()
    assert (body["status"], body["service"], body["name"]) == (
        ActorStatus.VALIDATED,
        "DEF-01",
        "Aide sociale à l'enfance",
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"name": "Secours POPULAIRE de Bondy", "kind": "association"}, "already known"),
        ({"name": "Asso", "kind": "nope"}, "unknown: nope"),
        ({"name": "Asso", "kind": "association", "commune": "99999"}, "unknown: 99999"),
        ({"name": "Asso", "kind": "service", "service": "NOPE"}, "unknown: NOPE"),
        ({"name": "Asso", "kind": "association", "siret": "12"}, "14 digits"),
        ({"name": "Asso", "kind": "association", "website": "javascript:alert(1)"}, "website"),
        ({"name": "Asso", "kind": "association", "latitude": 95}, ""),
        ({"name": "As\x00so", "kind": "association"}, "NUL"),
    ],
)
def test_bad_actors_are_refused(pair, client_for, payload, message) -> None:
    before = Actor.objects.count()
    response = _post(client_for("agent"), "/api/actors", payload)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Actor.objects.count() == before


def test_same_name_when_the_caller_says_it_is_another_organisation(pair, client_for) -> None:
    response = _post(
        client_for("agent"), "/api/actors",
        {"name": "Secours populaire de Bondy", "kind": "association", "same_name_ok": True},
    )  # fmt: skip
    assert response.status_code == 201


@pytest.mark.parametrize(("role", "public", "shown"), [
    ("agent", False, False), ("agent", True, True), ("facilitator", False, True),
    ("admin", False, True), ("decision_maker", False, False),
])  # fmt: skip
def test_the_contact_only_when_public_or_for_facilitators(
    pair, client_for, role, public, shown
) -> None:
    association = pair[1]
    Actor.objects.filter(pk=association.pk).update(contact_public=public)
    client = client_for(role)
    one = client.get(f"/api/actors/{association.pk}").json()
    listed = next(a for a in client.get("/api/actors").json() if a["id"] == association.pk)
    for body in (one, listed):
        if shown:
            assert body["contact"]["email"] == "jeanne@asso.example"
        else:
            assert body["contact"] is None


def test_actors_list_search_and_filters(pair, agent, client_for) -> None:
    make_actor("École Jules-Ferry", "etablissement_scolaire", by=agent)
    client = client_for("agent")

    def names(**params: Any) -> list[str]:
        return [a["name"] for a in client.get("/api/actors", params).json()]

    assert names(q="ecole") == ["École Jules-Ferry"]
    assert names(kind="association") == ["Secours populaire de Bondy"]
    assert names(commune="93010") == ["Secours populaire de Bondy"]
    assert names(status="proposed") == ["École Jules-Ferry"]
    assert len(names()) == 3


def test_a_merged_actor_says_where_it_went(pair, agent, facilitator, client_for) -> None:
    from riposte.cooperations.services import actor_merge

    twin = make_actor("Secours pop Bondy", by=agent)
    actor_merge(source=twin, target=pair[1], by=facilitator)
    body = client_for("agent").get(f"/api/actors/{twin.pk}").json()
    assert body["merged_into"] == pair[1].pk
    assert twin.pk not in [a["id"] for a in client_for("agent").get("/api/actors").json()]


def test_the_api_is_documented(client_for) -> None:
    paths = client_for("outsider").get("/api/openapi.json").json()["paths"]
    assert {"/api/cooperations", "/api/actors"} <= set(paths)
    assert set(paths["/api/cooperations"]) == {"get", "post"}
