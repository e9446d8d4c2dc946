"""The directory import: all or nothing, idempotent on e-mail, a per-row report, a dry run.

Every refused file is checked twice: the report names the line, the column and the reason, and the
directory (agents, their skills and support profiles) is exactly what it was before.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from riposte.core.models import AuditEntry
from riposte.directory.importer import ImportReport, directory_import
from riposte.directory.models import (
    Agent,
    AgentSupportProfile,
    Commune,
    Role,
    Service,
    Site,
    Skill,
)

HEADER = "email,first_name,last_name,service_code,job_title,site,phone,role,skills,support_profiles"
GOOD_ROWS = [
    "nadia.haddad@example.org,Nadia,Haddad,DEF-01,Éducatrice,Hôtel du Département,01 43 93 93 93,"
    "facilitator,Médiation|Arabe,design|legal",
    "bruno.keita@example.org,Bruno,Keita,DEF-02,Juriste,,,,,",
    "chloe.roux@example.org,Chloé,Roux,DEF-02,,site bobigny,,moderator,Python,",
]


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False, newline: str = "\n") -> bytes:
    text = newline.join([header, *rows]) + newline
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def snapshot() -> tuple[list, list, list, list]:
    """All an import may write: agents (every column), skill links, skills, support profiles."""
    through = Agent.skills.through
    return (
        list(Agent.objects.order_by("pk").values()),
        list(through.objects.order_by("pk").values()),
        list(Skill.objects.order_by("pk").values()),
        list(AgentSupportProfile.objects.order_by("pk").values()),
    )


def where(report: ImportReport) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in report.errors]


@pytest.fixture
def directory(service, admin_agent) -> dict[str, object]:
    """Two services under one direction, two sites, and one agent already in the directory."""
    other = Service.objects.create(
        code="DEF-02", name="PMI", level="service", parent=service.parent
    )
    commune = Commune.objects.order_by("insee_code").first()
    assert commune is not None, "the communes are loaded by a migration"
    hotel = Site.objects.create(name="Hôtel du Département", commune=commune)
    bobigny = Site.objects.create(name="Site Bobigny", commune=commune)
    existing = Agent.objects.create_user(
        "existing@example.org", None, first_name="Eva", last_name="Durand", service=service
    )
    existing.skills.add(Skill.objects.create(name="Tableurs"))
    AgentSupportProfile.objects.create(agent=existing, profile="data")
    return {
        "service": service,
        "other": other,
        "hotel": hotel,
        "bobigny": bobigny,
        "existing": existing,
    }


# --- a good file ---------------------------------------------------------------------------------


def test_good_file_creates_agents_with_skills_profiles_site_and_role(directory, admin_agent):
    report = directory_import(data=csv_bytes(*GOOD_ROWS), actor=admin_agent)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    nadia = Agent.objects.get(email="nadia.haddad@example.org")
    assert (nadia.first_name, nadia.last_name, nadia.job_title, nadia.phone) == (
        "Nadia",
        "Haddad",
        "Éducatrice",
        "01 43 93 93 93",
    )
    assert nadia.service == directory["service"]
    assert nadia.site == directory["hotel"]
    assert nadia.role == Role.FACILITATOR
    assert sorted(s.name for s in nadia.skills.all()) == ["Arabe", "Médiation"]
    assert sorted(p.profile for p in nadia.support_profiles.all()) == ["design", "legal"]
    # Imported agents log in through ProConnect or a reset: never with a password from a file.
    assert not nadia.has_usable_password()
    # The search copy is maintained on the bulk path too.
    assert "nadia" in nadia.search_text and "haddad" in nadia.search_text

    bruno = Agent.objects.get(email="bruno.keita@example.org")
    assert bruno.role == Role.AGENT  # an empty role is the default role
    assert bruno.site is None
    assert list(bruno.skills.all()) == []
    assert not bruno.support_profiles.exists()

    chloe = Agent.objects.get(email="chloe.roux@example.org")
    assert chloe.site == directory["bobigny"]  # site names match regardless of case
    assert chloe.role == Role.MODERATOR
    # The agent who was already there is untouched.
    assert Agent.objects.get(email="existing@example.org").first_name == "Eva"


def test_semicolon_delimiter_bom_and_crlf_are_read(directory):
    rows = [r.replace(",", ";") for r in GOOD_ROWS]
    data = csv_bytes(*rows, header=HEADER.replace(",", ";"), bom=True, newline="\r\n")

    report = directory_import(data=data)

    assert report.ok, report.errors
    assert report.created == 3
    nadia = Agent.objects.get(email="nadia.haddad@example.org")
    assert nadia.phone == "01 43 93 93 93"
    assert nadia.support_profiles.count() == 2


def test_header_names_are_case_insensitive_and_emails_lower_cased(directory):
    data = csv_bytes(
        "Mixed.Case@Example.org,Ana,Lopez,DEF-01", header="EMAIL,First_Name,last_name,Service_Code"
    )

    report = directory_import(data=data)

    assert report.ok, report.errors
    assert Agent.objects.filter(email="mixed.case@example.org").exists()


def test_importing_the_same_file_again_changes_nothing(directory, admin_agent):
    data = csv_bytes(*GOOD_ROWS)
    assert directory_import(data=data, actor=admin_agent).created == 3
    before = snapshot()

    report = directory_import(data=data, actor=admin_agent)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    # Same rows, same ids: skill links and profiles were not deleted and re-created either.
    assert snapshot() == before


def test_a_changed_row_updates_that_agent_only(directory, admin_agent):
    assert directory_import(data=csv_bytes(*GOOD_ROWS), actor=admin_agent).ok
    before = {a["email"]: a for a in snapshot()[0]}
    others_links = list(
        Agent.skills.through.objects.exclude(agent__email="bruno.keita@example.org")
        .order_by("pk")
        .values()
    )
    changed = GOOD_ROWS[:]
    changed[1] = (
        "bruno.keita@example.org,Bruno,Keita,DEF-01,"
        "Juriste principal,Site Bobigny,,,Droit social,legal"
    )

    report = directory_import(data=csv_bytes(*changed), actor=admin_agent)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    after = {a["email"]: a for a in snapshot()[0]}
    assert set(after) == set(before)
    for email, row in after.items():
        if email != "bruno.keita@example.org":
            assert row == before[email], email
    bruno = Agent.objects.get(email="bruno.keita@example.org")
    assert bruno.service == directory["service"]
    assert bruno.job_title == "Juriste principal"
    assert bruno.site == directory["bobigny"]
    assert [s.name for s in bruno.skills.all()] == ["Droit social"]
    assert [p.profile for p in bruno.support_profiles.all()] == ["legal"]
    assert "juriste principal" in bruno.search_text
    # The other agents' skill links were left in place, not re-created.
    assert (
        list(
            Agent.skills.through.objects.exclude(agent__email="bruno.keita@example.org")
            .order_by("pk")
            .values()
        )
        == others_links
    )


def test_removing_a_skill_or_profile_in_the_file_removes_it(directory):
    assert directory_import(data=csv_bytes(GOOD_ROWS[0])).ok
    row = GOOD_ROWS[0].replace("Médiation|Arabe", "Arabe").replace("design|legal", "")

    report = directory_import(data=csv_bytes(row))

    assert report.updated == 1
    nadia = Agent.objects.get(email="nadia.haddad@example.org")
    assert [s.name for s in nadia.skills.all()] == ["Arabe"]
    assert not nadia.support_profiles.exists()


def test_an_absent_optional_column_keeps_what_the_directory_holds(directory, admin_agent):
    """An HR export has no role nor skills: importing it must not demote the administrators nor wipe
    the skills and profiles agents entered on their profile page."""
    existing = directory["existing"]
    Agent.objects.filter(pk=existing.pk).update(
        role=Role.FACILITATOR, site=directory["hotel"], job_title="Designer", phone="0102030405"
    )
    data = csv_bytes(
        "existing@example.org,Eva,Durand-Petit,DEF-02",
        "adrien@example.org,Adrien,Colas,DEF-01",
        "new@example.org,Nina,Nouvelle,DEF-01",
        header="email,first_name,last_name,service_code",
    )

    report = directory_import(data=data, actor=admin_agent)

    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    existing.refresh_from_db()
    assert (existing.last_name, existing.service) == ("Durand-Petit", directory["other"])
    assert existing.role == Role.FACILITATOR
    assert existing.site == directory["hotel"]
    assert (existing.job_title, existing.phone) == ("Designer", "0102030405")
    assert [s.name for s in existing.skills.all()] == ["Tableurs"]
    assert [p.profile for p in existing.support_profiles.all()] == ["data"]
    admin_agent.refresh_from_db()
    assert admin_agent.role == Role.ADMIN
    new = Agent.objects.get(email="new@example.org")
    assert (new.role, new.site, new.job_title) == (Role.AGENT, None, "")


def test_an_empty_cell_in_a_present_column_clears_the_value(directory):
    existing = directory["existing"]
    Agent.objects.filter(pk=existing.pk).update(role=Role.FACILITATOR, site=directory["hotel"])

    report = directory_import(data=csv_bytes("existing@example.org,Eva,Durand,DEF-01,,,,,,"))

    assert report.updated == 1
    existing.refresh_from_db()
    assert (existing.role, existing.site) == (Role.AGENT, None)
    assert not existing.skills.exists()
    assert not existing.support_profiles.exists()


def test_dry_run_reports_the_counts_and_writes_nothing(directory, admin_agent):
    before = snapshot()
    audits = AuditEntry.objects.count()
    rows = [*GOOD_ROWS, "existing@example.org,Eva,Durand-Petit,DEF-01,,,,,,"]

    report = directory_import(data=csv_bytes(*rows), actor=admin_agent, dry_run=True)

    assert report.ok, report.errors
    assert report.dry_run
    assert (report.created, report.updated, report.unchanged) == (3, 1, 0)
    assert snapshot() == before
    assert AuditEntry.objects.count() == audits
    with translation.override("en"):
        assert "3 created, 1 updated, 0 unchanged" in report.summary()


def test_an_import_is_audited_with_its_counts(directory, admin_agent):
    directory_import(data=csv_bytes(*GOOD_ROWS), actor=admin_agent)

    entry = AuditEntry.objects.get(action="directory.import")
    assert entry.actor == admin_agent
    assert entry.changes == {"created": 3, "updated": 0, "unchanged": 0}


def test_six_thousand_rows_import_in_one_go(directory, django_assert_max_num_queries):
    """Far more rows than SQLite's bound-variable limit: the importer batches its queries."""
    rows = [
        f"agent{i:05d}@example.org,Prénom{i},Nom{i},{'DEF-01' if i % 2 else 'DEF-02'},,,,,"
        f"Compétence {i % 7}|Tableurs,{'data' if i % 3 == 0 else ''}"
        for i in range(6000)
    ]

    # Batched, not one query per row.
    with django_assert_max_num_queries(400):
        report = directory_import(data=csv_bytes(*rows))

    assert report.ok, report.errors[:3]
    assert report.created == 6000
    assert Agent.objects.filter(email__startswith="agent").count() == 6000
    assert Agent.skills.through.objects.filter(agent__email__startswith="agent").count() == 12000
    assert AgentSupportProfile.objects.filter(agent__email__startswith="agent").count() == 2000
    # And the second pass over the same 6,000 rows compares without writing.
    again = directory_import(data=csv_bytes(*rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6000)


# --- bad files: refused, with where and why, and the directory untouched --------------------------

BAD_FILES = {
    "missing column": (
        csv_bytes("a@example.org,Ana,Lopez", header="email,first_name,last_name"),
        [(1, "service_code")],
        "service_code",
    ),
    "bad e-mail": (
        csv_bytes(GOOD_ROWS[0], "not-an-email,Ana,Lopez,DEF-01,,,,,,"),
        [(3, "email")],
        "not-an-email",
    ),
    "unknown service": (
        csv_bytes(GOOD_ROWS[0], "ana@example.org,Ana,Lopez,NOPE-99,,,,,,"),
        [(3, "service_code")],
        "NOPE-99",
    ),
    "duplicate e-mail": (
        csv_bytes(
            GOOD_ROWS[1],
            "ana@example.org,Ana,Lopez,DEF-01,,,,,,",
            "ana@example.org,Anna,Lopez,DEF-01,,,,,,",
        ),
        [(4, "email")],
        "3",
    ),
    "duplicate e-mail differing by case": (
        csv_bytes(
            "ana@example.org,Ana,Lopez,DEF-01,,,,,,", "Ana@Example.ORG,Anna,Lopez,DEF-02,,,,,,"
        ),
        [(3, "email")],
        "2",
    ),
    "unknown role": (
        csv_bytes("ana@example.org,Ana,Lopez,DEF-01,,,,superuser,,"),
        [(2, "role")],
        "superuser",
    ),
    "unknown support profile": (
        csv_bytes("ana@example.org,Ana,Lopez,DEF-01,,,,,,design|astrology"),
        [(2, "support_profiles")],
        "astrology",
    ),
    "unknown site": (
        csv_bytes("ana@example.org,Ana,Lopez,DEF-01,,Tour Eiffel,,,,"),
        [(2, "site")],
        "Tour Eiffel",
    ),
    "wrong number of fields": (
        csv_bytes(GOOD_ROWS[0], "ana@example.org,Ana,Lopez,DEF-01,,,,,,,extra"),
        [(3, "")],
        "11",
    ),
    "missing first name": (
        csv_bytes("ana@example.org,,Lopez,DEF-01,,,,,,"),
        [(2, "first_name")],
        "",
    ),
    "empty file": (b"", [(1, "")], ""),
    "header only": (csv_bytes(), [(2, "")], ""),
    "blank lines only after the header": (csv_bytes(",,,,,,,,,", ""), [(2, "")], ""),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_refused_with_a_per_row_error_and_nothing_changes(kind, directory, admin_agent):
    data, expected_where, mentioned = BAD_FILES[kind]
    before = snapshot()
    audits = AuditEntry.objects.count()

    report = directory_import(data=data, actor=admin_agent)

    assert not report.ok
    assert where(report) == expected_where
    assert all(e.reason for e in report.errors)
    assert mentioned in report.errors[0].reason
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert snapshot() == before
    assert AuditEntry.objects.count() == audits


def test_wrong_encoding_is_refused_with_the_line_of_the_first_unreadable_byte(directory):
    data = "\n".join(
        [HEADER, GOOD_ROWS[1], "helene@example.org,Hélène,Bérard,DEF-01,,,,,,"]
    ).encode("latin-1")
    before = snapshot()

    report = directory_import(data=data)

    assert where(report) == [(3, "")]
    with translation.override("en"):
        assert "UTF-8" in str(report.errors[0])
    assert snapshot() == before


def test_a_file_mixing_good_and_bad_rows_imports_nothing(directory, admin_agent):
    rows = [
        *GOOD_ROWS,
        "bad-email,Ana,Lopez,DEF-01,,,,,,",
        "existing@example.org,Eva,Durand-Petit,DEF-02,,,,,,",
        "ana@example.org,Ana,Lopez,NOPE,,,,admin,,",
    ]
    before = snapshot()

    report = directory_import(data=csv_bytes(*rows), actor=admin_agent)

    # Every bad row is reported, not only the first one.
    assert where(report) == [(5, "email"), (7, "service_code")]
    assert snapshot() == before
    assert not Agent.objects.filter(email="nadia.haddad@example.org").exists()
    assert Agent.objects.get(email="existing@example.org").last_name == "Durand"


def test_a_file_over_the_size_limit_is_refused_before_reading(directory, settings):
    settings.IMPORT_MAX_BYTES = 200
    data = csv_bytes(*GOOD_ROWS)
    assert len(data) > 200
    before = snapshot()

    with translation.override("en"):
        report = directory_import(data=data)

    assert not report.ok
    assert len(report.errors) == 1
    assert report.errors[0].column == ""
    # The limit is stated in a unit that does not round it to "0 MB".
    assert report.errors[0].reason == "the file is larger than 200\xa0bytes."
    with translation.override("fr"):
        assert directory_import(data=data).errors[0].reason == "le fichier dépasse 200\xa0octets."
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    with translation.override("en"):
        assert "10.0\xa0MB" in directory_import(data=b"x" * (10 * 1024 * 1024 + 1)).errors[0].reason
    assert snapshot() == before
    # At the limit exactly, the file is accepted.
    settings.IMPORT_MAX_BYTES = len(data)
    assert directory_import(data=data).ok


def test_a_file_over_the_row_limit_is_refused(directory, settings):
    settings.IMPORT_MAX_ROWS = 2
    before = snapshot()

    report = directory_import(data=csv_bytes(*GOOD_ROWS))

    assert where(report) == [(4, "")]
    assert "2" in report.errors[0].reason
    assert snapshot() == before
    settings.IMPORT_MAX_ROWS = 3
    assert directory_import(data=csv_bytes(*GOOD_ROWS)).created == 3


def test_every_missing_required_column_is_named(directory):
    report = directory_import(data=csv_bytes("Ana", header="first_name"))

    assert where(report) == [(1, "email"), (1, "last_name"), (1, "service_code")]


def test_an_unknown_column_is_refused(directory):
    before = snapshot()

    report = directory_import(
        data=csv_bytes(
            "ana@example.org,Ana,Lopez,DEF-01,x",
            header="email,first_name,last_name,service_code,salary",
        )
    )

    assert where(report) == [(1, "salary")]
    assert snapshot() == before


def test_a_too_long_value_is_refused(directory):
    report = directory_import(data=csv_bytes(f"ana@example.org,Ana,{'L' * 101},DEF-01,,,,,,"))

    assert where(report) == [(2, "last_name")]


# --- the command line ----------------------------------------------------------------------------


def run_command(path, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_directory", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_command_imports_a_good_file(directory, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))

    out, err = run_command(path)

    assert "3 created, 0 updated, 0 unchanged" in out
    assert err == ""
    assert (
        Agent.objects.filter(
            email__in=["nadia.haddad@example.org", "chloe.roux@example.org"]
        ).count()
        == 2
    )


def test_command_dry_run_writes_nothing(directory, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    before = snapshot()

    out, _ = run_command(path, dry_run=True)

    assert "3 created" in out
    assert "Dry run" in out
    assert snapshot() == before


def test_command_refuses_a_bad_file_and_prints_each_error_on_stderr(directory, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(
        csv_bytes(
            GOOD_ROWS[0], "bad-email,Ana,Lopez,DEF-01,,,,,,", "ana@example.org,Ana,Lopez,NOPE,,,,,,"
        )
    )
    before = snapshot()
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError, match="2 error"):
        call_command("import_directory", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("line 3, column email:") and "bad-email" in lines[0]
    assert lines[1].startswith("line 4, column service_code:") and "NOPE" in lines[1]
    assert snapshot() == before


def test_command_refuses_a_file_too_big(directory, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 100
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS * 10))
    before = snapshot()

    with pytest.raises(CommandError):
        run_command(path)

    assert snapshot() == before


def test_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(tmp_path / "nowhere.csv")


# --- the admin page ------------------------------------------------------------------------------


def upload(client, data: bytes, *, dry_run: bool):
    form = {"file": SimpleUploadedFile("agents.csv", data, content_type="text/csv")}
    if dry_run:
        form["dry_run"] = "on"
    return client.post("/directory/import/", form)


def test_admin_page_refuses_a_bad_file_with_the_error_table(directory, client_for):
    client = client_for("admin")  # logging in writes last_login: before the snapshot
    before = snapshot()

    response = upload(
        client,
        csv_bytes(GOOD_ROWS[0], "ana@example.org,Ana,Lopez,NOPE-99,,,,,,"),
        dry_run=False,
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "<table>" in html
    assert "<td>3</td><td>service_code</td>" in html
    assert "NOPE-99" in html
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="directory.import").exists()


def test_admin_page_refuses_an_empty_file(directory, client_for):
    client = client_for("admin")
    before = snapshot()

    response = upload(client, b"", dry_run=False)

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert 'id="error-summary"' in response.content.decode()
    assert snapshot() == before


def test_admin_page_dry_run_writes_nothing(directory, client_for):
    client = client_for("admin")
    before = snapshot()

    response = upload(client, csv_bytes(*GOOD_ROWS), dry_run=True)

    assert response.status_code == 200
    assert snapshot() == before
    assert response.context["report"].created == 3
    assert response.context["report"].dry_run


def test_admin_page_imports_a_good_file_and_audits_it(directory, client_for, admin_agent):
    response = upload(client_for("admin"), csv_bytes(*GOOD_ROWS), dry_run=False)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and not report.dry_run
    assert Agent.objects.filter(email__in=[r.split(",")[0] for r in GOOD_ROWS]).count() == 3
    entry = AuditEntry.objects.get(action="directory.import")
    assert entry.actor == admin_agent
    assert entry.changes == {"created": 3, "updated": 0, "unchanged": 0}


def test_a_repeated_column_is_refused(db, service) -> None:
    data = (
        b"email,first_name,last_name,service_code,email\na@example.org,A,B,DEF-01,b@example.org\n"
    )
    report = directory_import(data=data)
    assert not report.ok
    assert [(e.line, e.column) for e in report.errors] == [(1, "email")]
    assert not Agent.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()
