"""The directory pages: search, agent, service, the agent's own profile, personal tokens."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape
from django.utils.translation import override

from riposte.core.models import AuditEntry
from riposte.directory.models import (
    Agent,
    AgentSupportProfile,
    ApiToken,
    Service,
    Skill,
    SupportProfile,
    hash_token,
)
from riposte.directory.services import api_token_create

AGENT_LINK = re.compile(r'href="/directory/agents/(\d+)/"')


def agent_links(response) -> list[int]:
    return [int(pk) for pk in AGENT_LINK.findall(response.content.decode())]


# --- search --------------------------------------------------------------------------------------


def test_search_ignores_accents_and_case(client_for, actors) -> None:
    client = client_for("facilitator")
    for q in ("celia", "CÉLIA", "Celia", "NAVARRO", "navarro célia"):
        response = client.get("/directory/", {"q": q})
        assert response.status_code == 200
        assert agent_links(response) == [actors["agent"].pk], q


def test_search_needs_every_word(client_for, actors) -> None:
    response = client_for("agent").get("/directory/", {"q": "celia lebon"})
    assert agent_links(response) == []
    assert response.context["page"].paginator.count == 0


def test_search_without_query_lists_active_agents(client_for, actors) -> None:
    actors["moderator"].is_active = False
    actors["moderator"].save()
    response = client_for("agent").get("/directory/")
    expected = sorted(
        (a for a in actors.values() if a is not None and a.is_active), key=lambda a: a.last_name
    )
    assert agent_links(response) == [a.pk for a in expected]
    assert actors["moderator"].pk not in agent_links(response)


def test_search_keeps_the_query_in_the_form(client_for, actors) -> None:
    response = client_for("agent").get("/directory/", {"q": '  "celia" '})
    assert response.context["query"] == '"celia"'
    assert 'value="&quot;celia&quot;"' in response.content.decode()


def test_htmx_search_returns_only_the_results(client_for, actors) -> None:
    client = client_for("agent")
    full = client.get("/directory/", {"q": "celia"}).content.decode()
    fragment = client.get(
        "/directory/", {"q": "celia"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert "<html" in full and 'id="results"' in full and 'role="search"' in full
    assert fragment.lstrip().startswith('<div id="results"')
    assert "<html" not in fragment
    assert "site-header" not in fragment
    assert 'role="search"' not in fragment
    assert f'href="/directory/agents/{actors["agent"].pk}/"' in fragment
    assert f'href="/directory/agents/{actors["facilitator"].pk}/"' not in fragment


@pytest.fixture
def archivists(service) -> list[Agent]:
    """35 agents found by one query: two pages of 30."""
    return [
        Agent.objects.create_user(
            f"archive{i:02}@example.org", None, last_name=f"Archiviste{i:02}", service=service
        )
        for i in range(35)
    ]


def test_search_is_paginated(client_for, archivists) -> None:
    client = client_for("agent")
    first = client.get("/directory/", {"q": "archiviste"})
    second = client.get("/directory/", {"q": "archiviste", "page": 2})

    assert agent_links(first) == [a.pk for a in archivists[:30]]
    assert agent_links(second) == [a.pk for a in archivists[30:]]
    assert 'href="?q=archiviste&amp;page=2"' in first.content.decode()
    assert 'href="?q=archiviste&amp;page=1"' in second.content.decode()
    assert "page=3" not in second.content.decode()


def test_pagination_survives_bad_page_numbers(client_for, archivists) -> None:
    client = client_for("agent")
    assert agent_links(client.get("/directory/", {"q": "archiviste", "page": 99})) == [
        a.pk for a in archivists[30:]
    ]
    assert agent_links(client.get("/directory/", {"q": "archiviste", "page": "x"})) == [
        a.pk for a in archivists[:30]
    ]


def test_htmx_pagination_keeps_to_the_fragment(client_for, archivists) -> None:
    response = client_for("agent").get(
        "/directory/", {"q": "archiviste", "page": 2}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.content.decode()
    assert agent_links(response) == [a.pk for a in archivists[30:]]


# --- agent page ----------------------------------------------------------------------------------


def test_agent_page_shows_service_chain_skills_and_support_profiles(
    client_for, agent, service
) -> None:
    unit = Service.objects.create(
        code="DEF-01-A", name="Accueil familial", level="unit", parent=service
    )
    agent.service = unit
    agent.job_title = "Assistante sociale"
    agent.save()
    agent.skills.set([Skill.objects.create(name="Médiation"), Skill.objects.create(name="Tableur")])
    AgentSupportProfile.objects.create(agent=agent, profile=SupportProfile.LEGAL)

    response = client_for("moderator").get(f"/directory/agents/{agent.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    chain = [
        f'<a href="/directory/services/DEF/">{escape("Direction de l'enfance")}</a>',
        f'<a href="/directory/services/DEF-01/">{escape("Aide sociale à l'enfance")}</a>',
        '<a href="/directory/services/DEF-01-A/">Accueil familial</a>',
    ]
    positions = [html.index(link) for link in chain]
    assert positions == sorted(positions)  # direction, then service, then unit
    assert "Assistante sociale" in html
    assert '<span class="tag">Médiation</span>' in html
    assert '<span class="tag">Tableur</span>' in html
    with override("fr"):
        assert f'<span class="tag">{SupportProfile.LEGAL.label}</span>' in html
    assert 'href="mailto:alice@example.org"' in html


def test_agent_page_of_inactive_agent_is_404(client_for, agent) -> None:
    agent.is_active = False
    agent.save()
    assert client_for("admin").get(f"/directory/agents/{agent.pk}/").status_code == 404


def test_agent_page_of_unknown_agent_is_404(client_for, actors) -> None:
    assert client_for("agent").get("/directory/agents/999999/").status_code == 404


# --- service page --------------------------------------------------------------------------------


def test_service_page(client_for, actors, service) -> None:
    Service.objects.create(code="DEF-01-A", name="Accueil familial", level="unit", parent=service)
    actors["moderator"].is_active = False
    actors["moderator"].save()

    response = client_for("agent").get("/directory/services/DEF-01/")

    assert response.status_code == 200
    html = response.content.decode()
    assert escape("Aide sociale à l'enfance") in html
    assert '<a href="/directory/services/DEF/">' in html  # its parent
    assert '<a href="/directory/services/DEF-01-A/">Accueil familial</a> (0 agent)' in html
    listed = agent_links(response)
    active = [a for a in actors.values() if a is not None and a.is_active]
    assert listed == [a.pk for a in sorted(active, key=lambda a: a.last_name)]


def test_direction_page_counts_agents_of_sub_services(client_for, actors) -> None:
    response = client_for("agent").get("/directory/services/DEF/")
    html = response.content.decode()
    assert "(5 agents)" in html
    assert agent_links(response) == []  # nobody directly in the direction


def test_unknown_service_is_404(client_for, actors) -> None:
    assert client_for("agent").get("/directory/services/NOPE/").status_code == 404


# --- profile -------------------------------------------------------------------------------------

VALID_PROFILE = {
    "job_title": "Chargée de mission",
    "phone": "02 99 00 00 00",
    "skills": "Urbanisme, tableur , Urbanisme,,",
    "support_profiles": ["design", "legal"],
    "email_frequency": "never",
    "language": "en",
}


def test_profile_page_shows_current_values(client_for, agent) -> None:
    agent.job_title = "Juriste"
    agent.save()
    agent.skills.set([Skill.objects.create(name="Droit public")])
    response = client_for("agent").get("/me/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["job_title"] == "Juriste"
    assert form.initial["skills"] == "Droit public"
    assert 'value="Juriste"' in response.content.decode()


def test_profile_edit(client_for, agent) -> None:
    client = client_for("agent")
    response = client.post("/me/", VALID_PROFILE)

    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert response.cookies["django_language"].value == "en"
    agent.refresh_from_db()
    assert agent.job_title == "Chargée de mission"
    assert agent.phone == "02 99 00 00 00"
    assert sorted(agent.skills.values_list("name", flat=True)) == ["Urbanisme", "tableur"]
    assert sorted(agent.support_profiles.values_list("profile", flat=True)) == ["design", "legal"]
    assert agent.email_frequency == "never"
    assert agent.language == "en"
    entry = AuditEntry.objects.get(action="agent.support_profiles")
    assert entry.changes == {"before": [], "after": ["design", "legal"]}
    # The new job title is searchable at once.
    assert Agent.objects.filter(search_text__contains="chargee de mission").get() == agent


def test_profile_edit_can_clear_skills_and_profiles(client_for, agent) -> None:
    client = client_for("agent")
    client.post("/me/", VALID_PROFILE)
    client.post("/me/", {**VALID_PROFILE, "skills": "", "support_profiles": []})
    agent.refresh_from_db()
    assert list(agent.skills.all()) == []
    assert list(agent.support_profiles.all()) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email_frequency", "weekly"),
        ("language", "de"),
        ("support_profiles", ["design", "hacking"]),
    ],
)
def test_profile_invalid_choice_changes_nothing(field: str, value, client_for, agent) -> None:
    response = client_for("agent").post("/me/", {**VALID_PROFILE, field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    agent.refresh_from_db()
    assert (agent.job_title, agent.email_frequency, agent.language) == ("", "daily", "fr")
    assert not agent.skills.exists()
    assert not agent.support_profiles.exists()


def test_profile_refuses_a_too_long_skill(client_for, agent) -> None:
    response = client_for("agent").post(
        "/me/", {**VALID_PROFILE, "skills": "Urbanisme, " + "x" * 101}
    )

    assert response.status_code == 200
    with override("fr"):
        assert response.context["form"].errors["skills"] == [
            "Une compétence est limitée à 100 caractères."
        ]
    agent.refresh_from_db()
    assert agent.job_title == ""
    assert not Skill.objects.exists()


def test_profile_accepts_a_skill_of_100_characters(client_for, agent) -> None:
    response = client_for("agent").post("/me/", {**VALID_PROFILE, "skills": "y" * 100})
    assert response.status_code == 302
    assert list(agent.skills.values_list("name", flat=True)) == ["y" * 100]


def test_profile_edits_only_ones_own_profile(client_for, agent, facilitator) -> None:
    client_for("facilitator").post("/me/", VALID_PROFILE)
    agent.refresh_from_db()
    facilitator.refresh_from_db()
    assert agent.job_title == ""
    assert facilitator.job_title == "Chargée de mission"


# --- tokens --------------------------------------------------------------------------------------

NEW_TOKEN = re.compile(r'id="new-token" readonly value="(rip_[^"]+)"')


def test_token_is_shown_once_and_only_its_hash_is_stored(client_for, agent) -> None:
    client = client_for("agent")
    response = client.post("/me/tokens/", {"name": "my script"})
    assert (response.status_code, response["Location"]) == (302, "/me/#tokens")

    page = client.get("/me/").content.decode()
    raw = NEW_TOKEN.search(page).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    assert token.agent == agent
    assert token.name == "my script"
    assert token.token_hash == hash_token(raw) != raw
    assert raw not in [str(v) for v in ApiToken.objects.values().get().values()]
    assert "my script" in page and f"{token.hint}…" in page

    again = client.get("/me/").content.decode()
    assert raw not in again
    assert NEW_TOKEN.search(again) is None
    assert "my script" in again  # still listed, by name and hint

    api = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me")
    assert api.status_code == 200
    assert api.json()["email"] == "alice@example.org"


def test_token_needs_a_name(client_for, agent) -> None:
    client = client_for("agent")
    response = client.post("/me/tokens/", {"name": ""}, follow=True)
    assert not ApiToken.objects.exists()
    assert NEW_TOKEN.search(response.content.decode()) is None
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_profile_lists_only_ones_own_active_tokens(client_for, agent, facilitator) -> None:
    api_token_create(agent=facilitator, name="fanny-secret-script")
    revoked, _raw = api_token_create(agent=agent, name="old-script")
    revoked.revoked_at = revoked.created_at
    revoked.save()
    api_token_create(agent=agent, name="live-script")

    page = client_for("agent").get("/me/").content.decode()

    assert "live-script" in page
    assert "old-script" not in page
    assert "fanny-secret-script" not in page


def test_revoke_own_token(client_for, agent) -> None:
    token, raw = api_token_create(agent=agent, name="script")
    response = client_for("agent").post(f"/me/tokens/{token.pk}/revoke/")

    assert (response.status_code, response["Location"]) == (302, "/me/#tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").status_code == 401


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_cannot_revoke_somebody_elses_token(role: str, client_for, agent, actors) -> None:
    token, raw = api_token_create(agent=agent, name="script")

    response = client_for(role).post(f"/me/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").status_code == 200


# --- `riposte token create` ----------------------------------------------------------------------


def test_token_command_prints_a_working_token(agent) -> None:
    out, err = StringIO(), StringIO()
    call_command("token", "create", "Alice@Example.org", "--name", "cron", stdout=out, stderr=err)

    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("rip_") and " " not in raw
    assert raw not in err.getvalue()
    assert "alice@example.org" in err.getvalue()
    token = ApiToken.objects.get(agent=agent)
    assert (token.name, token.token_hash) == ("cron", hash_token(raw))
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me")
    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.org"


def test_token_command_refuses_an_unknown_email(agent) -> None:
    with pytest.raises(CommandError):
        call_command("token", "create", "nobody@example.org", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_token_command_refuses_an_inactive_agent(agent) -> None:
    agent.is_active = False
    agent.save()
    with pytest.raises(CommandError):
        call_command("token", "create", agent.email, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_agent_page_lists_what_the_agent_takes_part_in(client_for, agent, service) -> None:
    from riposte.core.comments import comment_create

    page = client_for("facilitator").get(f"/directory/agents/{agent.pk}/").content.decode()
    assert "Rien pour l'instant." in page
    comment_create(author=agent, target=service, body="Bonne idée")
    comment_create(author=agent, target=service, body="Je m'en occupe")
    page = client_for("facilitator").get(f"/directory/agents/{agent.pk}/").content.decode()
    assert "2 commentaires" in page
