"""The list as CSV and ODS: the same initiatives as the page with the same filters, safe cells."""

import csv
import io

import tablib

from riposte.initiatives import exports
from riposte.initiatives.services import (
    InitiativeData,
    help_request_open,
    initiative_create,
    support_toggle,
)
from tests.initiatives.builders import colleague


def _publish(agent, title: str, **fields) -> None:
    data = InitiativeData(
        title=title, problem="Un problème.", idea="Une idée.", whole_department=True, **fields
    )
    initiative_create(author=agent, data=data, submit=True)


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_the_filtered_list(client_for, agent):
    _publish(agent, "Des vélos pour les visites", needs_budget=True)
    _publish(agent, "Un registre pour les canicules")
    response = client_for("facilitator").get("/initiatives/export.csv?need=budget")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert len(rows) == 2  # the header and the one initiative that needs a budget
    assert rows[1][1] == "Des vélos pour les visites"
    assert rows[1][-1].endswith("/initiatives/" + rows[1][0] + "/")


def test_a_title_is_never_a_formula(client_for, agent):
    _publish(agent, '=HYPERLINK("http://evil.example", "clic")')
    rows = _csv_rows(client_for("agent").get("/initiatives/export.csv"))
    assert rows[1][1].startswith("'=")


def test_ods_opens_with_the_same_rows(client_for, agent):
    _publish(agent, "Des vélos pour les visites")
    response = client_for("agent").get("/initiatives/export.ods")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    book = tablib.Dataset().load(response.content, format="ods")
    assert book.height == 1 and book[0][1] == "Des vélos pour les visites"


def test_an_ods_too_large_sends_back_to_the_list_with_a_message(client_for, agent, monkeypatch):
    monkeypatch.setattr(exports, "ODS_MAX_ROWS", 1)
    _publish(agent, "Une")
    _publish(agent, "Deux")
    response = client_for("agent").get("/initiatives/export.ods?stage=reperee")
    assert response.status_code == 302
    assert response["Location"] == "/initiatives/?stage=reperee"


def test_other_formats_do_not_exist(client_for):
    assert client_for("agent").get("/initiatives/export.xlsx").status_code == 404


def test_others_drafts_are_not_exported(client_for, agent):
    initiative_create(author=agent, data=InitiativeData(title="Brouillon secret"), submit=False)
    rows = _csv_rows(client_for("facilitator").get("/initiatives/export.csv"))
    assert [r[1] for r in rows[1:]] == []


def test_sorted_by_supports_the_export_keeps_the_pages_order(client_for, agent):
    """Supports are counted once each, even with the export's count of help requests beside."""
    one = initiative_create(
        author=agent,
        data=InitiativeData(title="Une", problem="P.", idea="I.", whole_department=True),
        submit=True,
    )
    two = initiative_create(
        author=agent,
        data=InitiativeData(title="Deux", problem="P.", idea="I.", whole_department=True),
        submit=True,
    )
    for n in range(2):
        support_toggle(initiative=one, agent=colleague(f"fan{n}@example.org"))
    support_toggle(initiative=two, agent=colleague("fan9@example.org"))
    for profile in ("design", "legal", "data"):
        help_request_open(initiative=two, by=agent, profile=profile)
    rows = _csv_rows(client_for("agent").get("/initiatives/export.csv?sort=supports"))
    assert [r[1] for r in rows[1:]] == ["Une", "Deux"]
    assert [r[8] for r in rows[1:]] == ["2", "1"]
