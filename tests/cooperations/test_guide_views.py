"""The guide's pages through the Django test client: a facilitator compiles, edits (with the
keyboard-operable up/down buttons, with and without HTMX), publishes and downloads the PDF; every
agent reads an edition by theme and by emergency, with each piece of advice leading to its
debrief and cooperation, and what changed since the previous edition."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from riposte.cooperations.debriefs import debrief_back_to_draft
from riposte.cooperations.guide import guide_edition_compile
from riposte.cooperations.models import EditionStatus, Grouping, GuideEdition, GuideEntry
from tests.cooperations.builders import make_event
from tests.cooperations.debrief_builders import cooperation, edition, published, themes

GUIDE = "/cooperations/guide/"
DRAFT = "/cooperations/guide/draft/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for):
    """The named actors' clients, reading the pages in English (the source strings)."""

    def make(role: str):
        client = client_for(role)
        client.cookies["django_language"] = "en"
        return client

    return make


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def two(facilitator):
    lockdown = make_event()
    food = published(
        facilitator,
        cooperation(facilitator, event=lockdown, title="Colis alimentaires"),
        themes=themes("aide-alimentaire", "solidarite-seniors"),
        advice="Gardez <script>alert(1)</script> les numéros.",
    )
    calls = published(
        facilitator,
        cooperation(
            facilitator,
            title="Appels aux aînés",
            started_on=dt.date(2022, 7, 13),
            partner="Croix-Rouge de Bobigny",
        ),
        themes=themes("solidarite-seniors"),
    )
    return food, calls


# --- done when: "as a facilitator, compile a guide edition and download its PDF" ------------------


