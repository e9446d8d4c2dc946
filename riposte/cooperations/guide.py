"""The practical guide: compile a draft edition from the published debriefs, edit it (order,
chapter introductions, entries left out), publish it as a frozen, numbered snapshot, and say what
changed since the previous edition.

Two groupings of the same debriefs: by theme (a debrief with several themes is in each of their
chapters) and by emergency (the cooperation's event; "outside any declared emergency" otherwise).
Each entry keeps the debrief, the revision of it that was published, and the cooperation.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riposte.cooperations import debrief_rules as rules
from riposte.cooperations.models import (
    DEBRIEF_FIELDS,
    FIELD_NAMES,
    Debrief,
    DebriefRevision,
    DebriefStatus,
    EditionStatus,
    Grouping,
    GuideChapter,
    GuideEdition,
    GuideEntry,
)
from riposte.cooperations.models.guide import TEXT_MAX
from riposte.core.audit import audit_record
from riposte.core.notifications import notification_send
from riposte.directory.models import Agent

SNAPSHOT_FORMAT = 1
DEFAULT_TITLE = "Guide pratique des coopérations en situation d'urgence"
NO_EVENT = "event:0"


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _draft_for_update(edition: GuideEdition) -> GuideEdition:
    edition = GuideEdition.objects.select_for_update().get(pk=edition.pk)
    if not edition.is_draft:
        raise ValidationError(_("This edition is published: it can no longer change."))
    return edition


def latest_published() -> GuideEdition | None:
    return GuideEdition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-number").first()


def draft_edition() -> GuideEdition | None:
    return GuideEdition.objects.filter(status=EditionStatus.DRAFT).first()


# --- compile ----------------------------------------------------------------------------------------


def _published_debriefs() -> list[Debrief]:
    return list(
        Debrief.objects.filter(status=DebriefStatus.PUBLISHED)
        .select_related("cooperation__event", "published_revision")
        .prefetch_related("themes")
        .order_by("cooperation__started_on", "pk")
    )


def _wanted_chapters(debriefs: list[Debrief]) -> dict[str, dict[str, Any]]:
    """Chapter key -> {grouping, theme, event, title, debriefs: [...]} for these debriefs."""
    wanted: dict[str, dict[str, Any]] = {}
    for debrief in debriefs:
        for theme in debrief.themes.all():
            chapter = wanted.setdefault(
                f"theme:{theme.pk}",
                {"grouping": Grouping.THEME, "theme": theme, "event": None, "title": theme.name,
                 "sort": (0, theme.name.casefold()), "debriefs": []},
            )  # fmt: skip
            chapter["debriefs"].append(debrief)
        event = debrief.cooperation.event
        # Emergencies in the order they happened; the cooperations outside any come last.
        chapter = wanted.setdefault(
            f"event:{event.pk}" if event else NO_EVENT,
            {"grouping": Grouping.EVENT, "theme": None, "event": event,
             "title": event.name if event else "",
             "sort": (0, event.starts_on.isoformat(), event.name) if event else (1,),
             "debriefs": []},
        )  # fmt: skip
        chapter["debriefs"].append(debrief)
    return wanted


@transaction.atomic
def guide_edition_compile(*, by: Agent) -> GuideEdition:
    """Build the next edition's draft from the published debriefs, or bring the draft up to date.

    The editorial work is kept: a refreshed draft keeps its order, introductions and entries left
    out; a new draft starts from the previous edition's chapter order and introductions. New
    chapters and entries go at the end, in the order of the cooperations' start dates.
    """
    _require(rules.can_edit_guide(by))
    debriefs = _published_debriefs()
    if not debriefs:
        raise ValidationError(
            _("No debrief is published yet: publish one before compiling the guide.")
        )
    edition = GuideEdition.objects.select_for_update().filter(status=EditionStatus.DRAFT).first()
    previous = latest_published()
    if edition is None:
        edition = GuideEdition(
            title=previous.title if previous else DEFAULT_TITLE,
            intro=previous.intro if previous else "",
            compiled_by=by,
        )
        try:
            with transaction.atomic():  # one draft at a time, in the database
                edition.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("A colleague is compiling the guide at this very moment: reload the page.")
            ) from exc
        carried = _carried_from(previous)
    else:
        carried = {}
    wanted = _wanted_chapters(debriefs)
    existing = {c.key: c for c in edition.chapters.all()}
    # Chapters that no longer have any published debrief go (with their entries).
    for key, chapter in existing.items():
        if key not in wanted:
            chapter.delete()
    for grouping in (Grouping.THEME, Grouping.EVENT):
        keys = [k for k, w in wanted.items() if w["grouping"] == grouping]
        # Known chapters first, in their order; then the new ones by title.
        order = {k: (0, existing[k].position) for k in keys if k in existing}
        order.update(
            {k: (1, carried[k]["position"]) for k in keys if k not in existing and k in carried}
        )
        new_keys = sorted((k for k in keys if k not in order), key=lambda k: wanted[k]["sort"])
        ordered = sorted(order, key=order.__getitem__) + new_keys
        for position, key in enumerate(ordered):
            want = wanted[key]
            chapter = existing.get(key) or GuideChapter(
                edition=edition,
                grouping=grouping,
                theme=want["theme"],
                event=want["event"],
                intro=carried.get(key, {}).get("intro", ""),
            )
            chapter.title = want["title"]
            chapter.position = position
            if chapter.pk is None:
                chapter.save()
            else:  # its introduction is the editors' (and versioned): not written back here
                chapter.save(update_fields=["title", "position"])
            _refresh_entries(chapter, want["debriefs"])
    edition.compiled_by, edition.compiled_at = by, timezone.now()
    edition.save(update_fields=["compiled_by", "compiled_at"])
    audit_record(
        actor=by, action="guide.compile", target=edition, changes={"debriefs": len(debriefs)}
    )
    return edition


def _carried_from(previous: GuideEdition | None) -> dict[str, dict[str, Any]]:
    """The previous edition's chapters: their order and introductions, by key."""
    if previous is None:
        return {}
    return {
        c.key: {"position": c.position, "intro": c.intro}
        for c in previous.chapters.all()  # the rows of a published edition are kept as they were
    }


