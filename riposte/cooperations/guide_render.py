"""An edition's content (guide.edition_content, or a published snapshot) made ready for a
template: chapter titles in the reader's language, dates as dates, links to each debrief and its
cooperation. Shared by the web pages and the PDF, so that both show the same guide."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from riposte.cooperations.guide import NO_EVENT, field_labels
from riposte.cooperations.models import Grouping

# What the guide quotes of each debrief: the practical part, what a colleague can act on. The
# story (context, what worked, what blocked) stays on the debrief's page, which every entry links
# to; the snapshot keeps every field all the same. Quoting everything made a 500-debrief guide
# 563 pages long and 90 s to build (bench/README.md).
GUIDE_FIELDS = ("advice", "do_again", "avoid", "levers")


@dataclass
class GuideItem:
    """One debrief as the guide quotes it."""

    debrief: int
    revision: int
    title: str
    cooperation_id: int
    started_on: dt.date
    ended_on: dt.date | None
    event: str | None
    actors: list[str]
    themes: list[str]
    sections: list[tuple[str, str]]
    # Its place in the guide: the anchor of its first full text, and that chapter's title (the
    # PDF prints it in full once and refers to it elsewhere).
    anchor: str = ""
    home: str = ""

    @property
    def debrief_url(self) -> str:
        return reverse("cooperations:debrief", args=[self.cooperation_id])

    @property
    def revision_url(self) -> str:
        return reverse("cooperations:debrief-revision", args=[self.cooperation_id, self.revision])

    @property
    def cooperation_url(self) -> str:
        return reverse("cooperations:detail", args=[self.cooperation_id])


@dataclass
class GuideEntryView:
    item: GuideItem
    anchor: str
    first: bool  # the first place the guide quotes this debrief in full


@dataclass
class ChapterView:
    key: str
    anchor: str
    title: str
    intro: str
    entries: list[GuideEntryView] = field(default_factory=list)

    @property
    def see_also(self) -> list[tuple[str, list[GuideItem]]]:
        """The debriefs quoted in full in another chapter, by that chapter: the PDF names each
        chapter once and lists them, rather than one paragraph per debrief."""
        groups: dict[str, list[GuideItem]] = {}
        for entry in self.entries:
            if not entry.first:
                groups.setdefault(entry.item.home, []).append(entry.item)
        return list(groups.items())


@dataclass
class GroupingView:
    key: str
    label: str
    chapters: list[ChapterView]


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def chapter_title(chapter: dict[str, Any]) -> str:
    if chapter["key"] == NO_EVENT:
        return _("Outside any declared emergency")
    if _english() and chapter.get("title_en"):
        return str(chapter["title_en"])
    return str(chapter["title"])


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _item(data: dict[str, Any], labels: dict[str, str]) -> GuideItem:
    cooperation = data["cooperation"]
    english = _english()
    fields = data["fields"]
    return GuideItem(
        debrief=data["debrief"],
        revision=data["revision"],
        title=cooperation["title"],
        cooperation_id=cooperation["id"],
        started_on=_date(cooperation["started_on"]) or dt.date.min,
        ended_on=_date(cooperation.get("ended_on")),
        event=cooperation.get("event"),
        actors=list(cooperation.get("actors", [])),
        themes=[t["name_en"] if english else t["name"] for t in data["themes"]],
        sections=[(labels[n], fields[n]) for n in GUIDE_FIELDS if fields.get(n)],
        anchor=f"debrief-{data['debrief']}",
    )


def render_context(content: dict[str, Any]) -> dict[str, Any]:
    labels = field_labels()
    items = {key: _item(data, labels) for key, data in content["debriefs"].items()}
    seen: set[int] = set()
    groupings = []
    names = {Grouping.THEME.value: _("By theme"), Grouping.EVENT.value: _("By emergency")}
    for grouping in (Grouping.THEME.value, Grouping.EVENT.value):
        chapters = []
        for index, chapter in enumerate(content["chapters"].get(grouping, []), start=1):
            anchor = f"{grouping}-{index}"
            view = ChapterView(
                key=chapter["key"], anchor=anchor, title=chapter_title(chapter),
                intro=chapter["intro"],
            )  # fmt: skip
            for debrief_id in chapter["entries"]:
                item = items[str(debrief_id)]
                first = item.debrief not in seen
                if first:
                    item.home = view.title
                seen.add(item.debrief)
                view.entries.append(
                    GuideEntryView(item=item, anchor=f"{anchor}-{item.debrief}", first=first)
                )
            chapters.append(view)
        groupings.append(GroupingView(key=grouping, label=names[grouping], chapters=chapters))
    published_at = content.get("published_at")
    return {
        "content": content,
        "title": content["title"],
        "intro": content["intro"],
        "number": content.get("number"),
        "published_at": dt.datetime.fromisoformat(published_at) if published_at else None,
        "groupings": groupings,
        "by_theme": groupings[0],
        "by_event": groupings[1],
        "debrief_count": len(items),
    }