def test_compile_edit_publish_and_download(two, client_for) -> None:
    client = client_for("facilitator")
    assert "Compile the next edition" in _page(client.get(GUIDE))

    response = client.post(reverse("cooperations:guide-compile"))
    assert response["Location"] == DRAFT
    draft_page = _page(client.get(DRAFT))
    assert "Food aid" in draft_page and "Outside any declared emergency" in draft_page

    response = client.post(reverse("cooperations:guide-publish"))
    assert response["Location"] == "/cooperations/guide/1/"
    assert GuideEdition.objects.get().status == EditionStatus.PUBLISHED

    pdf = client.get(reverse("cooperations:guide-pdf", args=[1]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="guide-riposte-edition-1.pdf"'
    assert pdf.content.startswith(b"%PDF-")


def test_agents_read_the_guide_but_do_not_edit_it(two, facilitator, client_for) -> None:
    edition(facilitator)
    page = _page(client_for("agent").get(GUIDE))
    assert "Edition 1" in page and "/cooperations/guide/1.pdf" in page
    assert "Compile the next edition" not in page and "For facilitators" not in page


def test_an_edition_page_leads_to_each_debrief_and_cooperation(
    two, facilitator, client_for
) -> None:
    food, calls = two
    edition(facilitator)

    by_theme = _page(client_for("agent").get("/cooperations/guide/1/"))
    by_event = _page(client_for("agent").get("/cooperations/guide/1/emergencies/"))

    assert "Food aid" in by_theme and "Solidarity with older people" in by_theme
    assert "Confinement du printemps 2020" in by_event
    assert "Outside any declared emergency" in by_event
    for page in (by_theme, by_event):
        for debrief in (food, calls):
            assert f'href="/cooperations/{debrief.cooperation_id}/debrief/"' in page
            assert f'href="/cooperations/{debrief.cooperation_id}/"' in page
        assert "<script>alert(1)</script>" not in page
        assert "Gardez &lt;script&gt;alert(1)&lt;/script&gt; les numéros." in page
    # A debrief with two themes is in both chapters.
    assert by_theme.count("Gardez &lt;script&gt;") == 2


def test_french_readers_get_the_french_theme_names(two, facilitator, client_for) -> None:
    edition(facilitator)
    client = client_for("agent")
    client.cookies["django_language"] = "fr"
    page = client.get("/cooperations/guide/1/").content.decode()
    assert "Aide alimentaire" in page and "Food aid" not in page


def test_what_changed_since_the_previous_edition(two, facilitator, client_for) -> None:
    edition(facilitator)
    debrief_back_to_draft(debrief=two[1], by=facilitator)
    published(facilitator, cooperation(facilitator, title="Masques cousus", partner="Couture"))
    edition(facilitator)

    page = _page(client_for("agent").get("/cooperations/guide/2/changes/"))

    assert "Compared with edition 1." in page
    assert "1 debrief added" in page and "Masques cousus" in page
    assert "1 debrief removed" in page and "Appels aux aînés" in page
    assert "Chapter no longer in the guide: Outside any declared emergency" not in page
    assert "/cooperations/guide/2/changes/" in _page(client_for("agent").get(GUIDE))


def test_an_unknown_edition_is_not_found(client_for) -> None:
    for url in (
        "/cooperations/guide/7/",
        "/cooperations/guide/7.pdf",
        "/cooperations/guide/7/changes/",
    ):
        assert client_for("agent").get(url).status_code == 404


# --- editing the draft ----------------------------------------------------------------------------


def _theme_order(draft: GuideEdition) -> list[str]:
    return list(
        draft.chapters.filter(grouping=Grouping.THEME)
        .order_by("position")
        .values_list("title", flat=True)
    )


def test_reorder_chapters_with_htmx_keeps_the_buttons_ids(two, facilitator, client_for) -> None:
    draft = guide_edition_compile(by=facilitator)
    assert _theme_order(draft) == ["Aide alimentaire", "Solidarité avec les aînés"]
    seniors = draft.chapters.get(title="Solidarité avec les aînés")

    response = client_for("facilitator").post(
        reverse("cooperations:guide-chapter", args=[seniors.pk]),
        {"action": "up"},
        headers={"HX-Request": "true"},
    )

    html = _page(response)
    assert _theme_order(draft) == ["Solidarité avec les aînés", "Aide alimentaire"]
    assert html.lstrip().startswith('<ol id="chapters-theme"') and "<html" not in html
    # The list sent back is in the new order.
    ids = re.findall(r'<li id="chapter-(\d+)"', html)
    assert ids == [
        str(c.pk) for c in draft.chapters.filter(grouping=Grouping.THEME).order_by("position")
    ]
    assert ids[0] == str(seniors.pk)
    # The button pressed is in the new list with the same id: the browser keeps the focus on it.
    assert f'id="chapter-{seniors.pk}-up"' in html
    # A live region says where the chapter went.
    assert re.search(
        r'id="guide-announce"[^>]*hx-swap-oob="innerHTML">“Solidarity with older people” is now chapter 1 of 2\.',
        html,
    )


def test_reorder_without_javascript(two, facilitator, client_for) -> None:
    draft = guide_edition_compile(by=facilitator)
    food_chapter = draft.chapters.get(title="Aide alimentaire")
    client = client_for("facilitator")

    response = client.post(
        reverse("cooperations:guide-chapter", args=[food_chapter.pk]), {"action": "down"}
    )

    assert response["Location"] == f"{DRAFT}#chapter-{food_chapter.pk}"
    assert _theme_order(draft) == ["Solidarité avec les aînés", "Aide alimentaire"]
    page = _page(client.get(DRAFT))
    assert "is now chapter 2 of 2" in page
    assert page.index(f'id="chapter-{food_chapter.pk}"') > page.index(
        "Solidarity with older people"
    )


def test_leave_an_entry_out_and_back_in(two, facilitator, client_for) -> None:
    draft = guide_edition_compile(by=facilitator)
    entry = GuideEntry.objects.filter(
        chapter__edition=draft, chapter__title="Aide alimentaire"
    ).get()
    client = client_for("facilitator")
    url = reverse("cooperations:guide-entry", args=[entry.pk])

    html = _page(client.post(url, {"action": "leave_out"}, headers={"HX-Request": "true"}))
    entry.refresh_from_db()
    assert entry.left_out
    assert html.lstrip().startswith(f'<ol id="entries-{entry.chapter_id}"')
    assert f'id="entry-{entry.pk}-out"' in html and "Include again" in html
    assert "is left out of this chapter" in html

    client.post(url, {"action": "include"})
    entry.refresh_from_db()
    assert not entry.left_out


def test_moves_are_checked(two, facilitator, client_for) -> None:
    draft = guide_edition_compile(by=facilitator)
    entry = GuideEntry.objects.filter(chapter__edition=draft).first()
    client = client_for("facilitator")
    assert (
        client.post(
            reverse("cooperations:guide-entry", args=[entry.pk]), {"action": "drop"}
        ).status_code
        == 400
    )
    chapter = draft.chapters.first()
    assert (
        client.post(
            reverse("cooperations:guide-chapter", args=[chapter.pk]), {"action": "leave_out"}
        ).status_code
        == 400
    )


def test_a_chapter_intro_is_saved_and_printed_escaped(two, facilitator, client_for) -> None:
    draft = guide_edition_compile(by=facilitator)
    chapter = draft.chapters.get(title="Aide alimentaire")
    client = client_for("facilitator")
    client.post(
        reverse("cooperations:guide-chapter", args=[chapter.pk]),
        {"intro": "Ce qui a nourri <em>les familles</em>.", "version": "0"},
    )
    client.post(reverse("cooperations:guide-publish"))

    page = _page(client.get("/cooperations/guide/1/"))
    assert "Ce qui a nourri &lt;em&gt;les familles&lt;/em&gt;." in page


def test_an_empty_title_is_refused_and_the_intro_kept(two, facilitator, client_for) -> None:
    guide_edition_compile(by=facilitator)
    response = client_for("facilitator").post(
        reverse("cooperations:guide-draft-update"), {"title": "", "intro": "Mon introduction"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Mon introduction</textarea>" in html
    assert GuideEdition.objects.get().intro == ""


def test_a_published_edition_is_not_edited_through_its_chapters(
    two, facilitator, client_for
) -> None:
    published_edition = edition(facilitator)
    chapter = published_edition.chapters.first()
    response = client_for("facilitator").post(
        reverse("cooperations:guide-chapter", args=[chapter.pk]), {"action": "down"}
    )
    assert response.status_code == 403


def test_publishing_with_everything_left_out_says_why(two, facilitator, client_for) -> None:
    draft = guide_edition_compile(by=facilitator)
    GuideEntry.objects.filter(chapter__edition=draft).update(left_out=True)
    response = client_for("facilitator").post(reverse("cooperations:guide-publish"), follow=True)
    assert "Every entry is left out" in _page(response)
    assert GuideEdition.objects.get().status == EditionStatus.DRAFT


def test_compiling_without_published_debriefs_says_why(client_for) -> None:
    response = client_for("facilitator").post(reverse("cooperations:guide-compile"), follow=True)
    assert "No debrief is published yet" in _page(response)


def test_the_draft_preview_is_a_pdf(two, facilitator, client_for) -> None:
    guide_edition_compile(by=facilitator)
    response = client_for("facilitator").get(reverse("cooperations:guide-draft-pdf"))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_a_pdf_not_built_yet_is_on_its_way(two, facilitator, client_for, settings) -> None:
    """With a real worker, the download that finds no PDF asks for it and says so (202); the
    next one, once the worker built it, gets it."""
    from riposte.cooperations.models import GuidePdf
    from riposte.cooperations.tasks import guide_pdf_build

    published_edition = edition(facilitator)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client = client_for("agent")

    waiting = client.get("/cooperations/guide/1.pdf")

    assert waiting.status_code == 202
    assert "The PDF is being prepared" in waiting.content.decode()
    assert not GuidePdf.objects.exists()
    guide_pdf_build.call(edition_id=published_edition.pk, language="en")  # the worker's turn
    ready = client.get("/cooperations/guide/1.pdf")
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")
