"""The register's pages through the test client: the list (accent-blind search, filters, counts,
pages), proposing (also from an initiative, linked both ways), editing with a version guard
(a stale save is refused with 409 and nothing is lost), versions and their differences, the
norm's page, links, and the admin that never shows a secret ballot."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from riposte.cooperations.models import Cooperation
from riposte.directory.models import Agent, Service
from riposte.initiatives.models import Initiative
from riposte.initiatives.services import InitiativeData, initiative_create
from riposte.norms.ballots import vote_cast
from riposte.norms.models import (
    Choice,
    Norm,
    NormKind,
    NormStatus,
    NormVersion,
    Outcome,
    StatusChange,
)
from riposte.norms.services import (
    DecisionData,
    argument_add,
    decision_record,
    norm_link,
)
from riposte.norms.services import (
    testimony_add as add_testimony,
)
from tests.conftest import PASSWORD
from tests.cooperations.builders import make_actor, make_cooperation, make_event
from tests.norms.builders import close, make_consultation, make_norm

SCRIPT = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
TODAY = dt.date.today


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _titles(html: str) -> list[str]:
    """The norms listed on a page of the register, in order."""
    found = re.findall(r'<h2 class="card-title"><a href="/norms/\d+/">([^<]+)</a>', html)
    return [unescape(title) for title in found]


def _form(**fields) -> dict[str, str]:
    values = {
        "title": "Contacter directement une association",
        "text": "Un agent de terrain appelle une association sans passer par sa hiérarchie.",
        "kind": NormKind.AUTHORISATION,
        "status": NormStatus.DEBATE,
    }
    values.update(fields)
    return values


def _needs_authorisation(agent: Agent, *, submit: bool = True) -> Initiative:
    data = InitiativeData(
        title="Livrer les colis alimentaires avec les associations",
        problem="Des familles isolées ne reçoivent rien.",
        idea="Les agents appellent directement les associations du quartier.",
        whole_department=True,
        needs_authorisation=True,
        authorisation="Contacter directement une association sans l'accord du directeur.\n"
        "Pendant la durée de la crise sanitaire.",
    )
    return initiative_create(author=agent, data=data, submit=submit)


def _coop(agent: Agent) -> Cooperation:
    actors = [make_actor("Secours populaire", by=agent), make_actor("Restos du cœur", by=agent)]
    return make_cooperation(actors, by=agent)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_is_the_modules_home(client_for, agent) -> None:
    make_norm(by=agent)
    home = _page(client_for("agent").get("/"))
    assert 'href="/norms/"' in home
    html = _page(client_for("agent").get(reverse("norms:list")))
    assert _titles(html) == ["Signer les bons de commande sous 1 500 € sans second visa"]


def test_search_is_accent_blind(client_for, agent) -> None:
    make_norm(
        by=agent, title="Télétravail cinq jours par semaine", text="Pour les agents éloignés."
    )
    make_norm(by=agent, title="Messagerie instantanée avec le public")
    client = client_for("agent")
    for query in ("teletravail", "TÉLÉTRAVAIL", "Teletravail eloignes", "éloignés"):
        html = _page(client.get(reverse("norms:list"), {"q": query}))
        assert _titles(html) == ["Télétravail cinq jours par semaine"], query
    html = _page(client.get(reverse("norms:list"), {"q": "teletravail public"}))
    assert _titles(html) == []  # every word must be found


def test_filters_by_status_and_kind(client_for, agent) -> None:
    make_norm(by=agent, title="Temporaire", status=NormStatus.TEMPORARY)
    make_norm(by=agent, title="Procédure débattue", kind=NormKind.PROCEDURE)
    client = client_for("agent")
    html = _page(client.get(reverse("norms:list"), {"status": NormStatus.TEMPORARY}))
    assert _titles(html) == ["Temporaire"]
    html = _page(client.get(reverse("norms:list"), {"kind": NormKind.PROCEDURE}))
    assert _titles(html) == ["Procédure débattue"]
    # An unknown value drops that filter only.
    html = _page(client.get(reverse("norms:list"), {"kind": "nope", "status": "temporaire"}))
    assert _titles(html) == ["Temporaire"]


def test_filter_by_service_takes_the_services_under_it(client_for, agent, service) -> None:
    other = Service.objects.create(code="DSI", name="Numérique", level="direction")
    make_norm(by=agent, title="Pour l'ASE", services=[service])
    make_norm(by=agent, title="Pour le numérique", services=[other])
    make_norm(by=agent, title="Pour tous")
    client = client_for("agent")
    # `service` (DEF-01) is under the direction DEF: asking for the direction finds it.
    # A norm of no service in particular applies to every one: it is listed with each.
    for code in ("DEF", "DEF-01"):
        html = _page(client.get(reverse("norms:list"), {"service": code}))
        assert sorted(_titles(html)) == ["Pour l'ASE", "Pour tous"], code
    html = _page(client.get(reverse("norms:list"), {"service": "DSI"}))
    assert sorted(_titles(html)) == ["Pour le numérique", "Pour tous"]


def test_filter_due_within_60_days(client_for, agent, decision_maker) -> None:
    today = timezone.localdate()
    make_norm(
        by=agent, title="Échéance dans 30 jours", status=NormStatus.TEMPORARY,
        sunset_on=today + dt.timedelta(days=30), review_on=today + dt.timedelta(days=200),
    )  # fmt: skip
    make_norm(by=agent, title="Revue dans 45 jours", review_on=today + dt.timedelta(days=45))
    make_norm(by=agent, title="Revue dans 90 jours", review_on=today + dt.timedelta(days=90))
    make_norm(by=agent, title="Sans date")
    withdrawn = make_norm(by=agent, title="Retirée", review_on=today + dt.timedelta(days=10))
    decision_record(
        norm=withdrawn, by=decision_maker,
        data=DecisionData(outcome=Outcome.WITHDRAW, rationale="Plus utile.", decided_on=today),
    )  # fmt: skip
    client = client_for("agent")
    html = _page(client.get(reverse("norms:list"), {"due": "on", "sort": "due"}))
    assert _titles(html) == ["Échéance dans 30 jours", "Revue dans 45 jours"]
    html = _page(client.get(reverse("norms:list"), {"sort": "due"}))
    assert _titles(html)[:3] == [
        "Échéance dans 30 jours",
        "Revue dans 45 jours",
        "Revue dans 90 jours",
    ]


def test_rows_show_status_kind_next_date_and_counts(client_for, agent, facilitator) -> None:
    norm = make_norm(by=agent, status=NormStatus.TEMPORARY)
    add_testimony(norm=norm, by=agent, made_possible="Payer un traiteur en deux jours.")
    argument_add(norm=norm, by=facilitator, side="pour", title="Plus rapide")
    argument_add(norm=norm, by=agent, side="contre", title="Moins de contrôle")
    initiative = _needs_authorisation(agent)
    coop = _coop(agent)
    norm_link(norm=norm, by=agent, initiative=initiative, cooperation=coop)
    html = _page(client_for("agent").get(reverse("norms:list")))
    assert 'class="norm-status norm-status-temporaire">Temporary<' in html
    assert "Authorisation / delegation" in html
    assert f'datetime="{norm.sunset_on:%Y-%m-%d}"' in html and "Sunset:" in html
    assert "1 testimony" in html and "2 arguments" in html
    assert "2 initiatives and cooperations relied on it" in html


def test_the_title_order_ignores_accents_and_case(client_for, agent) -> None:
    for title in ["Signer seul", "élus joignables", "Échanger par messagerie", "Aider"]:
        make_norm(by=agent, title=title)
    html = _page(client_for("agent").get(reverse("norms:list"), {"sort": "title"}))
    assert _titles(html) == ["Aider", "Échanger par messagerie", "élus joignables", "Signer seul"]


def test_the_list_has_pages_and_an_htmx_fragment(client_for, agent) -> None:
    for n in range(23):
        make_norm(by=agent, title=f"Norme {n:02d}")
    client = client_for("agent")
    first = _page(client.get(reverse("norms:list"), {"sort": "title"}))
    assert len(_titles(first)) == 20 and "23 norms and authorisations" in first
    second = _page(client.get(reverse("norms:list"), {"sort": "title", "page": "2"}))
    assert _titles(second) == ["Norme 20", "Norme 21", "Norme 22"]
    fragment = _page(
        client.get(reverse("norms:list"), {"q": "norme 07"}, headers={"HX-Request": "true"})
    )
    assert "<html" not in fragment and _titles(fragment) == ["Norme 07"]
    assert 'hx-swap-oob="innerHTML">1 norm or authorisation' in fragment


# --- proposing ------------------------------------------------------------------------------------


def test_any_agent_proposes_an_authorisation(client_for, agent) -> None:
    event = make_event()
    response = client_for("agent").post(
        reverse("norms:propose"),
        _form(
            status=NormStatus.TEMPORARY, origin_event=event.pk, origin="Note DGS du 17 mars 2020",
            origin_date="2020-03-17", granted_by="La DGS", roles=["agent"],
            sunset_on=f"{timezone.localdate() + dt.timedelta(days=30):%Y-%m-%d}",
        ),
    )  # fmt: skip
    norm = Norm.objects.get()
    assert response.status_code == 302 and response["Location"] == norm.get_absolute_url()
    assert (norm.status, norm.version, norm.origin_event, norm.roles) == (
        NormStatus.TEMPORARY, 1, event, ["agent"],
    )  # fmt: skip
    assert NormVersion.objects.filter(norm=norm, number=1, author=agent).exists()
    page = _page(client_for("agent").get(norm.get_absolute_url()))
    assert "Note DGS du 17 mars 2020" in page and "Confinement du printemps 2020" in page
    assert "Stop following" in page  # the proposer follows what they proposed


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "This field is required."),
        ({"text": "x" * 10_001}, "text", "at most 10000 characters"),
        (
            {"review_on": "2020-01-01"},
            "review_on",
            "This date is in the past: choose a date from today on.",
        ),
        (
            {"status": NormStatus.TEMPORARY},
            "sunset_on",
            "A temporary authorisation needs its sunset or review date.",
        ),
        ({"status": NormStatus.SUSTAINED}, "status", "Select a valid choice."),
        ({"origin_date": "2999-01-01"}, "origin_date", "cannot be in the future"),
    ],
)
def test_bad_input_is_refused_and_kept(client_for, fields, field, message) -> None:
    data = _form(**fields)
    response = client_for("agent").post(reverse("norms:propose"), data)
    html = _page(response)
    assert not Norm.objects.exists()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert message in summary
    if field != "status":  # a radio group's label points to no single input
        assert f'href="#id_{field}"' in summary
    # What was typed is still there.
    if field != "text":
        assert data["text"] in html


def test_html_typed_in_every_field_comes_out_escaped(client_for, agent, facilitator) -> None:
    response = client_for("agent").post(
        reverse("norms:propose"),
        _form(title=SCRIPT, text=SCRIPT, origin=SCRIPT, granted_by=SCRIPT),
    )
    norm = Norm.objects.get()
    assert response.status_code == 302
    add_testimony(norm=norm, by=agent, made_possible=SCRIPT, went_wrong=SCRIPT)
    argument_add(norm=norm, by=agent, side="pour", title=SCRIPT[:120], body=SCRIPT)
    client = client_for("facilitator")
    pages = [
        client.get(reverse("norms:list")),
        client.get(norm.get_absolute_url()),
        client.get(reverse("norms:versions", args=[norm.pk])),
        client.get(reverse("norms:edit", args=[norm.pk])),
    ]
    for response in pages:
        html = _page(response)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in html


def test_no_proposal_from_a_draft_even_by_its_author(client_for, agent) -> None:
    """The link would show the draft to everyone on the norm's page."""
    initiative = _needs_authorisation(agent, submit=False)
    client = client_for("agent")

    assert client.get(f"/norms/new/?initiative={initiative.pk}").status_code == 404
    assert client.post(reverse("norms:propose"), _form(initiative=str(initiative.pk))).status_code == 404
    assert not Norm.objects.exists()


