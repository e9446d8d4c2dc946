"""The coffee API (/api/coffee/...): my membership (read, join, change, every malformed field),
the rounds' counts, and who sees which groups of a round: my own group, every group for an
administrator, nobody else's. Who may reach each route at all: tests/coffee/access_api.py."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from riposte.coffee.models import Membership
from riposte.coffee.services import exclusion_add, membership_join
from riposte.coffee.video import room_url
from riposte.directory.models import Agent
from riposte.directory.services import api_token_create
from tests.coffee.stats_builders import make_round, person


def _bearer(agent: Agent) -> Client:
    _token, raw = api_token_create(agent=agent, name="script de test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _put(client: Client, body: object):
    return client.put("/api/coffee/me", json.dumps(body), content_type="application/json")


# --- /api/coffee/me ---------------------------------------------------------------------------


def test_not_a_member_is_a_404(client_for) -> None:
    response = client_for("agent").get("/api/coffee/me")

    assert response.status_code == 404
    assert response.json()["code"] == "not_member"


def test_join_then_read(agent) -> None:
    client = _bearer(agent)

    joined = _put(client, {"frequency": "weekly", "availability": ["tue-pm", "mon-am"]})

    assert joined.status_code == 201
    body = client.get("/api/coffee/me").json()
    assert body["frequency"] == "weekly"
    assert body["group_size"] == 2 and body["preference"] == "surprise"  # the defaults
    assert body["availability"] == ["mon-am", "tue-pm"]  # in the week's order
    assert body["paused_until"] is None and body["never_with"] == []
    assert Membership.objects.filter(agent=agent).count() == 1


def test_an_update_changes_only_what_it_names(agent) -> None:
    membership_join(agent=agent, frequency="monthly", group_size=3, availability=["fri-am"])

    response = _put(_bearer(agent), {"preference": "sites"})

    assert response.status_code == 200
    body = response.json()
    assert (body["frequency"], body["group_size"], body["preference"]) == ("monthly", 3, "sites")
    assert body["availability"] == ["fri-am"]


def test_a_pause_is_set_then_ended_with_null(agent) -> None:
    client = _bearer(agent)
    _put(client, {})
    until = (dt.date.today() + dt.timedelta(days=20)).isoformat()

    assert _put(client, {"paused_until": until}).json()["paused_until"] == until
    assert _put(client, {"group_size": 3}).json()["paused_until"] == until  # kept
    assert _put(client, {"paused_until": None}).json()["paused_until"] is None


def test_my_exclusions_are_listed_to_me_only(agent, facilitator) -> None:
    membership = membership_join(agent=agent)
    exclusion_add(membership=membership, excluded=facilitator)

    mine = _bearer(agent).get("/api/coffee/me").json()

    assert mine["never_with"] == [{"id": facilitator.pk, "name": str(facilitator)}]
    assert _bearer(facilitator).get("/api/coffee/me").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"frequency": "daily"}, "frequency"),
        ({"group_size": 4}, "group_size"),
        ({"group_size": "two"}, "group_size"),
        ({"preference": "my team"}, "preference"),
        ({"availability": ["sat-am"]}, "availability"),
        ({"availability": "mon-am"}, "availability"),
        ({"paused_until": "next week"}, "paused_until"),
    ],
)
def test_malformed_fields_are_422_with_a_message(agent, body, field) -> None:
    response = _put(_bearer(agent), body)

    assert response.status_code == 422
    errors = response.json()["detail"]
    assert any(field in error["loc"] for error in errors)
    assert all(error["msg"] for error in errors)
    assert not Membership.objects.filter(agent=agent).exists()


def test_an_unknown_half_day_is_named(agent) -> None:
    response = _put(_bearer(agent), {"availability": ["mon-am", "sun-pm"]})

    assert "sun-pm" in response.json()["detail"][0]["msg"]


def test_a_body_that_is_not_json_is_refused(agent) -> None:
    response = _bearer(agent).put("/api/coffee/me", "frequency=weekly", content_type="text/plain")

    assert response.status_code in (400, 422)
    assert not Membership.objects.filter(agent=agent).exists()


def test_the_session_works_too(client_for, agent) -> None:
    response = _put(client_for("agent"), {"frequency": "fortnightly"})

    assert response.status_code == 201
    assert Membership.objects.get(agent=agent).frequency == "fortnightly"


def test_nobody_joins_without_a_login(db) -> None:
    assert _put(Client(), {}).status_code == 401
    assert not Membership.objects.exists()


# --- rounds -----------------------------------------------------------------------------------


@pytest.fixture
def rounds(actors, service):
    bea, carl = person("bea@example.org", service), person("carl@example.org", service)
    first = make_round(1, [[actors["agent"], bea], [carl, actors["facilitator"]]])
    second = make_round(2, [[actors["agent"], carl, bea]], unplaced=[actors["moderator"]])
    return {"first": first, "second": second, "bea": bea, "carl": carl}


def test_rounds_list_their_counts(client_for, rounds) -> None:
    body = client_for("agent").get("/api/coffee/rounds").json()

    assert [r["number"] for r in body] == [2, 1]
    assert body[0]["counts"] == {"groups": 1, "placed": 3, "unplaced": 1}
    assert body[1]["counts"] == {"groups": 2, "placed": 4, "unplaced": 0}
    assert body[1]["date"] == rounds["first"].scheduled_on.isoformat()
    # The list has no names: the unplaced are counted, not shown.
    assert "moderator" not in json.dumps(body) and "morgane" not in json.dumps(body)


def test_rounds_are_paginated(client_for, rounds) -> None:
    body = client_for("agent").get("/api/coffee/rounds?limit=1&offset=1").json()

    assert [r["number"] for r in body] == [1]


def test_an_agent_sees_their_own_group_only(client_for, rounds, actors) -> None:
    first = rounds["first"]

    body = client_for("agent").get(f"/api/coffee/rounds/{first.pk}").json()

    assert len(body["groups"]) == 1
    group = body["groups"][0]
    assert group["mine"] is True
    assert {m["id"] for m in group["members"]} == {actors["agent"].pk, rounds["bea"].pk}
    assert group["video_url"] == room_url(first.groups.get(pk=group["id"]).room)
    text = json.dumps(body)
    assert "carl@" not in text and "Fanny" not in text  # the other group


def test_a_token_sees_the_same(actors, rounds) -> None:
    body = _bearer(actors["agent"]).get(f"/api/coffee/rounds/{rounds['first'].pk}").json()

    assert len(body["groups"]) == 1 and body["groups"][0]["mine"]


@pytest.mark.parametrize("role", ["decision_maker", "moderator"])
def test_someone_not_in_the_round_sees_no_group(client_for, rounds, role) -> None:
    response = client_for(role).get(f"/api/coffee/rounds/{rounds['first'].pk}")

    assert response.status_code == 200
    assert response.json()["groups"] == []
    assert response.json()["counts"]["placed"] == 4


def test_a_facilitator_is_no_administrator(client_for, rounds, actors) -> None:
    # In round 1 the facilitator had coffee with Carl: that group, not the agent's.
    body = client_for("facilitator").get(f"/api/coffee/rounds/{rounds['first'].pk}").json()

    assert [{m["id"] for m in g["members"]} for g in body["groups"]] == [
        {actors["facilitator"].pk, rounds["carl"].pk}
    ]
    # Round 2: not in it, sees nothing.
    assert (
        client_for("facilitator").get(f"/api/coffee/rounds/{rounds['second'].pk}").json()["groups"]
        == []
    )


def test_an_administrator_sees_every_group_without_the_video_links(client_for, rounds) -> None:
    body = client_for("admin").get(f"/api/coffee/rounds/{rounds['first'].pk}").json()

    assert len(body["groups"]) == 2
    assert all(g["mine"] is False and g["video_url"] is None for g in body["groups"])


def test_no_answers_are_exposed(client_for, rounds) -> None:
    text = json.dumps(client_for("admin").get(f"/api/coffee/rounds/{rounds['first'].pk}").json())

    assert '"met"' not in text and "wants_cooperation" not in text


def test_an_unknown_round_is_a_404(client_for, db) -> None:
    response = client_for("admin").get("/api/coffee/rounds/424242")

    assert response.status_code == 404
    assert response.json()["code"] == "no_round"