def _refresh_entries(chapter: GuideChapter, debriefs: list[Debrief]) -> None:
    by_debrief = {e.debrief_id: e for e in chapter.entries.all()}
    wanted = {d.pk: d for d in debriefs}
    chapter.entries.exclude(debrief_id__in=wanted).delete()
    end = max((e.position for e in by_debrief.values()), default=-1) + 1
    new = []
    for pk, debrief in wanted.items():
        revision_id = debrief.published_revision_id
        assert revision_id is not None  # published: the check constraint says so
        entry = by_debrief.get(pk)
        if entry is None:
            new.append(
                GuideEntry(chapter=chapter, debrief=debrief, revision_id=revision_id, position=end)
            )
            end += 1
        elif entry.revision_id != revision_id:
            entry.revision_id = revision_id
            entry.save(update_fields=["revision"])
    GuideEntry.objects.bulk_create(new)


# --- editorial work on the draft ------------------------------------------------------------------


def _clean_text(value: str, *, name: str, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = re.sub(r"\r\n?", "\n", value).strip()
    if required and not text:
        raise ValidationError({name: _("This field cannot be empty.")})
    if len(text) > limit:
        raise ValidationError(
            {name: _("Say it in %(max)s characters at most (this text has %(length)s).")
                % {"max": limit, "length": len(text)}}
        )  # fmt: skip
    return text


@transaction.atomic
def guide_edition_update(*, edition: GuideEdition, by: Agent, title: str, intro: str) -> None:
    _require(rules.can_edit_guide(by))
    edition = _draft_for_update(edition)
    edition.title = " ".join(_clean_text(title, name="title", required=True, limit=200).split())
    edition.intro = _clean_text(intro, name="intro")
    edition.save(update_fields=["title", "intro"])


class ChapterConflict(ValidationError):
    """The chapter's introduction was saved by someone else since the form was opened."""

    def __init__(self, message: str, *, current: GuideChapter) -> None:
        super().__init__(message, code="stale")
        self.current = current


def _chapter_conflict(current: GuideChapter) -> ChapterConflict:
    return ChapterConflict(
        _("%(name)s saved the introduction of “%(title)s” while you were writing (version "
          "%(version)s). Your text is kept in the form below: compare it with theirs, then save "
          "again.")
        % {"name": str(current.intro_by) if current.intro_by else _("A colleague"),
           "title": current.display_title, "version": current.intro_version},
        current=current,
    )  # fmt: skip


@transaction.atomic
def guide_chapter_update(
    *, chapter: GuideChapter, by: Agent, intro: str, version: int
) -> GuideChapter:
    """A facilitator saves a chapter's introduction, from the version their form started from.

    A stale version (a colleague saved since) raises ChapterConflict, as debrief_edit does: the
    caller keeps the sender's text and shows the saved one. Saving the same text changes nothing.
    """
    _require(rules.can_edit_guide(by))
    _draft_for_update(chapter.edition)
    text = _clean_text(intro, name="intro")
    current = GuideChapter.objects.select_for_update().get(pk=chapter.pk)
    if current.intro_version != version:
        raise _chapter_conflict(current)
    if text == current.intro:
        return current
    # The version in the WHERE clause is the guard that holds even where the row lock above is
    # not one (SQLite).
    updated = GuideChapter.objects.filter(pk=chapter.pk, intro_version=version).update(
        intro=text, intro_version=version + 1, intro_by=by, intro_at=timezone.now()
    )
    if not updated:
        raise _chapter_conflict(GuideChapter.objects.get(pk=chapter.pk))
    current.refresh_from_db()
    audit_record(
        actor=by, action="guide.chapter_intro", target=current,
        changes={"version": current.intro_version},
    )  # fmt: skip
    return current


def _reorder(siblings: list[Any], item: Any, offset: int) -> tuple[int, int]:
    """Move `item` by `offset` places among its siblings (in their current order) and number them
    0..n-1. Returns its new index and the count. At either end it stays where it is."""
    ids = [s.pk for s in siblings]
    index = ids.index(item.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    moved = siblings.pop(index)
    siblings.insert(target, moved)
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    return target, len(siblings)


@transaction.atomic
def guide_chapter_move(*, chapter: GuideChapter, by: Agent, offset: int) -> tuple[int, int]:
    _require(rules.can_edit_guide(by))
    _draft_for_update(chapter.edition)
    siblings = list(
        GuideChapter.objects.filter(edition_id=chapter.edition_id, grouping=chapter.grouping)
    )
    return _reorder(siblings, chapter, offset)


@transaction.atomic
def guide_entry_move(*, entry: GuideEntry, by: Agent, offset: int) -> tuple[int, int]:
    _require(rules.can_edit_guide(by))
    _draft_for_update(entry.chapter.edition)
    return _reorder(list(GuideEntry.objects.filter(chapter_id=entry.chapter_id)), entry, offset)


@transaction.atomic
def guide_entry_leave_out(*, entry: GuideEntry, by: Agent, left_out: bool) -> GuideEntry:
    _require(rules.can_edit_guide(by))
    _draft_for_update(entry.chapter.edition)
    entry.left_out = left_out
    entry.save(update_fields=["left_out"])
    return entry


@transaction.atomic
def guide_edition_discard(*, edition: GuideEdition, by: Agent) -> None:
    """Throw the draft away (the debriefs are untouched); the next compile starts afresh."""
    _require(rules.can_edit_guide(by))
    edition = _draft_for_update(edition)
    audit_record(actor=by, action="guide.discard", target=edition)
    edition.delete()


# --- content, publication, changes -----------------------------------------------------------------


def edition_content(edition: GuideEdition) -> dict[str, Any]:
    """The whole content of an edition as plain data: what the pages and the PDF show, and what
    publication freezes. Entries left out, and chapters left empty, are not in it."""
    if edition.snapshot is not None:
        return edition.snapshot
    chapters = list(
        edition.chapters.select_related("theme", "event").prefetch_related(
            Prefetch(
                "entries",
                queryset=GuideEntry.objects.filter(left_out=False).order_by("position", "id"),
            )
        )
    )
    revision_ids = {e.revision_id for c in chapters for e in c.entries.all()}
    revisions = {
        r.pk: r
        for r in DebriefRevision.objects.filter(pk__in=revision_ids).select_related(
            "debrief__cooperation__event", "debrief__published_by"
        )
    }
    debriefs = {r.debrief_id: r.debrief for r in revisions.values()}
    actors = _actor_names(list(debriefs.values()))
    theme_names = _theme_names(revisions.values())
    content: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "title": edition.title,
        "intro": edition.intro,
        "number": edition.number,
        "published_at": edition.published_at.isoformat() if edition.published_at else None,
        "chapters": {Grouping.THEME.value: [], Grouping.EVENT.value: []},
        "debriefs": {},
    }
    for chapter in chapters:
        entries = [e for e in chapter.entries.all() if e.revision_id in revisions]
        if not entries:
            continue
        content["chapters"][chapter.grouping].append(
            {
                "key": chapter.key,
                "title": chapter.title,
                "title_en": chapter.theme.name_en if chapter.theme else chapter.title,
                "intro": chapter.intro,
                "entries": [e.debrief_id for e in entries],
            }
        )
        for entry in entries:
            revision = revisions[entry.revision_id]
            content["debriefs"].setdefault(
                str(entry.debrief_id),
                _entry_content(revision, actors.get(revision.debrief_id, []), theme_names),
            )
    return content


def _entry_content(
    revision: DebriefRevision, actors: list[str], theme_names: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    debrief = revision.debrief
    cooperation = debrief.cooperation
    event = cooperation.event
    slugs = revision.content.get("themes", [])
    return {
        "debrief": debrief.pk,
        "revision": revision.number,
        "cooperation": {
            "id": cooperation.pk,
            "title": cooperation.title,
            "started_on": cooperation.started_on.isoformat(),
            "ended_on": cooperation.ended_on.isoformat() if cooperation.ended_on else None,
            "event": event.name if event else None,
            "actors": actors,
        },
        "themes": [
            {
                "slug": s,
                "name": theme_names.get(s, (s, s))[0],
                "name_en": theme_names.get(s, (s, s))[1],
            }
            for s in slugs
        ],
        "fields": revision.fields,
        "published_at": debrief.published_at.isoformat() if debrief.published_at else None,
    }


def _actor_names(debriefs: list[Debrief]) -> dict[int, list[str]]:
    from riposte.cooperations.models import CooperationActor

    by_cooperation: dict[int, list[str]] = defaultdict(list)
    rows = (
        CooperationActor.objects.filter(cooperation_id__in=[d.cooperation_id for d in debriefs])
        .order_by("actor__name", "id")
        .values_list("cooperation_id", "actor__name")
    )
    for cooperation_id, name in rows:
        by_cooperation[cooperation_id].append(name)
    return {d.pk: by_cooperation.get(d.cooperation_id, []) for d in debriefs}


def _theme_names(revisions: Any) -> dict[str, tuple[str, str]]:
    from riposte.initiatives.models import Theme

    slugs = {s for r in revisions for s in r.content.get("themes", [])}
    return {t.slug: (t.name, t.name_en) for t in Theme.objects.filter(slug__in=slugs)}


def _digest(entry: dict[str, Any]) -> str:
    significant = {k: entry[k] for k in ("fields", "themes", "cooperation")}
    return hashlib.sha256(json.dumps(significant, sort_keys=True).encode()).hexdigest()


def snapshot_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """What changed between two snapshots: debriefs added, removed, changed (and which of their
    fields), chapters added and removed. Computed from the snapshots alone, so it stays true
    whatever happens to the debriefs afterwards."""
    old = (before or {}).get("debriefs", {})
    new = after["debriefs"]

    def summary(entry: dict[str, Any]) -> dict[str, Any]:
        return {"debrief": entry["debrief"], "title": entry["cooperation"]["title"]}

    changed = []
    for key in sorted(set(old) & set(new), key=int):
        if _digest(old[key]) == _digest(new[key]):
            continue
        fields = [n for n in FIELD_NAMES if old[key]["fields"].get(n) != new[key]["fields"].get(n)]
        themes_changed = old[key]["themes"] != new[key]["themes"]
        changed.append({**summary(new[key]), "fields": fields, "themes": themes_changed})

    def chapters(snapshot: dict[str, Any] | None) -> dict[str, dict[str, str]]:
        if not snapshot:
            return {}
        # By grouping in a set order: PostgreSQL's jsonb does not keep the keys' order.
        return {
            c["key"]: {"key": c["key"], "title": c["title"], "title_en": c["title_en"]}
            for grouping in (Grouping.THEME.value, Grouping.EVENT.value)
            for c in snapshot["chapters"].get(grouping, [])
        }

    old_chapters, new_chapters = chapters(before), chapters(after)
    return {
        "previous": (before or {}).get("number"),
        "added": [summary(new[k]) for k in sorted(set(new) - set(old), key=int)],
        "removed": [summary(old[k]) for k in sorted(set(old) - set(new), key=int)],
        "changed": changed,
        "chapters_added": [new_chapters[k] for k in new_chapters if k not in old_chapters],
        "chapters_removed": [old_chapters[k] for k in old_chapters if k not in new_chapters],
    }


@transaction.atomic
def guide_edition_publish(*, edition: GuideEdition, by: Agent) -> GuideEdition:
    """Freeze the draft: its content becomes a snapshot that never changes, with the next number
    (1, 2, 3...: unique in the database) and what changed since the previous edition."""
    _require(rules.can_edit_guide(by))
    edition = _draft_for_update(edition)
    content = edition_content(edition)
    if not content["debriefs"]:
        raise ValidationError(
            _("Every entry is left out: include at least one debrief before publishing.")
        )
    previous = latest_published()
    highest = GuideEdition.objects.aggregate(n=Max("number"))["n"] or 0
    now = timezone.now()
    number = highest + 1
    content = {**content, "number": number, "published_at": now.isoformat()}
    edition.number, edition.status = number, EditionStatus.PUBLISHED
    edition.published_by, edition.published_at = by, now
    edition.snapshot = content
    edition.changes = snapshot_changes(previous.snapshot if previous else None, content)
    try:
        with transaction.atomic():  # the number is unique: a concurrent publication loses
            edition.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Another edition was published at the same moment: reload the page.")
        ) from exc
    from riposte.cooperations.tasks import guide_pdf_enqueue_all

    guide_pdf_enqueue_all(edition)  # ready before the first download, in every language
    audit_record(
        actor=by, action="guide.publish", target=edition,
        changes={"number": number, "debriefs": len(content["debriefs"])},
    )  # fmt: skip
    added = [item["debrief"] for item in edition.changes["added"]]
    if added:
        notification_send(
            recipients=Agent.objects.filter(
                debrief_contributions__debrief_id__in=added, is_active=True
            ).distinct(),
            actor=by,
            message=gettext_lazy(
                "Edition %(number)s of the practical guide is published, with your debrief in it."
            ),
            params={"number": number},
            url=edition.get_absolute_url(),
        )
    return edition


def field_labels() -> dict[str, str]:
    return {name: str(label) for name, label, _question in DEBRIEF_FIELDS}
