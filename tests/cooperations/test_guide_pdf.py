"""The guide's PDF (riposte/cooperations/guide_pdf.py), read back from WeasyPrint's laid-out
document: a cover, a table of contents whose page numbers are the chapters' pages, page numbers
in the margins, one section per chapter, user text escaped, and nothing fetched from the network.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import translation

from riposte.cooperations import guide_pdf
from riposte.cooperations.guide import (
    edition_content,
    guide_chapter_update,
    guide_edition_compile,
)
from riposte.cooperations.guide_pdf import LocalOnlyFetcher, guide_document, pdf_build, stored_pdf
from riposte.cooperations.models import GuidePdf
from riposte.cooperations.tasks import guide_pdf_build
from tests.cooperations.builders import make_event
from tests.cooperations.debrief_builders import cooperation, edition, published, themes


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, the language of the source strings, whatever the
    catalogues say: the services translate them in the active language."""
    with translation.override("en"):
        yield


def _texts(box: Any) -> list[str]:
    found: list[str] = []

    def walk(b: Any) -> None:
        text = getattr(b, "text", None)
        if isinstance(text, str):
            found.append(text)
        for child in getattr(b, "children", None) or []:
            walk(child)

    walk(box)
    return found


def _pages(document: Any) -> list[str]:
    """The text of each page, its pieces joined by spaces (margin boxes included)."""
    return [" ".join(" ".join(_texts(p._page_box)).split()) for p in document.pages]


@pytest.fixture
def guide(facilitator):
    lockdown = make_event()
    heatwave = make_event(
        "Canicule de juillet 2022", kind="canicule", starts_on=dt.date(2022, 7, 12), ends_on=None
    )
    published(
        facilitator,
        cooperation(facilitator, event=lockdown, title="Colis alimentaires"),
        themes=themes("aide-alimentaire", "solidarite-seniors"),
        advice="Gardez <b>les numéros</b> & <script>alert(1)</script> à portée de main.",
    )
    published(
        facilitator,
        cooperation(
            facilitator,
            event=heatwave,
            title="Appels aux aînés",
            started_on=dt.date(2022, 7, 13),
            partner="Croix-Rouge de Bobigny",
        ),
        themes=themes("solidarite-seniors"),
        # Several pages long: the page numbers must follow.
        do_again="Long texte. " * 410,
        avoid="Encore. " * 600,
        levers="Et ceci. " * 550,
        what_worked="Seulement sur la page du retour d'expérience.",
    )
    return edition(facilitator)


def test_the_pdf_is_a_pdf(guide) -> None:
    pdf = guide_pdf.guide_pdf(guide.snapshot)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_cover_contents_and_one_section_per_chapter(guide) -> None:
    with translation.override("en"):
        pages = _pages(guide_document(guide.snapshot))

    assert "Guide pratique des coopérations en situation d'urgence" in pages[0]
    assert "Edition 1" in pages[0]
    assert "Contents" in pages[1]
    body = " ".join(pages[2:])
    # English readers get the themes' English names; the emergencies are named as recorded.
    for title in (
        "Food aid",
        "Solidarity with older people",
        "Confinement du printemps 2020",
        "Canicule de juillet 2022",
        "By theme",
        "By emergency",
    ):
        assert title in pages[1] and title in body


def test_page_numbers_in_the_contents_are_the_chapters_pages(guide) -> None:
    document = guide_document(guide.snapshot)
    pages = _pages(document)
    assert len(pages) >= 6  # the long debrief takes several pages
    chapters = {
        "Food aid": "theme-1",
        "Solidarity with older people": "theme-2",
        "Confinement du printemps 2020": "event-1",
        "Canicule de juillet 2022": "event-2",
    }
    for title, anchor in chapters.items():
        # The page the chapter's heading is on, as WeasyPrint laid it out...
        page = next(i for i, p in enumerate(document.pages, start=1) if anchor in p.anchors)
        assert title in pages[page - 1]
        # ...is the number after the title and its dot leader in the contents.
        contents = pages[1]
        after = contents[contents.index(title) + len(title) :]
        assert after.replace(".", " ").split()[0] == str(page), (title, after[:80])
    # The long debrief pushed the emergencies several pages after the themes.
    event_page = next(i for i, p in enumerate(document.pages) if "event-1" in p.anchors)
    theme_page = next(i for i, p in enumerate(document.pages) if "theme-2" in p.anchors)
    assert event_page - theme_page >= 2


