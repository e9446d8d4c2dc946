"""The workshop's report (riposte/workshops/report.py and its layouts): its structure, the Markdown,
the timeline, the PDF and the DOCX, the pages and the API endpoint that serve them.

Who may reach each URL is in access_report.py (the access tables); here, what comes back."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import docx
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from markdown_it import MarkdownIt

from riposte.directory.services import api_token_create
from riposte.workshops import board, milestones, rules
from riposte.workshops.models import StepKind, Workshop, WorkshopStatus
from riposte.workshops.report import (
    ReportCluster,
    md_escape,
    report_markdown,
    workshop_report,
)
from riposte.workshops.report_docx import report_docx
from riposte.workshops.report_pdf import report_document, report_pdf
from riposte.workshops.services import participant_join
from riposte.workshops.timeline import timeline_svg
from tests.workshops.builders import guest_client, invite, make_agent, make_workshop

SVG = "{http://www.w3.org/2000/svg}"
NASTY = "# Pas un titre\n- pas une liste\n<script>alert('x')</script> [lien](https://exemple.org) **gras**"


def _viewer(agent, workshop: Workshop) -> rules.Viewer:
    return rules.viewer_for(agent, {}, workshop)


@pytest.fixture
def filled(facilitator, agent) -> Workshop:
    """A live workshop: notes (one anonymous, one nasty) with dots in axis 1, a group of notes,
    a hidden step in axis 2, milestones in three horizons (one done, one a norm), a guest."""
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    guest, _key = invite(workshop, "Gaëlle Invitée")
    me, host = _viewer(agent, workshop), _viewer(facilitator, workshop)
    as_guest = rules.Viewer(agent=None, participant=guest, facilitates=False)
    first, second = list(workshop.axes.order_by("position"))[:2]
    where = first.steps.get(kind=StepKind.WHERE)
    quiet = board.note_post(step=where, by=me, text="Un annuaire des partenaires")
    loud = board.note_post(
        step=where, by=as_guest, text="Cartographier les acteurs", anonymous=True
    )
    board.note_post(step=where, by=me, text=NASTY)
    for viewer in (me, host, as_guest):
        board.dot_add(note=loud, by=viewer)
    board.dot_add(note=quiet, by=me)
    resources = first.steps.get(kind=StepKind.RESOURCES)
    group = board.cluster_create(step=resources, by=me, title="Ce qui existe")
    board.note_post(step=resources, by=me, text="Le guide pratique", cluster=group)
    grouped = board.note_post(step=resources, by=as_guest, text="La carte", cluster=group)
    alone = board.note_post(step=resources, by=me, text="Une convention-type")
    board.dot_add(note=grouped, by=host)
    board.dot_add(note=alone, by=as_guest)
    hidden = second.steps.get(kind=StepKind.WHERE)
    board.note_post(step=hidden, by=me, text="Une idée pas encore montrée")
    board.step_hide(step=hidden, by=host)

    done = milestones.milestone_add(
        axis=first, by=facilitator, title="Identifier les coopérations inédites", horizon="1m"
    )
    milestones.milestone_set_status(milestone=done, by=facilitator, status="done")
    norm = milestones.milestone_add(
        axis=first, by=facilitator, title="Hacker les CTAP", horizon="6m"
    )
    milestones.milestone_to_norm(milestone=norm, by=facilitator)
    milestones.milestone_add(
        axis=first, by=facilitator, title="Des maisons <b>collaboratives</b>", horizon="ideal"
    )
    return workshop


def _headings(markdown: str) -> list[tuple[int, str]]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        (int(token.tag[1]), tokens[n + 1].content)
        for n, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


# -- the structure


def test_the_report_follows_the_workshop(filled, facilitator, agent) -> None:
    report = workshop_report(filled, today=dt.date(2026, 1, 5))

    assert report.title == "Pérenniser le hors-norme"
    assert report.date_line == "Report of the workshop of Nov. 18, 2020"
    assert report.group_line == "Group “Riposte créative territoriale”"
    assert report.facilitators_line == f"Facilitator: {facilitator}, {facilitator.service.name}"
    # The facilitators are named apart; participants are the agents and the guests.
    assert report.participants_line == f"Participants: {agent}, Gaëlle Invitée"
    assert report.steps_line == (
        "3 work steps: Where to go? With which resources or levers? Through which stages?"
    )
    assert [a.heading for a in report.axes] == [
        "Axis #1 – Emergencies and cooperations",  # noqa: RUF001
        "Axis #2 – Accelerating field initiatives",  # noqa: RUF001
        "Axis #3 – Debating authorisations",  # noqa: RUF001
        "Axis #4 – The informal, remotely",  # noqa: RUF001
    ]
    first = report.axes[0]
    assert first.roadmap_heading == "Axis #1 – Emergencies and cooperations – stages and milestones"  # noqa: RUF001
    # The first two steps under the axis; the stages with the milestones.
    assert [s.title for s in first.steps] == ["Where to go?", "With which resources or levers?"]
    assert [s.title for s in first.stages] == ["Through which stages?"]
    assert [h.label for h in first.horizons] == [
        "1 month",
        "6 months",
        "1 year",
        "2 years",
        "Ideal",
    ]


def test_notes_come_most_voted_first_and_anonymous_ones_without_author(filled, agent) -> None:
    step = workshop_report(filled).axes[0].steps[0]

    assert [(n.text, n.author, n.dots) for n in step.entries] == [  # type: ignore[union-attr]
        ("Cartographier les acteurs", "", 3),
        ("Un annuaire des partenaires", str(agent), 1),
        (NASTY, str(agent), 0),
    ]


def test_a_group_keeps_its_notes_and_counts_their_dots(filled) -> None:
    step = workshop_report(filled).axes[0].steps[1]

    group, alone = step.entries
    assert isinstance(group, ReportCluster)
    assert (group.title, group.dots) == ("Ce qui existe", 1)
    # Inside the group too, the most voted first.
    assert [n.text for n in group.notes] == ["La carte", "Le guide pratique"]
    assert alone.text == "Une convention-type"  # type: ignore[union-attr]


def test_a_hidden_step_keeps_its_notes_out_until_revealed(filled, facilitator) -> None:
    step = workshop_report(filled).axes[1].steps[0]
    assert (step.hidden, step.entries, step.note_count) == (True, [], 1)
    assert "Une idée pas encore montrée" not in report_markdown(workshop_report(filled))

    hidden = filled.axes.order_by("position")[1].steps.get(kind=StepKind.WHERE)
    board.step_reveal(step=hidden, by=_viewer(facilitator, filled))

    step = workshop_report(filled).axes[1].steps[0]
    assert step.hidden is False
    assert [n.text for n in step.entries] == ["Une idée pas encore montrée"]  # type: ignore[union-attr]


def test_milestones_by_horizon_with_their_state_and_what_they_became(filled) -> None:
    horizons = workshop_report(filled, today=dt.date(2026, 1, 5)).axes[0].horizons

    (done,) = horizons[0].milestones
    assert (done.title, done.status, done.due_on) == (
        "Identifier les coopérations inédites",
        "done",
        dt.date(2020, 12, 18),
    )
    assert done.done_on is not None and not done.late
    (norm,) = horizons[1].milestones
    assert norm.late  # due 18 May 2021, still to do
    assert [(b.kind, b.title, b.url) for b in norm.became] == [
        (
            "norm",
            "Hacker les CTAP",
            filled.axes.first().milestones.get(horizon="6m").norm.get_absolute_url(),
        )  # type: ignore[union-attr]
    ]
    assert horizons[2].milestones == horizons[3].milestones == []
    (ideal,) = horizons[4].milestones
    assert ideal.due_on is None and not ideal.late


def test_a_draft_initiative_is_not_named(filled, facilitator) -> None:
    """A milestone turned into an initiative gives a draft, which its authors alone may read."""
    milestone = filled.axes.first().milestones.get(horizon="ideal")  # type: ignore[union-attr]
    milestones.milestone_to_initiative(milestone=milestone, by=facilitator)

    (became,) = workshop_report(filled).axes[0].horizons[4].milestones[0].became

    assert (became.kind, became.title, became.url) == ("initiative", "(a draft)", "")


def test_the_report_reads_the_workshop_in_a_fixed_number_of_queries(
    filled, facilitator, agent
) -> None:
    with CaptureQueriesContext(connection) as small:
        workshop_report(filled)
    me, host = _viewer(agent, filled), _viewer(facilitator, filled)
    for axis in filled.axes.all():
        for step in axis.steps.all():
            group = board.cluster_create(step=step, by=host, title="Encore")
            for n in range(3):
                board.note_post(step=step, by=me, text=f"Note {n}", cluster=group if n else None)
        milestone = milestones.milestone_add(axis=axis, by=facilitator, title="Plus", horizon="1y")
        milestones.milestone_to_norm(milestone=milestone, by=facilitator)
    participant_join(workshop=filled, agent=make_agent("x@example.org"))

    with CaptureQueriesContext(connection) as bigger:
        workshop_report(filled)

    assert len(bigger) == len(small)


# -- the Markdown


def test_the_markdown_has_the_reports_headings_in_order(filled) -> None:
    headings = _headings(report_markdown(workshop_report(filled)))

    assert headings[:13] == [
        (1, "PÉRENNISER LE HORS-NORME"),
        (2, "INITIAL PITCH"),
        (2, "AXIS #1 – EMERGENCIES AND COOPERATIONS"),  # noqa: RUF001
        (3, "Where to go?"),
        (3, "With which resources or levers?"),
        (2, "AXIS #1 – EMERGENCIES AND COOPERATIONS – STAGES AND MILESTONES"),  # noqa: RUF001
        (3, "Through which stages?"),
        (3, "1 month"),
        (3, "6 months"),
        (3, "1 year"),
        (3, "2 years"),
        (3, "Ideal"),
        (2, "AXIS #2 – ACCELERATING FIELD INITIATIVES"),  # noqa: RUF001
    ]
    assert len([h for h in headings if h[0] == 2]) == 1 + 4 * 2


def test_what_people_write_cannot_change_the_markdowns_structure(filled) -> None:
    markdown = report_markdown(workshop_report(filled))
    tokens = MarkdownIt("commonmark").parse(markdown)
    inline = [t for t in tokens if t.type == "inline"]
    children = [c for t in inline for c in t.children or []]

    # The note's "# ..." is no heading, its "- ..." no list of its own, its script no HTML, its
    # link no link (the only links are the milestones' to what they became).
    assert "Pas un titre" not in [h for _level, h in _headings(markdown)]
    assert not [t for t in tokens if t.type in ("html_block",)]
    assert not [c for c in children if c.type == "html_inline"]
    links = [c.attrs.get("href") for c in children if c.type == "link_open"]
    assert links == [filled.axes.first().milestones.get(horizon="6m").norm.get_absolute_url()]  # type: ignore[union-attr]
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "# Pas un titre" in rendered and "**gras**" in rendered


@pytest.mark.parametrize(
    "text",
    [
        "# titre",
        "1. un",
        "- tiret",
        "+ plus",
        "> cité",
        "titre ##",
        "`code`",
        "a_b_c",
        "&amp;",
        "===",
    ],
)
def test_escaped_text_reads_as_written(text: str) -> None:
    html = MarkdownIt("commonmark").render(md_escape(text))

    assert html.startswith("<p>"), html
    assert MarkdownIt("commonmark").parse(md_escape(text))[1].children[0].content == text  # type: ignore[index]


def test_the_pitchs_headings_go_below_the_reports(facilitator) -> None:
    workshop = make_workshop(
        by=facilitator, pitch="# Le contexte\n\nDu texte.\n\nSous-titre\n---\n\n- une **piste**"
    )

    markdown = report_markdown(workshop_report(workshop))

    assert (4, "Le contexte") in _headings(markdown)
    assert (5, "Sous-titre") in _headings(markdown)
    assert "- une **piste**" in markdown


def test_the_headings_are_the_seeds_in_french(facilitator) -> None:
    """French by default: the report's headings are those of the seed document."""
    with translation.override("fr"):
        workshop = make_workshop(
            by=facilitator,
            title="Riposte créative territoriale",
            group_name="Pérenniser le hors-norme",
            axes=["Urgences et coopérations"],
        )
        markdown = report_markdown(workshop_report(workshop))

    assert [h for _level, h in _headings(markdown)][:9] == [
        "RIPOSTE CRÉATIVE TERRITORIALE",
        "PITCH INITIAL",
        "AXE #1 – URGENCES ET COOPÉRATIONS",  # noqa: RUF001
        "Où aller ?",
        "Avec quelles ressources ou leviers ?",
        "AXE #1 – URGENCES ET COOPÉRATIONS – ÉTAPES ET JALONS",  # noqa: RUF001
        "Par quelles étapes ?",
        "1 mois",
        "6 mois",
    ]
    assert "Groupe « Pérenniser le hors-norme »" in markdown
    assert "Compte-rendu de l'atelier du 18 novembre 2020" in markdown
    assert (
        "3 étapes de travail : Où aller ? Avec quelles ressources ou leviers ? Par quelles étapes ?"
        in markdown
    )


