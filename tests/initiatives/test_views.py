"""The initiatives pages through the Django test client: the form and its autosave, the list and
its filters and search, the similar-initiatives fragment, the detail page of a merged initiative,
the support team's queue, the dashboard and the HTMX support button."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from riposte.directory.models import AgentSupportProfile
from riposte.initiatives.models import HelpRequest, Initiative, Stage, StageChange
from riposte.initiatives.services import (
    help_request_assign,
    help_request_close,
    help_request_open,
    initiative_merge,
    initiative_move,
)
from tests.initiatives.builders import (
    BIKES,
    CANTEEN,
    ELDERS,
    colleague,
    communes,
    draft,
    publish,
    themes,
)


def _listed(response) -> list[int]:
    """Ids of the initiatives on a page of the list, in order."""
    assert response.status_code == 200
    return [i.pk for i in response.context["page"].object_list]


# --- the form: autosave, then publish ---------------------------------------------------------------


def _draft_id(fragment: str) -> str:
    match = re.search(r'name="draft_id" value="(\d*)"', fragment)
    assert match, fragment
    return match.group(1)


def test_autosave_then_publish_makes_one_initiative(agent, client_for) -> None:
    client = client_for("agent")

    first = client.post(reverse("initiatives:autosave"), {"title": "Des vélos pour les agents"})
    assert first.status_code == 200
    initiative = Initiative.objects.get()
    assert initiative.is_draft and initiative.author == agent
    assert _draft_id(first.content.decode()) == str(initiative.pk)
    assert 'id="autosave"' in first.content.decode()
    assert "<html" not in first.content.decode()  # the fragment, not the page

    second = client.post(
        reverse("initiatives:autosave"),
        {"draft_id": initiative.pk, "title": BIKES["title"], "problem": BIKES["problem"]},
    )
    assert _draft_id(second.content.decode()) == str(initiative.pk)
    assert Initiative.objects.count() == 1
    initiative.refresh_from_db()
    assert (initiative.title, initiative.problem) == (BIKES["title"], BIKES["problem"])
    assert initiative.is_draft

    saint_denis = communes("93066")[0]
    published = client.post(
        reverse("initiatives:new"),
        {"draft_id": initiative.pk, **BIKES, "communes": [saint_denis.pk], "submit": "1"},
    )

    assert published.status_code == 302
    assert published["Location"] == reverse("initiatives:detail", args=[initiative.pk])
    assert Initiative.objects.count() == 1
    initiative.refresh_from_db()
    assert not initiative.is_draft
    assert initiative.idea == BIKES["idea"]
    assert [c.insee_code for c in initiative.communes.all()] == ["93066"]
    assert StageChange.objects.filter(initiative=initiative).count() == 1


def test_autosave_of_someone_elses_draft_is_404(agent, client_for) -> None:
    theirs = draft(agent)
    response = client_for("facilitator").post(
        reverse("initiatives:autosave"), {"draft_id": theirs.pk, "title": "Pris"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Un brouillon pas encore fini"
    assert Initiative.objects.count() == 1


def test_publishing_an_incomplete_draft_shows_what_is_missing(agent, client_for) -> None:
    unfinished = draft(agent, BIKES["title"])
    response = client_for("agent").post(
        reverse("initiatives:new"),
        {"draft_id": unfinished.pk, "title": BIKES["title"], "submit": "1"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"problem", "idea", "communes"}
    unfinished.refresh_from_db()
    assert unfinished.is_draft


# --- the list ---------------------------------------------------------------------------------------


@pytest.fixture
def three(agent, facilitator, decision_maker) -> dict[str, Initiative]:
    """Bikes (the agent's, Saint-Denis, qualified, waiting for design help), older people (the
    facilitator's, Montreuil), canteen (the decision-maker's, the whole département)."""
    bikes = publish(agent, BIKES, communes=communes("93066"), themes=themes("mobilite"))
    elders = publish(
        facilitator, ELDERS, communes=communes("93048"), themes=themes("solidarite-seniors")
    )
    canteen = publish(decision_maker, CANTEEN, themes=themes("aide-alimentaire"))
    initiative_move(initiative=bikes, by=facilitator, to_stage=Stage.QUALIFIED, reason="Vu.")
    help_request_open(initiative=bikes, by=agent, profile="design")
    return {"bikes": bikes, "elders": elders, "canteen": canteen}


def test_the_list_shows_published_initiatives_not_others_drafts(three, agent, client_for):
    mine = draft(agent, "Mon brouillon")
    theirs = draft(three["elders"].author, "Brouillon de Fanny")

    response = client_for("agent").get(reverse("initiatives:list"))

    # Newest first; the agent's own drafts are in a box of their own above the list.
    assert _listed(response) == [three["canteen"].pk, three["elders"].pk, three["bikes"].pk]
    assert [d.pk for d in response.context["drafts"]] == [mine.pk]
    assert theirs.pk not in _listed(client_for("decision_maker").get(reverse("initiatives:list")))
    html = client_for("agent").get(reverse("initiatives:list")).content.decode()
    assert "Mon brouillon" in html and "Brouillon de Fanny" not in html


@pytest.mark.parametrize(
    ("role", "query", "expected"),
    [
        ("agent", {"stage": "qualifiee"}, ["bikes"]),
        ("agent", {"stage": "reperee"}, ["canteen", "elders"]),
        ("agent", {"theme": "mobilite"}, ["bikes"]),
        ("agent", {"theme": "solidarite-seniors"}, ["elders"]),
        # An initiative for the whole département concerns every commune.
        ("agent", {"commune": "93066"}, ["canteen", "bikes"]),
        ("agent", {"commune": "93048"}, ["canteen", "elders"]),
        ("agent", {"need": "help"}, ["bikes"]),
        ("agent", {"mine": "on"}, ["bikes"]),
        ("facilitator", {"mine": "on"}, ["elders"]),
        ("agent", {"stage": "reperee", "theme": "aide-alimentaire"}, ["canteen"]),
        ("agent", {"stage": "qualifiee", "theme": "aide-alimentaire"}, []),
    ],
)
def test_filters_narrow_the_list(three, client_for, role, query, expected) -> None:
    response = client_for(role).get(reverse("initiatives:list"), query)
    assert _listed(response) == [three[name].pk for name in expected]


def test_htmx_filters_return_the_results_only(three, client_for) -> None:
    response = client_for("agent").get(
        reverse("initiatives:list"), {"theme": "mobilite"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert _listed(response) == [three["bikes"].pk]
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html


@pytest.mark.parametrize("query", ["velo", "VÉLO", "électrique", "vélo voiture"])
def test_search_finds_a_word_of_the_problem_accents_ignored(three, client_for, query) -> None:
    """SQLite matches word prefixes, PostgreSQL French stems: both find "vélo" for "velo"."""
    response = client_for("agent").get(reverse("initiatives:list"), {"q": query})
    assert _listed(response) == [three["bikes"].pk]


def test_search_without_a_match_lists_nothing(three, client_for) -> None:
    response = client_for("agent").get(reverse("initiatives:list"), {"q": "trottinette"})
    assert _listed(response) == []


# --- similar initiatives while typing ------------------------------------------------------------------


def test_the_similar_fragment_lists_an_initiative_with_the_same_meaning(three, client_for):
    """Other words, same idea: the bikes initiative comes first."""
    response = client_for("decision_maker").get(
        reverse("initiatives:similar"),
        {
            "title": "Des bicyclettes partagées pour les déplacements des agents",
            "problem": "Beaucoup de collègues utilisent une voiture pour aller d'un bâtiment à"
            " l'autre alors que c'est tout près.",
        },
    )
    assert response.status_code == 200
    links = re.findall(r'href="/initiatives/(\d+)/"', response.content.decode())
    assert links and links[0] == str(three["bikes"].pk)
    assert three["bikes"].title in response.content.decode()


def test_the_similar_fragment_is_empty_for_a_few_letters(three, client_for) -> None:
    response = client_for("agent").get(reverse("initiatives:similar"), {"title": "Vélo"})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_similar_fragment_leaves_out_the_draft_being_typed(agent, client_for) -> None:
    """The draft is not submitted, so never suggested, even when its own text is typed."""
    mine = draft(agent, BIKES["title"], problem=BIKES["problem"])
    response = client_for("agent").get(
        reverse("initiatives:similar"),
        {"title": BIKES["title"], "problem": BIKES["problem"], "draft_id": mine.pk},
    )
    assert f'href="/initiatives/{mine.pk}/"' not in response.content.decode()


# --- the detail page --------------------------------------------------------------------------------------


def test_a_merged_initiative_shows_the_banner_to_its_target(agent, facilitator, client_for):
    source = publish(agent, ELDERS)
    target = publish(facilitator, ELDERS, title="Téléphoner aux personnes âgées seules")
    initiative_merge(source=source, target=target, by=agent)

    html = client_for("moderator").get(source.get_absolute_url()).content.decode()

    with translation.override("fr"):
        banner = translation.gettext("This initiative joined forces with another one:")
    assert f'{banner} <a href="/initiatives/{target.pk}/">{target.title}</a>' in html
    assert f'action="/initiatives/{source.pk}/support/"' not in html  # no support any more
    # The target lists the initiatives that joined it.
    target_html = client_for("moderator").get(target.get_absolute_url()).content.decode()
    assert f'<a href="/initiatives/{source.pk}/">{source.title}</a>' in target_html
    assert banner not in target_html


def test_an_open_initiative_has_no_banner(agent, client_for) -> None:
    initiative = publish(agent)
    html = client_for("agent").get(initiative.get_absolute_url()).content.decode()
    with translation.override("fr"):
        assert translation.gettext("This initiative joined forces with another one:") not in html


# --- the support team's queue ------------------------------------------------------------------------


def test_triage_lists_open_requests_oldest_first(agent, facilitator, client_for) -> None:
    bikes = publish(agent, BIKES)
    elders = publish(agent, ELDERS)
    now = timezone.now()
    asked = [
        (bikes, "design", "Maquette du formulaire de réservation", 2),
        (elders, "legal", "Peut-on appeler sans consentement ?", 5),
        (bikes, "data", "Compter les trajets courts", 1),
        (elders, "funding", "Financer les appels", 3),  # done below: not in the queue
    ]
    for initiative, profile, message, days in asked:
        request = help_request_open(
            initiative=initiative, by=agent, profile=profile, message=message
        )
        HelpRequest.objects.filter(pk=request.pk).update(requested_at=now - timedelta(days=days))
    help_request_assign(
        request=HelpRequest.objects.get(profile="data"), by=facilitator, assignee=facilitator
    )
    help_request_close(
        request=HelpRequest.objects.get(profile="funding"), by=facilitator, help_given="Subvention"
    )

    response = client_for("facilitator").get(reverse("initiatives:triage"))

    assert response.status_code == 200
    assert [r.profile for r in response.context["requests"]] == ["legal", "design", "data"]
    html = response.content.decode()
    positions = [html.find(message) for _i, _p, message, _d in asked[:3]]
    assert positions[1] < positions[0] < positions[2]
    assert -1 not in positions and "Financer les appels" not in html


def test_triage_filters_by_profile(agent, client_for) -> None:
    initiative = publish(agent)
    help_request_open(initiative=initiative, by=agent, profile="design")
    help_request_open(initiative=initiative, by=agent, profile="legal")
    response = client_for("admin").get(reverse("initiatives:triage"), {"profile": "legal"})
    assert [r.profile for r in response.context["requests"]] == ["legal"]


# --- the dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_counts_initiatives_per_stage(agent, facilitator, client_for) -> None:
    """Published, open initiatives only: neither drafts nor those that joined another count."""
    spotted = publish(agent, ELDERS)
    qualified = publish(agent, BIKES)
    merged = publish(agent, CANTEEN)
    draft(agent)
    initiative_move(initiative=qualified, by=facilitator, to_stage=Stage.QUALIFIED, reason="Vu.")
    initiative_merge(source=merged, target=spotted, by=facilitator)

    response = client_for("decision_maker").get(reverse("initiatives:dashboard"))

    assert response.status_code == 200
    expected = {Stage.SPOTTED: 1, Stage.QUALIFIED: 1}
    counts = [expected.get(stage, 0) for stage in Stage]
    data = response.context["data"]
    assert [(value, n) for value, _label, n in data.funnel] == [
        (stage.value, n) for stage, n in zip(Stage, counts, strict=True)
    ]
    assert data.total == 2
    bars = re.findall(r'<progress max="(\d+)" value="(\d+)"', response.content.decode())
    assert [int(value) for _max, value in bars] == counts
    assert {int(top) for top, _value in bars} == {1}


# --- the support button (HTMX) ---------------------------------------------------------------------------


def _support_count(html: str) -> int:
    match = re.search(r'<span role="status">\s*(\d+)\s', html)
    assert match, html
    return int(match.group(1))


def test_htmx_support_returns_the_button_with_the_new_count(agent, moderator, client_for) -> None:
    initiative = publish(agent)
    url = reverse("initiatives:support", args=[initiative.pk])
    htmx = {"HX-Request": "true"}

    first = client_for("decision_maker").post(url, headers=htmx)
    assert first.status_code == 200
    html = first.content.decode()
    assert html.lstrip().startswith('<form method="post"') and "<html" not in html
    assert 'aria-pressed="true"' in html and _support_count(html) == 1

    second = client_for("moderator").post(url, headers=htmx)
    assert _support_count(second.content.decode()) == 2

    again = client_for("decision_maker").post(url, headers=htmx)
    html = again.content.decode()
    assert 'aria-pressed="false"' in html and _support_count(html) == 1
    assert list(initiative.supports.values_list("agent", flat=True)) == [moderator.pk]


def test_support_without_htmx_goes_back_to_the_page(agent, client_for) -> None:
    initiative = publish(agent)
    response = client_for("moderator").post(reverse("initiatives:support", args=[initiative.pk]))
    assert (response.status_code, response["Location"]) == (302, initiative.get_absolute_url())
    assert initiative.supports.count() == 1


def test_the_assignee_records_the_help_from_the_initiative_page(agent, client_for):
    """A support-team member who is not a facilitator closes their request from the page."""
    from riposte.initiatives.models import HelpRequest
    from riposte.initiatives.services import help_request_assign, help_request_open
    from tests.initiatives.builders import publish

    designer = colleague("designer@example.org")
    AgentSupportProfile.objects.create(agent=designer, profile="design")
    facilitator = colleague("fac@example.org", role="facilitator")
    initiative = publish(agent)
    request = help_request_open(initiative=initiative, by=agent, profile="design")
    help_request_assign(request=request, by=facilitator, assignee=designer)
    client = client_for("agent")
    client.force_login(designer)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert f'action="/initiatives/help/{request.pk}/close/"' in page
    too_long = client.post(f"/initiatives/help/{request.pk}/close/", {"help_given": "x" * 5001})
    assert too_long.status_code == 302
    request.refresh_from_db()
    assert request.status == "assigned"
    client.post(f"/initiatives/help/{request.pk}/close/", {"help_given": "Un atelier d'une heure."})
    request.refresh_from_db()
    assert (request.status, request.help_given) == ("done", "Un atelier d'une heure.")
    assert HelpRequest.objects.filter(status="done").count() == 1


def test_an_invalid_filter_drops_only_itself(client_for, agent):
    publish(agent, needs_budget=True, title="Budget demandé")
    publish(agent, title="Sans budget")
    response = client_for("agent").get("/initiatives/?need=budget&sort=nope&theme=nope")
    assert [i.title for i in response.context["page"]] == ["Budget demandé"]
