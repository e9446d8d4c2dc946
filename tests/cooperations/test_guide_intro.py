"""The chapter introductions of the guide's draft are edited with the debriefs' guard: the form
carries the version it started from, a stale save is refused (409) with both texts shown, and
nothing is lost (riposte/cooperations/guide.py, guide_chapter_update; guide_views.py)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from riposte.cooperations.guide import (
    ChapterConflict,
    guide_chapter_update,
    guide_edition_compile,
)
from riposte.cooperations.models import GuideChapter
from riposte.core.models import AuditEntry
from tests.cooperations.debrief_builders import cooperation, published, themes

FIRST = "Ce qui a nourri les familles, commune par commune."
SECOND = "Ce qui a nourri les familles pendant le confinement."


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


@pytest.fixture
def chapter(facilitator) -> GuideChapter:
    published(
        facilitator,
        cooperation(facilitator, title="Colis alimentaires"),
        themes=themes("aide-alimentaire"),
    )
    draft = guide_edition_compile(by=facilitator)
    return draft.chapters.get(theme__slug="aide-alimentaire")


def _url(chapter: GuideChapter) -> str:
    return reverse("cooperations:guide-chapter", args=[chapter.pk])


# --- the service ----------------------------------------------------------------------------------


def test_each_save_moves_the_version_and_says_who(chapter, facilitator) -> None:
    saved = guide_chapter_update(chapter=chapter, by=facilitator, intro=FIRST, version=0)
    assert (saved.intro, saved.intro_version, saved.intro_by) == (FIRST, 1, facilitator)
    assert saved.intro_at is not None
    # The same text again makes no new version.
    again = guide_chapter_update(chapter=chapter, by=facilitator, intro=f"  {FIRST}\r\n", version=1)
    assert again.intro_version == 1
    assert AuditEntry.objects.filter(action="guide.chapter_intro").count() == 1


def test_a_stale_save_is_refused_and_changes_nothing(chapter, facilitator, admin_agent) -> None:
    guide_chapter_update(chapter=chapter, by=facilitator, intro=FIRST, version=0)

    with pytest.raises(ChapterConflict) as caught:
        guide_chapter_update(chapter=chapter, by=admin_agent, intro=SECOND, version=0)

    assert caught.value.current.intro == FIRST
    assert caught.value.current.intro_version == 1
    assert str(facilitator) in caught.value.messages[0]
    chapter.refresh_from_db()
    assert (chapter.intro, chapter.intro_version) == (FIRST, 1)
    # From the version it now knows, the colleague's save goes through.
    guide_chapter_update(chapter=chapter, by=admin_agent, intro=SECOND, version=1)
    chapter.refresh_from_db()
    assert (chapter.intro, chapter.intro_version, chapter.intro_by) == (SECOND, 2, admin_agent)


def test_compiling_again_keeps_the_saved_introduction_and_its_version(chapter, facilitator) -> None:
    guide_chapter_update(chapter=chapter, by=facilitator, intro=FIRST, version=0)
    guide_edition_compile(by=facilitator)
    chapter.refresh_from_db()
    assert (chapter.intro, chapter.intro_version) == (FIRST, 1)


# --- the page -------------------------------------------------------------------------------------


def test_the_draft_page_carries_the_version(chapter, facilitator, client_for) -> None:
    guide_chapter_update(chapter=chapter, by=facilitator, intro=FIRST, version=0)
    page = client_for("facilitator").get(reverse("cooperations:guide-draft")).content.decode()
    form = page[page.index(f'<form method="post" action="{_url(chapter)}" class="stack">') :]
    assert form.index('name="version" value="1"') < form.index("</form>")


def test_a_stale_save_shows_both_texts_and_keeps_the_senders(
    chapter, facilitator, client_for
) -> None:
    """Two facilitators open the draft; the first saves; the second, saving from version 0, is
    told, sees what the first saved, and keeps their own text to save again."""
    client_for("facilitator").post(_url(chapter), {"intro": FIRST, "version": "0"})

    response = client_for("admin").post(_url(chapter), {"intro": SECOND, "version": "0"})

    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    # The chapter named in the reader's language: its theme's English name.
    assert f"{facilitator} saved the introduction of “Food aid” while you were writing" in page
    assert f"Saved by {facilitator}" in page
    assert f"<p>{FIRST}</p>" in page  # theirs, in the comparison
    assert f">{SECOND}</textarea>" in page  # mine, still in the form
    assert "<del>" in page and "<ins>" in page
    form = page[page.index(f'<form method="post" action="{_url(chapter)}" class="stack">') :]
    assert form.index('name="version" value="1"') < form.index("</form>")
    chapter.refresh_from_db()
    assert (chapter.intro, chapter.intro_version) == (FIRST, 1)

    # Saving again, from the version shown, is a deliberate choice: it goes through.
    again = client_for("admin").post(_url(chapter), {"intro": SECOND, "version": "1"})
    assert again.status_code == 302
    chapter.refresh_from_db()
    assert (chapter.intro, chapter.intro_version) == (SECOND, 2)


@pytest.mark.parametrize(
    ("data", "version"),
    [
        ({"intro": "x" * 5001, "version": "0"}, "0"),  # too long: the version stays as it was
        ({"intro": "Sans version"}, ""),  # a form of before the guard: not saved blindly
    ],
)
def test_a_refused_text_is_given_back(chapter, client_for, data, version) -> None:
    response = client_for("facilitator").post(_url(chapter), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f">{data['intro']}</textarea>" in page
    form = page[page.index(f'<form method="post" action="{_url(chapter)}" class="stack">') :]
    assert form.index(f'name="version" value="{version}"') < form.index("</form>")
    chapter.refresh_from_db()
    assert (chapter.intro, chapter.intro_version) == ("", 0)