# -- the timeline


def test_the_timeline_places_each_milestone_and_escapes_its_title(filled) -> None:
    svg = timeline_svg(workshop_report(filled), element_id="t")
    root = ET.fromstring(svg)  # noqa: S314 (our own drawing): well-formed XML, or this raises

    assert root.get("role") == "img" and root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").text == "Roadmap of the workshop “Pérenniser le hors-norme”"  # type: ignore[union-attr]
    # Each mark is named by its tooltip (the whole title; the label may be cut).
    marks = {
        g.find(f"{SVG}title").text.split(" — ")[0]: float(g.find(f"{SVG}text").get("x"))  # type: ignore[union-attr, arg-type]
        for g in root.iter(f"{SVG}g")
    }
    assert set(marks) == {
        "Identifier les coopérations inédites",
        "Hacker les CTAP",
        "Des maisons <b>collaboratives</b>",  # as text, not markup
    }
    assert "<b>" not in svg
    # By due date: one month, six months, then the ideal's column.
    assert (
        marks["Identifier les coopérations inédites"]
        < marks["Hacker les CTAP"]
        < marks["Des maisons <b>collaboratives</b>"]
    )


def test_the_timeline_without_milestones_is_still_a_drawing(facilitator) -> None:
    root = ET.fromstring(timeline_svg(workshop_report(make_workshop(by=facilitator))))  # noqa: S314

    assert not list(root.iter(f"{SVG}g"))
    assert "0 milestones on 4 axes" in root.find(f"{SVG}desc").text  # type: ignore[operator, union-attr]