def test_every_page_but_the_cover_says_its_number(guide) -> None:
    pages = _pages(guide_document(guide.snapshot))
    total = len(pages)
    assert f"1 / {total}" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert f"{number} / {total}" in text


def test_the_guide_quotes_the_practical_part_and_links_the_rest(guide) -> None:
    body = " ".join(_pages(guide_document(guide.snapshot)))
    assert "Advice to a colleague." in body and "What to avoid." in body
    assert "Seulement sur la page du retour" not in body
    assert re.search(
        r"Source: the debrief, revision 1: http://[^ ]+/cooperations/\d+/debrief/", body
    )
    # Said once, on the cover, rather than with each of 500 entries.
    assert body.count("which tells the context, what worked and what blocked") == 1


def test_user_text_is_printed_as_text(guide) -> None:
    body = " ".join(_pages(guide_document(guide.snapshot)))
    assert "Gardez <b>les numéros</b> & <script>alert(1)</script> à portée de main." in body


def test_a_debrief_in_two_chapters_is_printed_once_and_referred_to(guide) -> None:
    document = guide_document(guide.snapshot)
    body = " ".join(_pages(document))
    assert body.count("Gardez <b>les numéros</b>") == 1
    assert "Also in the chapter “Food aid”: Colis alimentaires" in body
    # The reference links to the debrief's full text.
    (food,) = [
        d
        for d in guide.snapshot["debriefs"].values()
        if d["cooperation"]["title"] == "Colis alimentaires"
    ]
    links = {(kind, target) for page in document.pages for kind, target, *_ in page.links}
    assert ("internal", f"debrief-{food['debrief']}") in links


def test_nothing_is_fetched(facilitator) -> None:
    """A URL reaching the document (an image, a stylesheet) is refused by the fetcher, which
    never opens a connection; the PDF is built without it."""
    asked: list[str] = []

    class Recording(LocalOnlyFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            asked.append(url)
            return super().fetch(url, headers)

    from weasyprint import HTML

    html = HTML(
        string='<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" '
        'href="https://example.org/a.css"><p>Bonjour</p>',
        url_fetcher=Recording(),
    )
    assert html.write_pdf().startswith(b"%PDF")
    assert sorted(asked) == ["http://127.0.0.1:9/x.png", "https://example.org/a.css"]
    with pytest.raises(ValueError, match="without fetching"):
        LocalOnlyFetcher().fetch("file:///etc/passwd")


def test_the_draft_is_marked_as_such(guide, facilitator) -> None:
    published(facilitator, cooperation(facilitator, title="Masques", partner="Atelier couture"))
    draft = guide_edition_compile(by=facilitator)
    pages = _pages(guide_document(edition_content(draft), draft=True))
    assert "Draft — not published" in pages[0] and "Masques" in " ".join(pages)


def test_a_pdf_is_built_once_per_language_and_kept(guide) -> None:
    first = pdf_build(edition=guide, language="fr")
    again = pdf_build(edition=guide, language="fr")
    english = pdf_build(edition=guide, language="en")

    assert again.pk == first.pk and english.pk != first.pk
    assert bytes(first.data).startswith(b"%PDF") and first.pages >= 6
    assert stored_pdf(guide, "fr") == first and stored_pdf(guide, "en") == english
    assert GuidePdf.objects.count() == 2


def test_a_draft_keeps_its_latest_preview_only(guide, facilitator) -> None:
    published(facilitator, cooperation(facilitator, title="Masques", partner="Atelier couture"))
    draft = guide_edition_compile(by=facilitator)
    old = pdf_build(edition=draft, language="fr")
    chapter = draft.chapters.first()
    guide_chapter_update(chapter=chapter, by=facilitator, intro="Nouvelle introduction", version=0)

    assert stored_pdf(draft, "fr") is None  # the content changed: the old preview is stale
    new = pdf_build(edition=draft, language="fr")

    assert list(GuidePdf.objects.filter(edition=draft)) == [new] and new.pk != old.pk


def test_publication_asks_the_worker_for_every_language(
    facilitator, django_capture_on_commit_callbacks
) -> None:
    published(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        first = edition(facilitator)
    assert sorted(GuidePdf.objects.filter(edition=first).values_list("language", flat=True)) == [
        "en",
        "fr",
    ]


def test_the_task_skips_a_draft_thrown_away(guide) -> None:
    assert guide_pdf_build.call(edition_id=guide.pk + 1000, language="fr") == 0
    assert guide_pdf_build.call(edition_id=guide.pk, language="xx") == 0
    assert guide_pdf_build.call(edition_id=guide.pk, language="fr") >= 6