def test_proposing_from_an_initiative_prefills_and_links_both_ways(client_for, agent) -> None:
    initiative = _needs_authorisation(agent)
    nina = Agent.objects.create_user("nina@example.org", PASSWORD, first_name="Nina")
    client = Client()
    client.force_login(nina)

    # Any agent who reads the initiative sees the link beside the authorisation it needs.
    page = _page(client.get(initiative.get_absolute_url()))
    link = f"/norms/new/?initiative={initiative.pk}"
    assert f'href="{link}">Propose this authorisation to the register</a>' in page

    form = _page(client.get(link))
    assert "Contacter directement une association sans l&#x27;accord du directeur." in form
    assert f'name="initiative" value="{initiative.pk}"' in form
    assert initiative.title in form

    response = client.post(
        reverse("norms:propose"),
        _form(title="Contacter une association sans accord", initiative=str(initiative.pk)),
    )
    norm = Norm.objects.get()
    assert response["Location"] == norm.get_absolute_url()
    assert list(norm.initiatives.all()) == [initiative]
    # The initiative now leads to the norm instead of proposing a second one.
    page = _page(client.get(initiative.get_absolute_url()))
    assert "Propose this authorisation to the register" not in page
    assert f'href="{norm.get_absolute_url()}">In the register: “Contacter une association sans accord”' in page
    # Both ways: the norm's page lists the initiative, the initiative's page the norm.
    assert f'href="{initiative.get_absolute_url()}">{initiative.title}' in _page(
        client.get(norm.get_absolute_url())
    )
    assert f'href="{norm.get_absolute_url()}">{norm.title}</a>' in _page(
        client.get(initiative.get_absolute_url())
    )


