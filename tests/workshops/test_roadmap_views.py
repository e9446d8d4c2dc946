"""The roadmap's pages: a workshop's roadmap, a milestone's page and its conversions (with the
links back on the initiative's, norm's and cooperation's pages), and the milestones of all
workshops. Who may reach them is in access_roadmap.py."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from riposte.cooperations.models import Cooperation
from riposte.initiatives.models import Initiative
from riposte.norms.models import Norm, NormKind
from riposte.workshops.milestones import MilestoneData, milestone_edit, milestone_set_status
from riposte.workshops.models import Horizon, Milestone, MilestoneStatus, Workshop, WorkshopStatus
from riposte.workshops.services import participant_join
from tests.cooperations.builders import make_actor
from tests.workshops.builders import make_workshop, set_status
from tests.workshops.roadmap_builders import first_axis, make_milestone, make_note


@pytest.fixture
def workshop(facilitator) -> Workshop:
    return make_workshop(by=facilitator)


def _owned(milestone: Milestone, owner, **fields) -> Milestone:
    by = milestone.axis.workshop.facilitators.first()
    data = MilestoneData(title=milestone.title, owner=owner, due_on=milestone.due_on, **fields)
    return milestone_edit(milestone=milestone, by=by, data=data, version=milestone.version)


def _roadmap(workshop: Workshop) -> str:
    return reverse("workshops:roadmap", args=[workshop.pk])


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- a workshop's roadmap ----------------------------------------------------------------------


def test_the_roadmap_shows_each_axis_with_its_five_horizons_in_order(workshop, client_for, agent):
    late = _owned(make_milestone(workshop, title="Identifier les coopérations inédites",
                                 horizon=Horizon.MONTH), agent)  # fmt: skip
    make_milestone(workshop, title="Ouvrir des maisons collaboratives", horizon=Horizon.IDEAL)

    page = client_for("agent").get(_roadmap(workshop)).content.decode()

    axis = first_axis(workshop)
    section = page[page.index(f'id="axis-{axis.pk}"') :]
    headings = re.findall(r"<h3[^>]*>([^<]+)</h3>", section)[:5]
    assert headings == ["1 month", "6 months", "1 year", "2 years", "Ideal"]
    text = _text(page)
    assert "Identifier les coopérations inédites" in text
    assert "Late" in text and "Owner: Célia Navarro" in text
    assert f'datetime="{late.due_on:%Y-%m-%d}"' in page
    assert "Ouvrir des maisons collaboratives" in text and "No due date" in text
    # An agent reads; moving and adding are the facilitators'.
    assert "milestone-move" not in page and "milestone-add" not in page


def test_the_facilitator_gets_the_move_and_add_forms(workshop, client_for):
    first = make_milestone(workshop, title="A")
    make_milestone(workshop, title="B")
    page = client_for("facilitator").get(_roadmap(workshop)).content.decode()
    assert page.count('class="milestone-move"') == 2
    assert f'<label for="move-{first.pk}" class="visually-hidden">Horizon of “A”</label>' in page
    # The first of a horizon cannot go up, the last cannot go down.
    form = page[page.index(f'id="move-{first.pk}"') :]
    assert re.search(r'name="offset" value="-1" disabled', form[: form.index("</form>")])
    assert page.count('class="milestone-add"') == workshop.axes.count()
    assert "roadmap.js" in page


def test_a_guest_reads_the_roadmap_of_their_workshop(scene):
    make_milestone(scene.workshop, title="Voter la loi 4D")
    page = scene.client("guest").get(_roadmap(scene.workshop)).content.decode()
    assert "Voter la loi 4D" in page
    assert reverse("workshops:roadmap-all") not in page
    assert "milestone-move" not in page


def test_the_facilitator_adds_a_milestone(workshop, client_for):
    axis = first_axis(workshop)
    response = client_for("facilitator").post(
        reverse("workshops:milestone-add", args=[workshop.pk]),
        {"axis": axis.pk, "title": "Voter la loi 4D", "horizon": "6m"},
    )
    milestone = Milestone.objects.get()
    assert response["Location"] == f"{_roadmap(workshop)}#milestone-{milestone.pk}"
    assert (milestone.axis, milestone.horizon, milestone.due_on) == (
        axis, Horizon.SIX_MONTHS, dt.date(2021, 5, 18))  # fmt: skip


def test_adding_without_a_title_or_to_another_workshops_axis_is_refused(
    workshop, facilitator, client_for
):
    client = client_for("facilitator")
    url = reverse("workshops:milestone-add", args=[workshop.pk])
    axis = first_axis(workshop)
    response = client.post(url, {"axis": axis.pk, "title": "", "horizon": "6m"}, follow=True)
    assert "Milestone: This field is required." in response.content.decode()
    other = make_workshop(by=facilitator, title="Autre")
    response = client.post(url, {"axis": first_axis(other).pk, "title": "X", "horizon": "6m"})
    assert response.status_code == 404
    assert not Milestone.objects.exists()


def test_adding_to_a_closed_workshop_says_why(workshop, client_for):
    set_status(workshop, WorkshopStatus.CLOSED)
    response = client_for("facilitator").post(
        reverse("workshops:milestone-add", args=[workshop.pk]),
        {"axis": first_axis(workshop).pk, "title": "Voter la loi 4D", "horizon": "6m"},
        follow=True,
    )
    assert "This workshop is closed" in response.content.decode()
    assert not Milestone.objects.exists()


def test_the_notes_of_the_stages_become_milestones_from_the_roadmap(facilitator, agent, client_for):
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    note = make_note(workshop, by=agent, text="Mobiliser les Fabriques de territoire")
    client = client_for("facilitator")
    assert f'id="note-{note.pk}"' in client.get(_roadmap(workshop)).content.decode()

    response = client.post(reverse("workshops:milestone-from-note", args=[note.pk]),
                           {"horizon": "1y"})  # fmt: skip

    milestone = Milestone.objects.get()
    assert response["Location"] == f"{_roadmap(workshop)}#milestone-{milestone.pk}"
    assert (milestone.title, milestone.source_note, milestone.horizon) == (
        "Mobiliser les Fabriques de territoire", note, Horizon.YEAR)  # fmt: skip
    assert f'id="note-{note.pk}"' not in client.get(_roadmap(workshop)).content.decode()


def test_moving_with_the_select_and_with_the_arrows(workshop, client_for):
    make_milestone(workshop, title="A")
    b = make_milestone(workshop, title="B")
    client = client_for("facilitator")
    url = reverse("workshops:milestone-move", args=[b.pk])

    response = client.post(url, {"horizon": "1y", "position": ""}, follow=True)
    b.refresh_from_db()
    assert (b.horizon, b.position, b.due_on) == (Horizon.YEAR, 0, dt.date(2021, 11, 18))
    assert "“B” is now at position 1 of “1 year”." in response.content.decode()

    client.post(url, {"horizon": "6m", "position": "0"})
    client.post(url, {"horizon": "6m", "offset": "1"})  # the arrow wins over the select
    assert list(Milestone.objects.order_by("position").values_list("title", flat=True)) == [
        "A",
        "B",
    ]
    response = client.post(url, {"offset": "7"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.position == 1


# --- a milestone's page ------------------------------------------------------------------------


def _page(milestone: Milestone) -> str:
    return reverse("workshops:milestone", args=[milestone.pk])


def _form(milestone: Milestone, **fields) -> dict:
    data = {"title": milestone.title, "owner": milestone.owner_id or "", "owner_email": "",
            "due_on": milestone.due_on.isoformat() if milestone.due_on else "",
            "status": milestone.status, "version": milestone.version}  # fmt: skip
    data.update(fields)
    return data


def test_the_facilitator_edits_a_milestone_and_gives_it_an_owner_by_e_mail(
    workshop, client_for, decision_maker
):
    milestone = make_milestone(workshop)
    response = client_for("facilitator").post(
        _page(milestone), _form(milestone, owner_email="DENIS@example.org", due_on="2021-09-01")
    )
    assert response["Location"] == _page(milestone)
    milestone.refresh_from_db()
    assert (milestone.owner, milestone.due_on, milestone.due_on_by_hand) == (
        decision_maker, dt.date(2021, 9, 1), True)  # fmt: skip


def test_an_unknown_e_mail_is_refused_on_the_form(workshop, client_for):
    milestone = make_milestone(workshop)
    response = client_for("facilitator").post(
        _page(milestone), _form(milestone, owner_email="personne@example.org")
    )
    assert response.status_code == 200
    assert "No agent has this e-mail address" in response.content.decode()


def test_a_stale_save_is_refused_with_both_texts(workshop, client_for):
    milestone = make_milestone(workshop, title="Cartographier les acteurs")
    stale = _form(milestone, title="Cartographier seuls")
    client = client_for("facilitator")
    client.post(_page(milestone), _form(milestone, title="Cartographier avec les Fabriques"))

    response = client.post(_page(milestone), stale)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved this milestone while you were editing it" in page
    conflict = page[page.index('class="conflict panel"') :]
    assert "Cartographier avec les Fabriques" in conflict[: conflict.index("</section>")]
    assert 'value="Cartographier seuls"' in page  # what was typed is still in the form
    assert 'name="version" value="2"' in page
    milestone.refresh_from_db()
    assert milestone.title == "Cartographier avec les Fabriques"


def test_the_owner_sets_the_status_from_the_roadmap_of_all_workshops(workshop, client_for, agent):
    milestone = _owned(make_milestone(workshop), agent)
    here = reverse("workshops:roadmap-all") + "?mine=on"
    response = client_for("agent").post(
        reverse("workshops:milestone-status", args=[milestone.pk]), {"status": "done", "next": here}
    )
    assert response["Location"] == f"{here}#milestone-{milestone.pk}"
    milestone.refresh_from_db()
    assert (milestone.status, milestone.done_on) == (MilestoneStatus.DONE, timezone.localdate())


def test_a_next_elsewhere_is_not_followed(workshop, client_for, agent):
    milestone = _owned(make_milestone(workshop), agent)
    response = client_for("agent").post(
        reverse("workshops:milestone-status", args=[milestone.pk]),
        {"status": "done", "next": "https://evil.example/workshops/roadmap/"},
    )
    assert response["Location"] == _page(milestone)


def test_the_owner_sees_the_status_form_and_not_the_facilitators_form(workshop, client_for, agent):
    milestone = _owned(make_milestone(workshop), agent)
    page = client_for("agent").get(_page(milestone)).content.decode()
    assert reverse("workshops:milestone-status", args=[milestone.pk]) in page
    assert 'name="version"' not in page
    assert reverse("workshops:milestone-to-initiative", args=[milestone.pk]) not in page


# --- what a milestone becomes, and the links back ----------------------------------------------


def test_the_facilitator_turns_a_milestone_into_an_initiative_linked_both_ways(
    workshop, client_for, agent
):
    milestone = _owned(make_milestone(workshop, title="Ouvrir des maisons collaboratives"), agent)
    client = client_for("facilitator")
    url = reverse("workshops:milestone-to-initiative", args=[milestone.pk])

    response = client.post(url)
    initiative = Initiative.objects.get()
    assert response["Location"] == initiative.get_absolute_url()
    assert client.post(url)["Location"] == initiative.get_absolute_url()
    assert Initiative.objects.count() == 1

    back = _text(client.get(initiative.get_absolute_url()).content.decode())
    assert ("From the workshop “Pérenniser le hors-norme”, milestone “Ouvrir des maisons "
            "collaboratives”") in back  # fmt: skip
    page = client.get(_page(milestone)).content.decode()
    assert f'href="{initiative.get_absolute_url()}"' in page and "Became the initiative:" in page
    # The owner is a co-author of the draft: they see it too.
    assert client_for("agent").get(initiative.get_absolute_url()).status_code == 200


def test_a_draft_initiative_is_named_only_to_its_authors(workshop, client_for):
    milestone = make_milestone(workshop, title="Ouvrir des maisons collaboratives")
    client_for("facilitator").post(
        reverse("workshops:milestone-to-initiative", args=[milestone.pk])
    )
    initiative = Initiative.objects.get()
    page = client_for("decision_maker").get(_page(milestone)).content.decode()
    assert "a draft, not submitted yet" in page
    assert initiative.get_absolute_url() not in page


def test_the_facilitator_turns_a_milestone_into_a_norm_to_debate(workshop, client_for):
    milestone = make_milestone(workshop, title="Voter la loi 4D")
    client = client_for("facilitator")
    response = client.post(reverse("workshops:milestone-to-norm", args=[milestone.pk]),
                           {"kind": NormKind.PROCEDURE})  # fmt: skip
    norm = Norm.objects.get()
    assert response["Location"] == norm.get_absolute_url()
    assert norm.kind == NormKind.PROCEDURE
    back = _text(client_for("agent").get(norm.get_absolute_url()).content.decode())
    assert "From the workshop “Pérenniser le hors-norme”, milestone “Voter la loi 4D”" in back


def test_a_milestone_is_mapped_as_a_cooperation_through_its_form(workshop, facilitator, client_for):
    milestone = make_milestone(workshop, title="Cartographier les acteurs coopérant")
    actors = [make_actor("Secours populaire", by=facilitator), make_actor("CCAS", by=facilitator)]
    client = client_for("facilitator")

    to_form = client.get(reverse("workshops:milestone-to-cooperation", args=[milestone.pk]))
    form_url = to_form["Location"]
    assert form_url == f"/cooperations/new/?from=milestone%3A{milestone.pk}"
    form = client.get(form_url).content.decode()
    assert 'value="Cartographier les acteurs coopérant"' in form
    assert f'name="from" value="milestone:{milestone.pk}"' in form
    data = {"from": f"milestone:{milestone.pk}", "title": "Cartographier les acteurs coopérant",
            "description": "Les acteurs du confinement, débriefés.", "started_on": "2020-03-17",
            "actors": [a.pk for a in actors]}  # fmt: skip

    response = client.post(form_url, data)

    cooperation = Cooperation.objects.get()
    assert response["Location"] == cooperation.get_absolute_url()
    milestone.refresh_from_db()
    assert milestone.cooperation == cooperation
    back = _text(client.get(cooperation.get_absolute_url()).content.decode())
    assert "From the workshop “Pérenniser le hors-norme”" in back
    # Asked again, it leads to the same cooperation; a second form sent (another tab) records
    # nothing and says why.
    again = client.get(reverse("workshops:milestone-to-cooperation", args=[milestone.pk]))
    assert again["Location"] == cooperation.get_absolute_url()
    refused = client.post(form_url, {**data, "title": "Une seconde"})
    assert refused.status_code == 200
    assert "already mapped" in refused.content.decode()
    assert Cooperation.objects.count() == 1


def test_an_agent_cannot_link_a_milestone_through_the_cooperation_form(
    workshop, facilitator, client_for
):
    milestone = make_milestone(workshop)
    actors = [make_actor("Secours populaire", by=facilitator), make_actor("CCAS", by=facilitator)]
    url = f"/cooperations/new/?from=milestone%3A{milestone.pk}"
    client = client_for("agent")
    assert 'name="from"' not in client.get(url).content.decode()
    client.post(url, {"from": f"milestone:{milestone.pk}", "title": "Distribution",
                      "description": "Des colis.", "started_on": "2020-03-17",
                      "actors": [a.pk for a in actors]})  # fmt: skip
    assert Cooperation.objects.count() == 1
    milestone.refresh_from_db()
    assert milestone.cooperation is None


def test_pages_without_milestones_show_no_origin(client_for, facilitator):
    actors = [make_actor("Secours populaire", by=facilitator), make_actor("CCAS", by=facilitator)]
    from tests.cooperations.builders import make_cooperation

    cooperation = make_cooperation(actors, by=facilitator)
    page = client_for("agent").get(cooperation.get_absolute_url()).content.decode()
    assert "milestone-origin" not in page


# --- the milestones of all workshops -----------------------------------------------------------


@pytest.fixture
def spread(facilitator, agent) -> dict[str, Milestone]:
    """Milestones of two workshops: one held long ago (late ones), one held in ten days."""
    past = make_workshop(by=facilitator)
    soon = make_workshop(by=facilitator, title="Atelier de printemps",
                         held_on=timezone.localdate() + dt.timedelta(days=10))  # fmt: skip
    return {
        "late_1y": make_milestone(past, title="En retard d'un an", horizon=Horizon.YEAR),
        "late_1m": _owned(make_milestone(past, title="En retard d'un mois", horizon=Horizon.MONTH), agent),
        "ideal": make_milestone(past, title="Idéal lointain", horizon=Horizon.IDEAL),
        "soon": _owned(make_milestone(soon, title="Bientôt", horizon=Horizon.MONTH), agent),
        "later": make_milestone(soon, title="Plus tard", horizon=Horizon.YEAR),
        "done": make_milestone(past, title="Déjà fait", horizon=Horizon.SIX_MONTHS),
    }  # fmt: skip


def _titles(response) -> list[str]:
    found = re.findall(r'<h2 class="card-title"><a [^>]+>([^<]+)</a>', response.content.decode())
    return [html.unescape(title) for title in found]


def test_all_workshops_milestones_late_first_then_by_due_date(spread, facilitator, client_for):
    milestone_set_status(milestone=spread["done"], by=facilitator, status=MilestoneStatus.DONE)
    response = client_for("agent").get(reverse("workshops:roadmap-all"))
    assert _titles(response) == [
        "En retard d'un mois", "En retard d'un an", "Bientôt", "Plus tard", "Idéal lointain"]  # fmt: skip
    page = _text(response.content.decode())
    assert page.count("Late") >= 2
    assert "5 milestones" in page


def test_filters_of_all_workshops_milestones(spread, facilitator, client_for):
    milestone_set_status(milestone=spread["done"], by=facilitator, status=MilestoneStatus.DONE)
    client = client_for("agent")
    url = reverse("workshops:roadmap-all")
    assert _titles(client.get(url, {"mine": "on"})) == ["En retard d'un mois", "Bientôt"]
    assert _titles(client.get(url, {"late": "on"})) == ["En retard d'un mois", "En retard d'un an"]
    assert _titles(client.get(url, {"status": "done"})) == ["Déjà fait"]
    assert len(_titles(client.get(url, {"status": "all"}))) == 6
    soon = spread["soon"].axis.workshop
    assert _titles(client.get(url, {"workshop": soon.pk})) == ["Bientôt", "Plus tard"]
    # An unknown value drops that filter only.
    assert len(_titles(client.get(url, {"workshop": "nope", "status": "nope"}))) == 5


def test_my_milestones_count_the_late_ones_and_offer_their_status(spread, client_for):
    response = client_for("agent").get(reverse("workshops:roadmap-all"), {"mine": "on"})
    page = response.content.decode()
    assert "<h1>My milestones</h1>" in page
    assert "1 late" in _text(page)
    assert page.count(reverse("workshops:milestone-status", args=[spread["soon"].pk])) == 1
    assert reverse("workshops:milestone-status", args=[spread["later"].pk]) not in page


def test_the_roadmap_of_all_workshops_reads_in_few_queries(
    spread, client_for, django_assert_max_num_queries
):
    client = client_for("agent")
    with django_assert_max_num_queries(12):
        client.get(reverse("workshops:roadmap-all"))


@pytest.mark.parametrize("origin", ["milestone:²", "milestone:" + "9" * 30, "milestone:x", "nope"])
def test_a_bad_origin_on_the_cooperation_form_is_ignored(client_for, origin):
    """A digit that int() refuses ("²"), an id too large: the form opens without an origin."""
    response = client_for("agent").get("/cooperations/new/", {"from": origin})
    assert response.status_code == 200


@pytest.mark.parametrize("axis", ["²", "9" * 30, "x", ""])
def test_a_bad_axis_for_a_new_milestone_is_a_404(client_for, facilitator, axis):
    workshop = make_workshop(by=facilitator)
    response = client_for("facilitator").post(
        f"/workshops/{workshop.pk}/roadmap/add/", {"axis": axis, "title": "T", "horizon": "1m"}
    )
    assert response.status_code == 404
