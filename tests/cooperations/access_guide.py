"""Rows of the access table for the cooperations module's guide (see tests/cooperations/access.py).

The published guide is read by every logged-in agent; its draft is the facilitators' work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from riposte.cooperations.guide import guide_edition_compile
from riposte.cooperations.models import GuideChapter, GuideEntry
from tests.access_table import OBJECT, Redirect, Route, logged_in, only
from tests.cooperations.debrief_builders import edition, published

FACILITATORS = ("facilitator", "admin")
DRAFT = "/cooperations/guide/draft/"


def _published_debrief(actors: dict[str, Any]) -> None:
    published(actors["facilitator"])


def _with_edition(path: str) -> Callable[[dict[str, Any]], str]:
    """Edition 1 published, then `path`."""

    def build(actors: dict[str, Any]) -> str:
        published(actors["facilitator"])
        edition(actors["facilitator"])
        return path

    return build


def _with_draft(name: str) -> Callable[[dict[str, Any]], str]:
    def build(actors: dict[str, Any]) -> str:
        published(actors["facilitator"])
        guide_edition_compile(by=actors["facilitator"])
        return reverse(name)

    return build


def _chapter_url(actors: dict[str, Any]) -> str:
    published(actors["facilitator"])
    draft = guide_edition_compile(by=actors["facilitator"])
    chapter = GuideChapter.objects.filter(edition=draft).first()
    assert chapter is not None
    actors["made"] = f"{DRAFT}#chapter-{chapter.pk}"
    return reverse("cooperations:guide-chapter", args=[chapter.pk])


def _entry_url(actors: dict[str, Any]) -> str:
    published(actors["facilitator"])
    draft = guide_edition_compile(by=actors["facilitator"])
    entry = GuideEntry.objects.filter(chapter__edition=draft).first()
    assert entry is not None
    actors["made"] = f"{DRAFT}#chapter-{entry.chapter_id}"
    return reverse("cooperations:guide-entry", args=[entry.pk])


def _compile_url(actors: dict[str, Any]) -> str:
    _published_debrief(actors)
    return reverse("cooperations:guide-compile")


ROUTES: list[Route] = [
    Route("cooperations:guide", "GET", logged_in(200)),
    Route("cooperations:guide", "GET", logged_in(200), path=_with_edition("/cooperations/guide/")),
    Route(
        "cooperations:guide-edition",
        "GET",
        logged_in(200),
        path=_with_edition("/cooperations/guide/1/"),
    ),
    Route(
        "cooperations:guide-edition", "GET", logged_in(404), path=lambda a: "/cooperations/guide/1/"
    ),
    Route(
        "cooperations:guide-edition-events",
        "GET",
        logged_in(200),
        path=_with_edition("/cooperations/guide/1/emergencies/"),
    ),
    Route(
        "cooperations:guide-pdf",
        "GET",
        logged_in(200),
        path=_with_edition("/cooperations/guide/1.pdf"),
    ),
    Route(
        "cooperations:guide-changes",
        "GET",
        logged_in(200),
        path=_with_edition("/cooperations/guide/1/changes/"),
    ),
    # POST-only and for facilitators: the others are turned away before the method is looked at.
    Route("cooperations:guide-compile", "GET", only(FACILITATORS, 405), path=_compile_url),
    Route(
        "cooperations:guide-compile", "POST", only(FACILITATORS, Redirect(DRAFT)), path=_compile_url
    ),
    Route(
        "cooperations:guide-draft",
        "GET",
        only(FACILITATORS, 200),
        path=_with_draft("cooperations:guide-draft"),
    ),
    # No draft: nothing to edit.
    Route("cooperations:guide-draft", "GET", only(FACILITATORS, 404)),
    Route(
        "cooperations:guide-draft-pdf",
        "GET",
        only(FACILITATORS, 200),
        path=_with_draft("cooperations:guide-draft-pdf"),
    ),
    Route(
        "cooperations:guide-draft-update",
        "GET",
        only(FACILITATORS, 405),
        path=_with_draft("cooperations:guide-draft-update"),
    ),
    Route(
        "cooperations:guide-draft-update",
        "POST",
        only(FACILITATORS, Redirect(DRAFT)),
        path=_with_draft("cooperations:guide-draft-update"),
        data={"title": "Le guide de la riposte", "intro": "Pour les agents."},
    ),
    Route(
        "cooperations:guide-publish",
        "GET",
        only(FACILITATORS, 405),
        path=_with_draft("cooperations:guide-publish"),
    ),
    Route(
        "cooperations:guide-publish",
        "POST",
        only(FACILITATORS, Redirect("/cooperations/guide/1/")),
        path=_with_draft("cooperations:guide-publish"),
    ),
    Route(
        "cooperations:guide-discard",
        "GET",
        only(FACILITATORS, 405),
        path=_with_draft("cooperations:guide-discard"),
    ),
    Route(
        "cooperations:guide-discard",
        "POST",
        only(FACILITATORS, Redirect("/cooperations/guide/")),
        path=_with_draft("cooperations:guide-discard"),
    ),
    Route("cooperations:guide-chapter", "GET", only(FACILITATORS, 405), path=_chapter_url),
    Route(
        "cooperations:guide-chapter",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_chapter_url,
        data={"action": "down"},
    ),
    Route(
        "cooperations:guide-chapter",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_chapter_url,
        data={"intro": "Ce qui a marché.", "version": "0"},
    ),
    Route("cooperations:guide-entry", "GET", only(FACILITATORS, 405), path=_entry_url),
    Route(
        "cooperations:guide-entry",
        "POST",
        only(FACILITATORS, OBJECT),
        path=_entry_url,
        data={"action": "leave_out"},
    ),
]