def test_no_link_to_propose_when_nothing_is_needed(client_for, agent) -> None:
    data = InitiativeData(
        title="Un potager", problem="Rien.", idea="Planter.", whole_department=True
    )
    initiative = initiative_create(author=agent, data=data, submit=True)
    assert "/norms/new/" not in _page(client_for("agent").get(initiative.get_absolute_url()))


def test_an_initiative_one_may_not_see_is_not_proposed_from(client_for, agent) -> None:
    draft = _needs_authorisation(agent, submit=False)
    assert client_for("facilitator").get(f"/norms/new/?initiative={draft.pk}").status_code == 404
    response = client_for("facilitator").post(
        reverse("norms:propose"), _form(initiative=str(draft.pk))
    )
    assert response.status_code == 404 and not Norm.objects.exists()
    assert client_for("agent").get("/norms/new/?initiative=999999").status_code == 404


# --- editing and versions ------------------------------------------------------------------------


def _edit(client: Client, norm: Norm, version: int, **fields):
    data = {
        "version": str(version),
        "title": norm.title,
        "text": norm.text,
        "kind": norm.kind,
        **fields,
    }
    return client.post(reverse("norms:edit", args=[norm.pk]), data)


def test_two_edits_from_the_same_version_the_second_gets_409_and_loses_nothing(
    client_for, agent
) -> None:
    norm = make_norm(by=agent)
    fanny, alice = client_for("facilitator"), client_for("agent")
    assert 'name="version" value="1"' in _page(fanny.get(reverse("norms:edit", args=[norm.pk])))

    first = _edit(fanny, norm, 1, text="Un chef de service signe seul sous 2 000 €.", note="seuil")
    assert first.status_code == 302
    second = _edit(alice, norm, 1, text="Un chef de service signe seul sous 1 000 €.")
    html = second.content.decode()

    assert second.status_code == 409
    norm.refresh_from_db()
    assert norm.version == 2 and norm.text == "Un chef de service signe seul sous 2 000 €."
    assert "Someone saved this norm while you were writing (version 2)" in html
    # Alice's text is kept in the form, now on version 2; the saved one is shown beside it.
    assert "Un chef de service signe seul sous 1 000 €.</textarea>" in html
    assert 'name="version" value="2"' in html
    assert "Saved by Fanny Lebon" in html
    assert "<del>" in html and "<ins>" in html
    # Saving again (a deliberate choice, after comparing) makes it version 3; v2 is kept.
    third = _edit(alice, norm, 2, text="Un chef de service signe seul sous 1 000 €.")
    assert third.status_code == 302
    versions = dict(NormVersion.objects.filter(norm=norm).values_list("number", "text"))
    assert versions == {
        1: "Pendant le confinement, un chef de service signe seul sous 1 500 €.",
        2: "Un chef de service signe seul sous 2 000 €.",
        3: "Un chef de service signe seul sous 1 000 €.",
    }


