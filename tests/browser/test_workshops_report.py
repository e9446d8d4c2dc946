"""The workshop's report in a real browser, in French, with axe: an agent opens it from the
workshop's page, reads it in the seed document's order with its timeline, downloads it as PDF,
DOCX (opened with python-docx) and Markdown; on a phone (360 px) the page does not scroll
sideways (the timeline scrolls in its own frame, which the keyboard reaches); in English the
headings follow."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Browser, expect

from riposte.workshops import board, milestones, rules
from riposte.workshops.models import StepKind, WorkshopStatus
from riposte.workshops.services import participant_join
from tests.browser.conftest import check_axe, french_page, login, switch_to_english
from tests.workshops.builders import make_workshop

pytestmark = pytest.mark.browser


@pytest.fixture
def workshop(world):
    facilitator, agent = world["facilitator"], world["agent"]
    workshop = make_workshop(
        by=facilitator,
        title="Riposte créative territoriale",
        group_name="Pérenniser le hors-norme",
        axes=["Urgences et coopérations", "L'informel à distance"],
        status=WorkshopStatus.LIVE,
    )
    participant_join(workshop=workshop, agent=agent)
    me = rules.viewer_for(agent, {}, workshop)
    first, second = workshop.axes.order_by("position")
    note = board.note_post(
        step=first.steps.get(kind=StepKind.WHERE), by=me, text="Cartographier les acteurs"
    )
    board.dot_add(note=note, by=me)
    board.note_post(step=first.steps.get(kind=StepKind.RESOURCES), by=me, text="<b>Pas du HTML</b>")
    milestones.milestone_add(
        axis=first, by=facilitator, title="Identifier les coopérations inédites", horizon="1m"
    )
    milestones.milestone_add(axis=first, by=facilitator, title="Hacker les CTAP", horizon="ideal")
    milestones.milestone_add(
        axis=second, by=facilitator, title="Instaurer des machines à café en visio", horizon="6m"
    )
    return workshop


def test_an_agent_reads_and_downloads_the_report(
    browser: Browser, site_url, world, workshop, tmp_path: Path
):
    page = french_page(browser)
    login(page, site_url, world["agent"].email)
    page.goto(f"{site_url}/workshops/{workshop.pk}/")
    page.locator("main").get_by_role("link", name="Compte-rendu").click()

    expect(page).to_have_url(f"{site_url}/workshops/{workshop.pk}/report/")
    expect(page.locator("main h1")).to_have_text("Riposte créative territoriale")
    headings = page.locator("main h2.report-heading")
    expect(headings.first).to_have_text("Pitch initial")
    # Capitals by CSS, as in the seed: the words stay words for screen readers.
    expect(headings.nth(1)).to_have_text("Axe #1 – Urgences et coopérations")  # noqa: RUF001
    expect(headings.nth(1)).to_have_css("text-transform", "uppercase")
    expect(page.locator(".report-note").first).to_contain_text("Cartographier les acteurs")
    expect(page.locator(".report-note").first).to_contain_text("1 gommette")
    expect(page.locator(".report-note", has_text="<b>Pas du HTML</b>")).to_have_count(1)
    timeline = page.get_by_role(
        "img", name="Feuille de route de l'atelier « Riposte créative territoriale »"
    )
    expect(timeline).to_be_visible()
    check_axe(page, "report")

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Télécharger en PDF").click()
    assert pdf.value.suggested_filename == (
        "compte-rendu-riposte-creative-territoriale-2020-11-18.pdf"
    )
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")

    with page.expect_download() as word:
        page.get_by_role("link", name="Télécharger pour LibreOffice ou Word (DOCX)").click()
    assert word.value.suggested_filename.endswith(".docx")
    document = docx.Document(io.BytesIO(Path(word.value.path()).read_bytes()))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "RIPOSTE CRÉATIVE TERRITORIALE"
    ]

    with page.expect_download() as markdown:
        page.get_by_role("link", name="Télécharger en Markdown").click()
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# RIPOSTE CRÉATIVE TERRITORIALE\n")
    assert "## AXE #2 – L'INFORMEL À DISTANCE – ÉTAPES ET JALONS" in text  # noqa: RUF001

    switch_to_english(page)
    expect(page.locator("main h2.report-heading").first).to_have_text("Initial pitch")
    expect(page.get_by_role("link", name="Download as PDF")).to_be_visible()
    check_axe(page, "report in English")
    page.context.close()


def test_the_report_on_a_phone(browser: Browser, site_url, world, workshop):
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}, locale="fr-FR"
    )
    page = context.new_page()
    login(page, site_url, world["agent"].email)
    page.goto(f"{site_url}/workshops/{workshop.pk}/report/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the report is {width} px wide at a 360 px viewport"
    frame = page.locator(".report-timeline-scroll")
    # The drawing keeps readable labels and scrolls in its frame, which the keyboard reaches.
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")
    frame.focus()
    expect(frame).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.report-timeline-scroll').scrollLeft > 0")
    check_axe(page, "report at 360 px")
    context.close()
