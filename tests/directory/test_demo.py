"""`riposte demo`: a fictional département, the same for a seed, with one login per role."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.validators import validate_email
from django.test import Client

from riposte.core.text import fold
from riposte.directory.demo import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DIRECTIONS,
    LAST_NAMES,
    ROLE_LOGINS,
    SIZES,
)
from riposte.directory.models import Agent, Role, Service, Site, Skill

# The participants of the workshop the project comes from (seed/000_f0a0679e929ec49b.txt): real
# people, who must not appear as invented agents.
WORKSHOP_SURNAMES = [
    "Préaud", "Ruffin", "Fleury", "Maire", "Bouguettaya", "Cazaunau", "Cupit", "Hedouin", "Granier",
]  # fmt: skip


def demo(**options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, verbosity=0, **options)
    return out.getvalue()


def people() -> set[tuple[str, str, str]]:
    return set(Agent.objects.values_list("email", "first_name", "last_name"))


def everything() -> tuple[list, ...]:
    return (
        list(
            Agent.objects.order_by("email").values_list(
                "email",
                "first_name",
                "last_name",
                "job_title",
                "service__code",
                "site__name",
                "role",
                "password",
            )
        ),
        list(Service.objects.order_by("code").values_list("code", "name", "level", "parent__code")),
        list(Site.objects.order_by("name").values_list("name", "address", "commune__insee_code")),
        sorted(Agent.skills.through.objects.values_list("agent__email", "skill__name")),
        sorted(
            Agent.objects.filter(support_profiles__isnull=False).values_list(
                "email", "support_profiles__profile"
            )
        ),
    )


@pytest.fixture
def small_demo(db) -> str:
    return demo(size="small", seed=93)


def test_small_demo_builds_about_300_agents_on_a_direction_service_tree(small_demo):
    assert Agent.objects.count() == SIZES["small"].agents == 300
    directions = Service.objects.filter(level=Service.Level.DIRECTION)
    services = Service.objects.filter(level=Service.Level.SERVICE)
    assert directions.count() == len(DIRECTIONS)
    assert services.count() == sum(len(children) for _, _, children in DIRECTIONS)
    assert not Service.objects.filter(level=Service.Level.UNIT).exists()  # small: no units
    assert not directions.filter(parent__isnull=False).exists()
    assert set(services.values_list("parent__level", flat=True)) == {Service.Level.DIRECTION}
    for service in services.select_related("parent"):
        assert service.code.startswith(service.parent.code + "-")
    # Everybody works somewhere: the agents on services, the decision-maker heads a direction.
    assert not Agent.objects.filter(service__isnull=True).exists()
    assert set(
        Agent.objects.exclude(role=Role.DECISION_MAKER).values_list("service__level", flat=True)
    ) == {Service.Level.SERVICE}
    assert Site.objects.count() == SIZES["small"].sites
    assert not Agent.objects.filter(site__isnull=True).exists()
    assert Skill.objects.exists()
    assert "300 agents" in small_demo


def test_every_agent_has_a_valid_unique_email_and_a_search_text(small_demo):
    emails = list(Agent.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails))
    for email in emails:
        validate_email(email)
        assert email.endswith("@" + DEMO_DOMAIN)
        assert email == email.lower() and email.isascii()
    assert not Agent.objects.filter(search_text="").exists()


def test_one_login_per_role_with_the_demo_password(small_demo):
    assert {role for role, *_ in ROLE_LOGINS} == set(Role.values)
    for role, key, first, last, _job in ROLE_LOGINS:
        email = f"{key}@{DEMO_DOMAIN}"
        assert f"{email}" in small_demo  # printed at the end of the command
        agent = Agent.objects.get(email=email)
        assert (agent.role, agent.first_name, agent.last_name) == (role, first, last)
        client = Client()
        response = client.post("/auth/login/", {"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, role
        assert client.get("/").status_code == 200
    assert DEMO_PASSWORD in small_demo
    # Only the role logins have a password; the other agents cannot log in with one.
    with_password = [a.email for a in Agent.objects.all() if a.has_usable_password()]
    assert sorted(with_password) == sorted(f"{key}@{DEMO_DOMAIN}" for _, key, *_ in ROLE_LOGINS)
    someone = Agent.objects.exclude(email__in=with_password).first()
    assert someone is not None
    assert not Client().login(email=someone.email, password=DEMO_PASSWORD)


def test_the_same_seed_gives_the_same_directory(db):
    demo(size="small", seed=5)
    first = everything()
    first_people = people()

    demo(size="small", seed=5, reset=True)

    assert people() == first_people
    # Passwords are salted: compare everything else.
    assert [row[:-1] for row in everything()[0]] == [row[:-1] for row in first[0]]
    assert everything()[1:] == first[1:]


def test_another_seed_gives_another_directory(db):
    demo(size="small", seed=5)
    first = people()

    demo(size="small", seed=6, reset=True)

    second = people()
    assert len(second) == len(first) == 300
    role_logins = {p for p in first if p[0].split("@")[0] in {key for _, key, *_ in ROLE_LOGINS}}
    assert len(role_logins) == 5
    # Apart from the fixed role logins, the two directories share (almost) nobody.
    assert len((first & second) - role_logins) < 30


def test_running_again_without_reset_leaves_the_data_as_it_is(small_demo):
    before = everything()

    output = demo(size="small", seed=1)

    assert "already has data" in output
    assert everything() == before
    assert Agent.objects.count() == 300


def test_reset_rebuilds_without_duplicates(small_demo):
    demo(size="small", seed=93, reset=True)

    assert Agent.objects.count() == 300
    assert Service.objects.filter(level=Service.Level.DIRECTION).count() == len(DIRECTIONS)


def test_no_workshop_participant_appears_as_a_last_name(db):
    invented = set(LAST_NAMES) | {last for *_, last, _job in ROLE_LOGINS}
    # Compared without case nor accents ("Hédouin" is "Hedouin"), and part by part ("Maire-Roux").
    parts = {fold(part) for name in invented for part in name.replace("-", " ").split()}
    for surname in WORKSHOP_SURNAMES:
        assert fold(surname) not in parts, surname
    for seed in (1, 93):
        demo(size="small", seed=seed, reset=True)
        built = set(Agent.objects.values_list("last_name", flat=True))
        assert built <= invented
        assert not built & set(WORKSHOP_SURNAMES)


def test_last_names_are_whole_names(small_demo):
    """A compound surname stays one name ("Da Silva"), it is not split into "Da" and "Silva"."""
    assert "Da Silva" in LAST_NAMES
    assert not {"Da", "Silva"} & set(LAST_NAMES)
    assert len(LAST_NAMES) == len(set(LAST_NAMES))
    built = set(Agent.objects.values_list("last_name", flat=True))
    assert built <= set(LAST_NAMES) | {last for *_, last, _job in ROLE_LOGINS}


def test_the_size_table():
    small, full = SIZES["small"], SIZES["full"]
    assert (small.agents, full.agents) == (300, 8000)
    assert full.units_per_service > 0 and full.sites > small.sites
    # full: "100+ services" as the command's help says, directions, services and units together.
    services = sum(len(children) for _, _, children in DIRECTIONS)
    assert len(DIRECTIONS) + services * (1 + full.units_per_service) >= 100
    codes = [code for code, _, _ in DIRECTIONS]
    assert len(codes) == len(set(codes))