def test_edit_refuses_bad_input_and_keeps_it(client_for, agent) -> None:
    norm = make_norm(by=agent)
    response = _edit(client_for("agent"), norm, 1, title="", sunset_on="2001-01-01")
    html = _page(response)
    assert "This field is required." in html
    norm.refresh_from_db()
    assert norm.version == 1 and norm.sunset_on is None


def test_the_proposer_may_not_edit_once_it_is_decided(client_for, agent, decision_maker) -> None:
    norm = make_norm(by=agent)
    decision_record(
        norm=norm, by=decision_maker,
        data=DecisionData(outcome=Outcome.KEEP, rationale="Utile.", decided_on=timezone.localdate(),
                          next_review_on=timezone.localdate() + dt.timedelta(days=365)),
    )  # fmt: skip
    assert client_for("agent").get(reverse("norms:edit", args=[norm.pk])).status_code == 403
    assert _edit(client_for("agent"), norm, 1, title="Autre").status_code == 403
    assert client_for("facilitator").get(reverse("norms:edit", args=[norm.pk])).status_code == 200


def test_versions_show_the_words_that_changed(client_for, agent) -> None:
    norm = make_norm(by=agent)
    _edit(client_for("agent"), norm, 1, text=norm.text.replace("1 500", "2 000"), note="seuil")
    html = _page(client_for("moderator").get(reverse("norms:versions", args=[norm.pk])))
    assert "Version 2" in html and "seuil" in html
    assert "Written by Célia Navarro on" in html  # by whom
    # Word by word: "1 500" became "2 000".
    assert '<del><span class="visually-hidden">[removed: </span>500<' in html
    assert '<ins><span class="visually-hidden">[added: </span>000<' in html
    # Any two versions compared, the first with itself shows everything as new.
    html = _page(client_for("agent").get(reverse("norms:versions", args=[norm.pk]), {"to": "1"}))
    assert "The first version: everything in it is new." in html
    # A version compared with itself: with the one before it instead.
    html = _page(
        client_for("agent").get(reverse("norms:versions", args=[norm.pk]), {"from": "2", "to": "2"})
    )
    assert "Compared with version 1" in html and "The first version" not in html
    # Unknown numbers fall back to the latest.
    assert (
        client_for("agent")
        .get(reverse("norms:versions", args=[norm.pk]), {"to": "x", "from": "99"})
        .status_code
        == 200
    )