# -- the PDF and the DOCX


def _pdf_text(document) -> str:
    """The text WeasyPrint laid out, page after page (no PDF reader in the lock)."""
    words: list[str] = []

    def walk(box) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            words.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
        words.append("\n")
    return " ".join(words)


def _has_image(box) -> bool:
    if type(box).__name__.endswith("ReplacedBox"):
        return True
    return any(_has_image(child) for child in getattr(box, "children", []) or [])


def test_the_pdf_has_a_cover_the_report_and_the_timeline(filled) -> None:
    report = workshop_report(filled)
    document = report_document(report)
    text = _pdf_text(document)

    assert len(document.pages) >= 6  # the cover, the pitch, one page per axis, the timeline
    assert "PÉRENNISER LE HORS-NORME" in text
    assert text.index("INITIAL PITCH") < text.index("AXIS #1") < text.index("ROADMAP")
    assert "Cartographier les acteurs" in text and "Une idée pas encore montrée" not in text
    # The page numbers, from the second page on.
    assert f"2 / {len(document.pages)}" in text
    assert _has_image(document.pages[-1]._page_box)  # the timeline
    assert report_pdf(report).startswith(b"%PDF-")


def test_the_pdf_fetches_nothing_but_its_own_timeline(filled, monkeypatch) -> None:
    """The timeline goes in as a data: URI; no URL is fetched while the PDF is built."""
    from riposte.cooperations.guide_pdf import LocalOnlyFetcher

    asked: list[str] = []
    fetch = LocalOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(LocalOnlyFetcher, "fetch", spy)
    report_document(workshop_report(filled))

    assert asked and all(url.startswith("data:image/svg+xml;base64,") for url in asked)


