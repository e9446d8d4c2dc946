"""The cooperations pages through the Django test client: the list and its filters, recording a
cooperation (and proposing a missing actor without losing the form), a cooperation's page, the
actors (duplicates shown before saving, contacts, merge), the emergencies and the queue.

Who may reach each page at all is in tests/cooperations/access_actors.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from riposte.cooperations.models import (
    Actor,
    ActorStatus,
    Cooperation,
    CooperationActor,
    CooperationStatus,
    Event,
)
from riposte.cooperations.services import actor_merge, cooperations_suggest
from riposte.directory.models import Service
from riposte.initiatives.models import Theme
from tests.cooperations.builders import (
    make_actor,
    make_commune,
    make_cooperation,
    make_event,
    make_service_actor,
)
from tests.initiatives.builders import colleague, publish

D = dt.date
XSS = '<script>alert("x")</script>'
HTMX = {"HX-Request": "true"}


def _listed(response) -> list[int]:
    assert response.status_code == 200
    return [c.pk for c in response.context["page"].object_list]


@pytest.fixture
def world(agent, facilitator):
    """A lockdown and a heatwave, a service, an association, a school; three cooperations."""
    lockdown = make_event()
    heatwave = make_event("Canicule de l'été 2022", "canicule", D(2022, 7, 12), D(2022, 8, 15))
    service = make_service_actor()
    association = make_actor(
        "Secours populaire de Bondy", by=facilitator, commune=make_commune("Bondy", "93010")
    )
    school = make_actor("École Jules-Ferry", "etablissement_scolaire", by=agent)
    food = make_cooperation(
        [service, association], by=agent, title="Colis alimentaires pour les familles",
        started_on=D(2020, 3, 20), ended_on=D(2020, 5, 11), event=lockdown,
        themes=[Theme.objects.get(slug="aide-alimentaire")],
    )  # fmt: skip
    laptops = make_cooperation(
        [service, school], by=agent, title="Prêt d'ordinateurs aux collégiens",
        description="Des ordinateurs reconditionnés prêtés pour suivre les cours.",
        started_on=D(2020, 4, 6), event=lockdown,
    )  # fmt: skip
    rooms = make_cooperation(
        [service, association], by=agent, title="Salles rafraîchies",
        started_on=D(2022, 7, 18), event=heatwave,
    )  # fmt: skip
    return {
        "lockdown": lockdown, "heatwave": heatwave, "service": service,
        "association": association, "school": school, "food": food, "laptops": laptops,
        "rooms": rooms,
    }  # fmt: skip


# --- the list ------------------------------------------------------------------------------------


def test_the_list_latest_first_with_its_actors(world, client_for) -> None:
    response = client_for("agent").get(reverse("cooperations:list"))
    assert _listed(response) == [world["rooms"].pk, world["laptops"].pk, world["food"].pk]
    page = response.content.decode()
    assert "Secours populaire de Bondy" in page
    for path in ("/cooperations/graph/", "/cooperations/map/", "/cooperations/guide/"):
        assert f'href="{path}"' in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"event": "lockdown"}, ["laptops", "food"]),
        ({"theme": "aide-alimentaire"}, ["food"]),
        ({"actor": "school"}, ["laptops"]),
        ({"unprecedented": "on"}, ["laptops", "food"]),
        ({"since": "2020-05-01", "until": "2020-12-31"}, ["laptops", "food"]),
        ({"since": "2020-05-12", "until": "2020-12-31"}, ["laptops"]),  # food ended on the 11th
        ({"since": "2020-06-01"}, ["rooms", "laptops"]),  # laptops has no end: still under way
        ({"until": "2020-03-31"}, ["food"]),
        ({"q": "ORDINATEURS"}, ["laptops"]),
        ({"q": "salles rafraichies"}, ["rooms"]),  # accents ignored
        ({"q": "ecole"}, ["laptops"]),  # by an actor's name
        ({"q": "reconditionnés prêtés"}, ["laptops"]),  # in what was done
        ({"q": "bicyclette"}, []),
        ({"event": "999999", "theme": "nope"}, ["rooms", "laptops", "food"]),  # unknown: ignored
    ],
)
def test_the_list_filters(world, client_for, params, expected) -> None:
    ids = {"lockdown": world["lockdown"].pk, "school": world["school"].pk}
    query = {k: str(ids.get(v, v)) for k, v in params.items()}
    response = client_for("agent").get(reverse("cooperations:list"), query)
    assert _listed(response) == [world[name].pk for name in expected]


def test_htmx_filters_return_the_results_only(world, client_for) -> None:
    response = client_for("agent").get(
        reverse("cooperations:list"), {"theme": "aide-alimentaire"}, headers=HTMX
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="results"' in body
    assert 'hx-swap-oob="innerHTML"' in body and "1 result" in body


def test_suggestions_are_not_listed(world, client_for) -> None:
    Cooperation.objects.filter(pk=world["food"].pk).update(status=CooperationStatus.SUGGESTED)
    assert world["food"].pk not in _listed(client_for("facilitator").get("/cooperations/"))


def test_pages_of_twenty(agent, client_for) -> None:
    a, b = make_service_actor(), make_actor(by=agent)
    for n in range(23):
        make_cooperation([a, b], by=agent, title=f"Coopération {n}", started_on=D(2021, 1, 1))
    client = client_for("agent")
    assert len(_listed(client.get("/cooperations/"))) == 20
    assert len(_listed(client.get("/cooperations/", {"page": 2}))) == 3


# --- recording a cooperation ---------------------------------------------------------------------


def _form(world, **fields) -> dict:
    return {
        "title": "Appels aux personnes âgées isolées",
        "description": "Chaque jour, des agents appellent les aînés inscrits au registre.",
        "actors": [world["service"].pk, world["school"].pk],
        "started_on": "2020-03-23",
        "event": world["lockdown"].pk,
        **fields,
    }


def test_record_a_cooperation_with_roles(world, agent, client_for) -> None:
    school = world["school"]
    response = client_for("agent").post(
        reverse("cooperations:new"), _form(world, **{f"role_{school.pk}": "prête la salle"})
    )

    cooperation = Cooperation.objects.get(title="Appels aux personnes âgées isolées")
    assert response["Location"] == cooperation.get_absolute_url()
    assert cooperation.created_by == agent
    assert dict(cooperation.participations.values_list("actor_id", "role")) == {
        world["service"].pk: "",
        school.pk: "prête la salle",
    }


def test_one_actor_is_refused_and_nothing_is_saved(world, client_for) -> None:
    before = Cooperation.objects.count()
    response = client_for("agent").post(
        reverse("cooperations:new"), _form(world, actors=[world["service"].pk])
    )
    assert response.status_code == 200
    assert "at least two actors" in response.content.decode()
    assert Cooperation.objects.count() == before
    # What was typed is still there.
    assert "Appels aux personnes âgées isolées" in response.content.decode()


def test_the_end_before_the_start_is_refused(world, client_for) -> None:
    response = client_for("agent").post(
        reverse("cooperations:new"), _form(world, ended_on="2020-01-01")
    )
    assert response.context["form"].errors["ended_on"]


def test_html_in_every_field_comes_out_escaped(world, client_for) -> None:
    client = client_for("agent")
    school = world["school"]
    client.post(
        reverse("cooperations:new"),
        _form(world, title=XSS, description=XSS, **{f"role_{school.pk}": XSS}),
    )
    cooperation = Cooperation.objects.get(title=XSS)
    assert cooperation.description == XSS  # kept as typed
    for url in (cooperation.get_absolute_url(), "/cooperations/", school.get_absolute_url()):
        page = client.get(url).content.decode()
        assert XSS not in page
        assert "&lt;script&gt;" in page


def test_propose_a_missing_actor_without_losing_the_form(world, agent, client_for) -> None:
    response = client_for("agent").post(
        reverse("cooperations:new"),
        _form(
            world,
            actors=[world["service"].pk],
            new_actor_name="Tiers-lieu La Fabrique de Pantin",
            new_actor_kind="tiers_lieu",
            propose_actor="1",
        ),
    )

    assert response.status_code == 200
    new = Actor.objects.get(name="Tiers-lieu La Fabrique de Pantin")
    assert (new.status, new.proposed_by) == (ActorStatus.PROPOSED, agent)
    form = response.context["form"]
    assert not form.is_bound  # not checked yet: no error shown for what is not finished
    assert form.initial["title"] == "Appels aux personnes âgées isolées"
    assert form.initial["actors"] == [str(world["service"].pk), str(new.pk)]
    page = response.content.decode()
    assert "is proposed" in page
    assert f'<option value="{new.pk}" selected>' in page
    assert Cooperation.objects.filter(title="Appels aux personnes âgées isolées").count() == 0


def test_proposing_a_known_actor_chooses_it(world, client_for) -> None:
    before = Actor.objects.count()
    response = client_for("agent").post(
        reverse("cooperations:new"),
        _form(world, new_actor_name="secours POPULAIRE de bondy", new_actor_kind="association"),
    )
    assert Actor.objects.count() == before
    assert str(world["association"].pk) in response.context["form"].initial["actors"]
    assert "was already known" in response.content.decode()


def test_the_edit_form_shows_the_roles(world, client_for) -> None:
    food = world["food"]
    CooperationActor.objects.filter(cooperation=food, actor=world["association"]).update(
        role="collecte"
    )
    page = client_for("agent").get(reverse("cooperations:edit", args=[food.pk])).content.decode()
    assert f'name="role_{world["association"].pk}"' in page and 'value="collecte"' in page


# --- a cooperation's page ------------------------------------------------------------------------


def test_a_first_time_cooperation_says_which_pairs_are_new(world, client_for) -> None:
    page = client_for("agent").get(world["laptops"].get_absolute_url()).content.decode()
    assert "First time together" in page
    assert "École Jules-Ferry" in page
    assert f'href="/cooperations/{world["laptops"].pk}/debrief/"' in page


def test_a_repeat_cooperation_says_it_is_not_the_first_time(world, client_for) -> None:
    response = client_for("agent").get(world["rooms"].get_absolute_url())
    assert response.context["new_pairs"] == []
    assert "had already worked together" in response.content.decode()


def test_comment_on_a_cooperation(world, agent, client_for) -> None:
    url = reverse("cooperations:comment", args=[world["food"].pk])
    client = client_for("agent")
    assert client.post(url, {"body": "  "})["Location"] == world["food"].get_absolute_url()
    client.post(url, {"body": f"Merci {XSS}"})
    page = client.get(world["food"].get_absolute_url()).content.decode()
    assert "Merci" in page and XSS not in page


def test_confirm_and_turn_down_from_the_queue(two_suggestions, client_for) -> None:
    first, second = two_suggestions
    client = client_for("facilitator")
    queue = client.get(reverse("cooperations:queue")).content.decode()
    assert first.title in queue and second.title in queue

    response = client.post(reverse("cooperations:confirm", args=[first.pk]), {"from": "queue"})
    assert response["Location"] == reverse("cooperations:queue")
    first.refresh_from_db()
    assert first.status == CooperationStatus.CONFIRMED

    ask = client.get(reverse("cooperations:delete", args=[second.pk]), {"from": "queue"})
    assert 'name="from" value="queue"' in ask.content.decode()
    response = client.post(reverse("cooperations:decline", args=[second.pk]), {"from": "queue"})
    assert response["Location"] == reverse("cooperations:queue")
    second.refresh_from_db()
    assert second.status == CooperationStatus.DECLINED
    assert cooperations_suggest() == []  # turned down for good


@pytest.fixture
def two_suggestions(agent):
    health = Service.objects.create(code="DSAN", name="Direction de la santé", level="direction")
    others = [colleague(f"c{n}@example.org", service=health) for n in range(2)]
    publish(agent, coauthors=[others[0]], title="Vacciner dans les collèges")
    publish(agent, coauthors=[others[1]], title="Des masques pour les assistantes familiales")
    return cooperations_suggest()


def test_look_for_suggestions_now(agent, client_for) -> None:
    health = Service.objects.create(code="DSAN", name="Direction de la santé", level="direction")
    publish(agent, coauthors=[colleague("c@example.org", service=health)])
    client = client_for("facilitator")
    response = client.post(reverse("cooperations:suggest"), follow=True)
    assert "1 new suggestion" in response.content.decode()
    assert Cooperation.objects.filter(status=CooperationStatus.SUGGESTED).count() == 1
    response = client.post(reverse("cooperations:suggest"), follow=True)
    assert "No new suggestion" in response.content.decode()


# --- actors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ECOLE jules"}, ["École Jules-Ferry"]),
        ({"q": "populaire"}, ["Secours populaire de Bondy"]),
        ({"kind": "etablissement_scolaire"}, ["École Jules-Ferry"]),
        ({"commune": "93010"}, ["Secours populaire de Bondy"]),
        ({"status": "proposed"}, ["École Jules-Ferry"]),
    ],
)
def test_the_actors_list_filters(world, client_for, params, expected) -> None:
    response = client_for("agent").get(reverse("cooperations:actors"), params)
    assert [a.name for a in response.context["page"].object_list] == expected


def test_an_actors_page_its_cooperations_and_partners(world, client_for) -> None:
    response = client_for("agent").get(world["service"].get_absolute_url())
    partners = {p.actor.name: p.count for p in response.context["partners"]}
    assert partners == {"Secours populaire de Bondy": 2, "École Jules-Ferry": 1}
    assert len(response.context["cooperations"]) == 3


@pytest.mark.parametrize(("role", "public", "shown"), [
    ("agent", False, False), ("agent", True, True), ("facilitator", False, True),
    ("moderator", False, False),
])  # fmt: skip
def test_the_contact_is_shown_only_when_public_or_to_facilitators(
    agent, client_for, role, public, shown
) -> None:
    actor = make_actor(
        by=agent, contact_name="Jeanne Exemple", contact_email="jeanne@asso.example",
        contact_public=public,
    )  # fmt: skip
    page = client_for(role).get(actor.get_absolute_url()).content.decode()
    assert ("jeanne@asso.example" in page) is shown
    assert ("Jeanne Exemple" in page) is shown


def test_a_merged_actor_leads_to_the_kept_one(agent, facilitator, client_for) -> None:
    kept = make_actor("Restos du cœur de Bondy", by=agent)
    gone = make_actor("Restaurants du cœur Bondy", by=agent)
    actor_merge(source=gone, target=kept, by=facilitator)
    response = client_for("agent").get(gone.get_absolute_url(), follow=True)
    assert response.redirect_chain == [(kept.get_absolute_url(), 302)]
    assert "they are merged" in response.content.decode()


def test_duplicates_are_shown_as_the_name_is_typed(world, client_for) -> None:
    client = client_for("agent")
    url = reverse("cooperations:actor-duplicates")
    exact = client.get(url, {"name": "SECOURS populaire - de Bondy"}, headers=HTMX)
    assert exact.context["duplicates"] == [world["association"]]
    assert world["association"].get_absolute_url() in exact.content.decode()
    similar = client.get(url, {"name": "secours"}, headers=HTMX)
    assert similar.context["duplicates"] == [] and similar.context["similar"] == [
        world["association"]
    ]
    assert client.get(url, {"name": "zz"}).content.decode().strip() == ""


def test_proposing_a_duplicate_says_so_before_saving(world, client_for) -> None:
    client = client_for("agent")
    data = {"name": "Secours Populaire de BONDY", "kind": "association"}
    response = client.post(reverse("cooperations:actor-new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "is already known" in page
    assert world["association"].get_absolute_url() in page
    assert 'name="same_name_ok"' in page
    assert Actor.objects.filter(name_key="secours populaire de bondy").count() == 1

    response = client.post(reverse("cooperations:actor-new"), {**data, "same_name_ok": "on"})
    assert response.status_code == 302
    assert Actor.objects.filter(name_key="secours populaire de bondy").count() == 2


def test_propose_an_actor_with_html_everywhere(agent, client_for) -> None:
    client = client_for("agent")
    response = client.post(
        reverse("cooperations:actor-new"),
        {"name": XSS, "kind": "association", "description": XSS, "contact_name": XSS,
         "contact_public": "on"},
    )  # fmt: skip
    actor = Actor.objects.get(name=XSS)
    assert response["Location"] == actor.get_absolute_url()
    page = client.get(actor.get_absolute_url()).content.decode()
    assert XSS not in page and page.count("&lt;script&gt;") >= 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Mairie", "kind": "service"}, "service"),
        ({"name": "Asso", "kind": "association", "siret": "123"}, "siret"),
        ({"name": "Asso", "kind": "association", "website": "javascript:alert(1)"}, "website"),
        ({"name": "Asso", "kind": "association", "latitude": "48.9"}, "latitude"),
        ({"name": "Asso", "kind": "association", "latitude": "123", "longitude": "2"}, "latitude"),
    ],
)
def test_bad_actor_input_gets_a_clear_message(agent, client_for, data, field) -> None:
    response = client_for("agent").post(reverse("cooperations:actor-new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Actor.objects.exists()


def test_validate_from_the_actors_page(world, client_for) -> None:
    school = world["school"]
    client = client_for("facilitator")
    assert "Validate this actor" in client.get(school.get_absolute_url()).content.decode()
    response = client.post(reverse("cooperations:actor-validate", args=[school.pk]))
    assert response["Location"] == school.get_absolute_url()
    school.refresh_from_db()
    assert school.status == ActorStatus.VALIDATED
    again = client.post(reverse("cooperations:actor-validate", args=[school.pk]), follow=True)
    assert "already validated" in again.content.decode()


def test_merge_shows_what_moves_then_merges(world, agent, client_for) -> None:
    twin = make_actor("Secours pop. Bondy", by=agent)
    make_cooperation([twin, world["school"]], by=agent, title="Collecte de fournitures")
    url = reverse("cooperations:actor-merge", args=[twin.pk])
    client = client_for("facilitator")

    preview = client.get(url, {"target": world["association"].pk})
    assert preview.context["target"] == world["association"]
    assert "Collecte de fournitures" in preview.content.decode()
    assert not Actor.objects.filter(merged_into__isnull=False).exists()  # GET changes nothing

    response = client.post(url, {"target": world["association"].pk})
    assert response["Location"] == world["association"].get_absolute_url()
    twin.refresh_from_db()
    assert twin.merged_into == world["association"]


def test_merge_into_itself_is_not_offered(world, client_for) -> None:
    association = world["association"]
    url = reverse("cooperations:actor-merge", args=[association.pk])
    response = client_for("facilitator").post(url, {"target": association.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["target"]
    association.refresh_from_db()
    assert association.merged_into is None


# --- emergencies and the queue -------------------------------------------------------------------


def test_emergencies_with_their_cooperations(world, client_for) -> None:
    response = client_for("agent").get(reverse("cooperations:events"))
    counts = {e.name: n for e, n in response.context["rows"]}
    assert counts == {"Confinement du printemps 2020": 2, "Canicule de l'été 2022": 1}
    assert reverse("cooperations:event-new") not in response.content.decode()


def test_add_an_emergency_and_bad_dates(facilitator, client_for) -> None:
    client = client_for("facilitator")
    bad = client.post(
        reverse("cooperations:event-new"),
        {"name": "Inondations", "kind": "inondation", "starts_on": "2018-02-01",
         "ends_on": "2018-01-01"},
    )  # fmt: skip
    assert bad.context["form"].errors["ends_on"]
    assert not Event.objects.exists()
    client.post(
        reverse("cooperations:event-new"),
        {"name": "Inondations de janvier 2018", "kind": "inondation", "starts_on": "2018-01-22",
         "ends_on": "2018-02-10", "description": XSS},
    )  # fmt: skip
    page = client.get(reverse("cooperations:events")).content.decode()
    assert "Inondations de janvier 2018" in page and XSS not in page


def test_the_queue_lists_proposals_and_probable_duplicates(world, agent, client_for) -> None:
    # Two records of one school, as an import or two simultaneous proposals could leave them.
    Actor.objects.create(
        name="ÉCOLE Jules Ferry", name_key="ecole jules ferry", kind="autre", status="validated"
    )
    response = client_for("facilitator").get(reverse("cooperations:queue"))
    assert [a.name for a in response.context["proposed"]] == ["École Jules-Ferry"]
    groups = response.context["duplicates"]
    assert [sorted(a.name for a in g.actors) for g in groups] == [
        ["ÉCOLE Jules Ferry", "École Jules-Ferry"]
    ]
    assert "/merge/?target=" in response.content.decode()


def test_garbage_in_the_form_is_refused_without_an_error_page(world, client_for) -> None:
    client = client_for("agent")
    for data in (
        _form(world, actors=["abc", "12x"], **{"role_abc": "x", "role_1": "y" * 500}),
        _form(world, new_actor_name="Asso", new_actor_kind="nope", actors=["abc"]),
        _form(world, started_on="32/13/2020", event="abc", themes=["zz"], initiatives=["x"]),
        _form(world, title="nul\x00", description="x\x00"),
    ):
        response = client.post(reverse("cooperations:new"), data)
        assert response.status_code == 200
    assert not Cooperation.objects.filter(title__startswith="Appels").exists()
    assert not Actor.objects.filter(name="Asso").exists()