# --- the norm's page -----------------------------------------------------------------------------


def test_the_page_shows_history_decisions_and_scope(client_for, agent, decision_maker, service):
    norm = make_norm(by=agent, services=[service], roles=["facilitator"])
    today = timezone.localdate()
    decision_record(
        norm=norm, by=decision_maker,
        data=DecisionData(outcome=Outcome.KEEP, rationale="Elle a fait ses preuves.",
                          decided_on=today, next_review_on=today + dt.timedelta(days=365)),
    )  # fmt: skip
    html = _page(client_for("agent").get(norm.get_absolute_url()))
    assert "Aide sociale à l&#x27;enfance" in html and "Facilitator" in html
    assert "Keep it" in html and "Elle a fait ses preuves." in html and "Denis Marceau" in html
    # Every status it went through, with who: proposed under debate, then made permanent.
    history = html.split("Status history")[1]
    assert "Made permanent" in history and "Under debate" in history
    assert "Célia Navarro" in history and "Denis Marceau" in history


def test_the_page_hands_the_consultation_to_its_panel(client_for, agent, facilitator) -> None:
    norm = make_norm(by=agent)
    consultation = make_consultation(norm=norm, by=facilitator)
    response = client_for("agent").get(norm.get_absolute_url())
    assert response.context["consultation"] == consultation
    assert response.context["norm"] == norm and response.context["request"]
    assert consultation.question in response.content.decode()


def test_a_facilitator_puts_a_norm_in_force_up_for_debate(client_for, agent, facilitator):
    norm = make_norm(by=agent, status=NormStatus.TEMPORARY)
    assert "Put it up for debate" not in _page(client_for("agent").get(norm.get_absolute_url()))
    client = client_for("facilitator")
    assert "Put it up for debate" in _page(client.get(norm.get_absolute_url()))
    client.post(reverse("norms:put-to-debate", args=[norm.pk]))
    norm.refresh_from_db()
    assert norm.status == NormStatus.DEBATE
    assert StatusChange.objects.filter(norm=norm, after=NormStatus.DEBATE, by=facilitator).exists()
    # Twice: refused with its reason, nothing recorded.
    response = client.post(reverse("norms:put-to-debate", args=[norm.pk]), follow=True)
    assert "cannot be put up for debate in its current status" in response.content.decode()
    assert StatusChange.objects.filter(norm=norm).count() == 2