def test_the_docx_opens_with_real_headings(filled) -> None:
    document = docx.Document(io.BytesIO(report_docx(workshop_report(filled))))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]

    assert headings[:6] == [
        ("Heading 1", "PÉRENNISER LE HORS-NORME"),
        ("Heading 2", "INITIAL PITCH"),
        ("Heading 2", "AXIS #1 – EMERGENCIES AND COOPERATIONS"),  # noqa: RUF001
        ("Heading 3", "Where to go?"),
        ("Heading 3", "With which resources or levers?"),
        ("Heading 2", "AXIS #1 – EMERGENCIES AND COOPERATIONS – STAGES AND MILESTONES"),  # noqa: RUF001
    ]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Cartographier les acteurs (3 dots)" in bullets
    assert document.core_properties.title == "Pérenniser le hors-norme"


# -- the pages and the API


def test_the_page_shows_the_report_and_its_timeline(filled, client_for) -> None:
    response = client_for("agent").get(reverse("workshops:report", args=[filled.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cartographier les acteurs" in html and "&lt;script&gt;" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    for name in ("report-pdf", "report-docx", "report-md"):
        assert reverse(f"workshops:{name}", args=[filled.pk]) in html


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [
        ("report-md", "text/markdown; charset=utf-8", "md"),
        ("report-pdf", "application/pdf", "pdf"),
        (
            "report-docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    ],
)
def test_the_downloads(filled, client_for, name, content_type, extension) -> None:
    response = client_for("decision_maker").get(reverse(f"workshops:{name}", args=[filled.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-perenniser-le-hors-norme-2020-11-18.{extension}"'
    )


def test_a_guest_downloads_their_workshops_report(facilitator) -> None:
    workshop = make_workshop(by=facilitator)
    _guest, key = invite(workshop)

    response = guest_client(key).get(reverse("workshops:report-md", args=[workshop.pk]))

    assert response.status_code == 200
    assert response.content.decode().startswith("# PÉRENNISER LE HORS-NORME\n")


def test_the_report_is_french_by_default(filled, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    client = Client()
    client.force_login(filled.facilitators.get())

    markdown = client.get(reverse("workshops:report-md", args=[filled.pk])).content.decode()

    assert "## PITCH INITIAL" in markdown
    assert "Compte-rendu de l'atelier du 18 novembre 2020" in markdown


def test_the_api_gives_the_same_markdown(filled, agent, client_for) -> None:
    _token, raw = api_token_create(agent=agent, name="script")
    url = f"/api/workshops/{filled.pk}/report.md"

    by_token = Client(headers={"Authorization": f"Bearer {raw}"}).get(url)
    by_page = client_for("agent").get(reverse("workshops:report-md", args=[filled.pk]))

    assert by_token.status_code == 200
    assert by_token["Content-Type"] == "text/markdown; charset=utf-8"
    assert by_token.content == by_page.content


def test_the_api_for_guests(facilitator) -> None:
    workshop = make_workshop(by=facilitator)
    other = make_workshop(by=make_agent("o@example.org", role="facilitator"), title="Autre")
    _guest, key = invite(workshop)
    _other_guest, other_key = invite(other)

    assert guest_client(key).get(f"/api/workshops/{workshop.pk}/report.md").status_code == 200
    # The guest of another workshop learns nothing of this one; nobody at all is refused.
    assert guest_client(other_key).get(f"/api/workshops/{workshop.pk}/report.md").status_code == 404
    assert Client().get(f"/api/workshops/{workshop.pk}/report.md").status_code == 401
    assert guest_client(key).get("/api/workshops/999999/report.md").status_code == 404