def test_follow_toggles(client_for, agent, facilitator) -> None:
    norm = make_norm(by=agent)
    client = client_for("facilitator")
    client.post(reverse("norms:follow", args=[norm.pk]))
    assert "Stop following" in _page(client.get(norm.get_absolute_url()))
    client.post(reverse("norms:follow", args=[norm.pk]))
    assert "Stop following" not in _page(client.get(norm.get_absolute_url()))


def test_link_an_initiative_and_a_cooperation(client_for, agent) -> None:
    norm = make_norm(by=agent)
    initiative = _needs_authorisation(agent)
    coop = _coop(agent)
    client = client_for("moderator")
    response = client.post(
        reverse("norms:link", args=[norm.pk]),
        {
            "initiative": f"https://riposte.example/initiatives/{initiative.pk}/",
            "cooperation": f"#{coop.pk}",
        },
    )
    assert response["Location"] == f"{norm.get_absolute_url()}#evidence"
    assert list(norm.initiatives.all()) == [initiative]
    assert list(norm.cooperations.all()) == [coop]
    html = _page(client.get(norm.get_absolute_url()))
    assert "1 initiative relied on it" in html and "1 cooperation relied on it" in html
    assert f'href="{coop.get_absolute_url()}">{coop.title}' in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Give an initiative or a cooperation."),
        ({"initiative": "abc"}, "Give its number or the address of its page."),
        ({"initiative": "999999"}, "No published initiative has this number."),
        ({"cooperation": "999999"}, "No cooperation has this number."),
    ],
)
def test_a_bad_link_is_refused_with_its_reason(client_for, agent, data, message) -> None:
    norm = make_norm(by=agent)
    response = client_for("agent").post(reverse("norms:link", args=[norm.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not norm.initiatives.exists() and not norm.cooperations.exists()


def test_a_draft_or_a_suggestion_is_not_linked(client_for, agent, facilitator) -> None:
    norm = make_norm(by=agent)
    draft = _needs_authorisation(facilitator, submit=False)
    response = client_for("agent").post(
        reverse("norms:link", args=[norm.pk]), {"initiative": str(draft.pk)}
    )
    assert response.status_code == 400
    coop = _coop(agent)
    Cooperation.objects.filter(pk=coop.pk).update(status="suggested")
    response = client_for("agent").post(
        reverse("norms:link", args=[norm.pk]), {"cooperation": str(coop.pk)}
    )
    assert response.status_code == 400 and not norm.cooperations.exists()


# --- the admin: secret ballots stay secret -------------------------------------------------------


def test_the_admin_never_shows_a_secret_ballot(client_for, agent, facilitator, moderator):
    norm = make_norm(by=agent)
    consultation = make_consultation(norm=norm, by=facilitator, secret=True)
    vote_cast(consultation=consultation, agent=moderator, choice=Choice.AGAINST)
    vote_cast(consultation=consultation, agent=agent, choice=Choice.FOR)
    admin = client_for("admin")
    assert admin.get("/admin/norms/ballot/").status_code == 404
    assert admin.get("/admin/norms/voter/").status_code == 404
    listing = _page(admin.get("/admin/norms/consultation/"))
    page = _page(admin.get(f"/admin/norms/consultation/{consultation.pk}/change/"))
    for html in (listing, page):
        assert consultation.question in html
        for name in ("Morgane", "Tixier", "Célia", "Navarro"):
            assert name not in html
        assert "contre" not in html and "Against" not in html
    assert re.search(r"Turnout \(number of voters\):</label>\s*<div class=\"readonly\">2<", page)
    close(consultation)
    # Nothing to add, change or delete: the records are the services'.
    assert admin.post(f"/admin/norms/consultation/{consultation.pk}/delete/").status_code == 403
    assert _page(admin.get(f"/admin/norms/norm/{norm.pk}/change/"))
    assert admin.get("/admin/norms/norm/add/").status_code == 403


def test_a_withdrawn_norm_leaves_the_need_open_to_a_new_proposal(client_for, agent) -> None:
    initiative = _needs_authorisation(agent)
    norm = make_norm(by=agent, title="Contacter une association")
    norm.initiatives.add(initiative)
    client = client_for("agent")
    assert "In the register: “Contacter une association”" in _page(
        client.get(initiative.get_absolute_url())
    )

    Norm.objects.filter(pk=norm.pk).update(status=NormStatus.WITHDRAWN)

    page = _page(client.get(initiative.get_absolute_url()))
    assert "Propose this authorisation to the register" in page
