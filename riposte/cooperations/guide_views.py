"""Pages of the practical guide: its home (latest edition, all editions, the draft), an edition
by theme and by emergency, its PDF, what changed since the previous edition, and the editing of
the draft by facilitators (keyboard-operable ordering: up and down buttons, with HTMX when it is
there and plain forms when it is not)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riposte.cooperations import debrief_rules as rules
from riposte.cooperations import guide as services
from riposte.cooperations.debrief_forms import ChapterForm, EditionForm, MoveForm
from riposte.cooperations.debriefs import word_diff
from riposte.cooperations.guide_pdf import stored_pdf
from riposte.cooperations.guide_render import chapter_title, render_context
from riposte.cooperations.models import (
    Debrief,
    DebriefStatus,
    EditionStatus,
    Grouping,
    GuideChapter,
    GuideEdition,
    GuideEntry,
)
from riposte.cooperations.tasks import guide_pdf_build
from riposte.core.http import AgentRequest
from riposte.core.permissions import role_required
from riposte.directory.models import Role

OFFSETS = {"up": -1, "down": 1}


def _published(number: int) -> GuideEdition:
    return get_object_or_404(GuideEdition, status=EditionStatus.PUBLISHED, number=number)


def _draft_or_404() -> GuideEdition:
    edition = services.draft_edition()
    if edition is None:
        raise Http404
    return edition


@login_required
def guide_home(request: AgentRequest) -> HttpResponse:
    latest = services.latest_published()
    editions = GuideEdition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-number")
    context: dict[str, object] = {
        "latest": latest,
        "editions": editions,
        "is_facilitator": rules.can_edit_guide(request.user),
    }
    if latest is not None:
        context.update(render_context(latest.snapshot or {}))
    if rules.can_edit_guide(request.user):
        context["draft"] = services.draft_edition()
        context["published_debriefs"] = Debrief.objects.filter(
            status=DebriefStatus.PUBLISHED
        ).count()
    return render(request, "cooperations/guide_home.html", context)


@login_required
def guide_edition(request: AgentRequest, number: int) -> HttpResponse:
    return _edition_page(request, _published(number), Grouping.THEME)


@login_required
def guide_edition_events(request: AgentRequest, number: int) -> HttpResponse:
    return _edition_page(request, _published(number), Grouping.EVENT)


def _edition_page(request: AgentRequest, edition: GuideEdition, grouping: str) -> HttpResponse:
    context = render_context(services.edition_content(edition))
    context.update(
        {
            "edition": edition,
            "grouping": grouping,
            "shown": context["by_theme"] if grouping == Grouping.THEME else context["by_event"],
            "is_facilitator": rules.can_edit_guide(request.user),
        }
    )
    return render(request, "cooperations/guide_edition.html", context)


def _pdf_response(request: AgentRequest, edition: GuideEdition, filename: str) -> HttpResponse:
    """The kept PDF; or ask the worker for it and say that it is on its way (202). Where tasks
    run at once (development, tests), it is there by the time the task returns."""
    language = get_language() or "fr"
    pdf = stored_pdf(edition, language)
    if pdf is None:
        guide_pdf_build.enqueue(edition_id=edition.pk, language=language)
        pdf = stored_pdf(edition, language)
    if pdf is None:
        context = {"edition": edition, "retry": request.get_full_path()}
        return render(request, "cooperations/guide_pdf_wait.html", context, status=202)
    response = HttpResponse(bytes(pdf.data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def guide_edition_pdf(request: AgentRequest, number: int) -> HttpResponse:
    return _pdf_response(request, _published(number), f"guide-riposte-edition-{number}.pdf")


@login_required
def guide_changes(request: AgentRequest, number: int) -> HttpResponse:
    edition = _published(number)
    changes = edition.changes
    labels = services.field_labels()
    changed = [
        {
            **item,
            "labels": [labels[name] for name in item["fields"] if name in labels]
            + ([_("themes")] if item.get("themes") else []),
        }
        for item in changes.get("changed", [])
    ]
    context = {
        "edition": edition,
        "changes": {**changes, "changed": changed},
        "chapters_added": [chapter_title(c) for c in changes.get("chapters_added", [])],
        "chapters_removed": [chapter_title(c) for c in changes.get("chapters_removed", [])],
    }
    return render(request, "cooperations/guide_changes.html", context)


# --- the draft, for facilitators -------------------------------------------------------------------


@role_required(Role.FACILITATOR)
@require_POST
def guide_compile(request: AgentRequest) -> HttpResponse:
    had_draft = services.draft_edition() is not None
    try:
        services.guide_edition_compile(by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cooperations:guide")
    messages.success(
        request,
        _("The draft is brought up to date with the published debriefs; your editing is kept.")
        if had_draft
        else _("A draft of the next edition is compiled from the published debriefs."),
    )
    return redirect("cooperations:guide-draft")


def _draft_context(edition: GuideEdition) -> dict[str, object]:
    entries = GuideEntry.objects.select_related("debrief__cooperation__event", "revision").order_by(
        "position", "id"
    )
    chapters = list(
        edition.chapters.select_related("theme", "event")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .annotate(included=Count("entries", filter=Q(entries__left_out=False)))
        # Said again: Django leaves Meta.ordering out of queries that aggregate.
        .order_by("grouping", "position", "id")
    )
    return {
        "edition": edition,
        "edition_form": EditionForm(initial={"title": edition.title, "intro": edition.intro}),
        "theme_chapters": [c for c in chapters if c.grouping == Grouping.THEME],
        "event_chapters": [c for c in chapters if c.grouping == Grouping.EVENT],
        "latest": services.latest_published(),
    }


@role_required(Role.FACILITATOR)
def guide_draft(request: AgentRequest) -> HttpResponse:
    edition = _draft_or_404()
    return render(request, "cooperations/guide_draft.html", _draft_context(edition))


@role_required(Role.FACILITATOR)
def guide_draft_pdf(request: AgentRequest) -> HttpResponse:
    """A preview of the draft as it would print (the latest one only is kept)."""
    return _pdf_response(request, _draft_or_404(), "guide-riposte-draft.pdf")


@role_required(Role.FACILITATOR)
@require_POST
def guide_draft_update(request: AgentRequest) -> HttpResponse:
    edition = _draft_or_404()
    form = EditionForm(request.POST)
    if form.is_valid():
        try:
            services.guide_edition_update(edition=edition, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The title and the introduction are saved."))
            return redirect("cooperations:guide-draft")
    # The text typed is given back with the reason why, not lost.
    context = {**_draft_context(edition), "edition_form": form}
    return render(request, "cooperations/guide_draft.html", context, status=400)


def _announce(request: AgentRequest, text: str) -> None:
    if not request.htmx:
        messages.success(request, text)


@role_required(Role.FACILITATOR)
@require_POST
def guide_chapter_edit(request: AgentRequest, pk: int) -> HttpResponse:
    chapter = get_object_or_404(GuideChapter.objects.select_related("edition"), pk=pk)
    if not chapter.edition.is_draft:
        raise PermissionDenied
    if "intro" in request.POST:
        return _chapter_intro(request, chapter)
    move = MoveForm(request.POST)
    if not move.is_valid() or move.cleaned_data["action"] not in OFFSETS:
        return HttpResponse(_("Choose up or down."), status=400)
    index, count = services.guide_chapter_move(
        chapter=chapter, by=request.user, offset=OFFSETS[move.cleaned_data["action"]]
    )
    announcement = _("“%(title)s” is now chapter %(index)s of %(count)s.") % {
        "title": chapter.display_title, "index": index + 1, "count": count,
    }  # fmt: skip
    if request.htmx:
        context = _draft_context(chapter.edition)
        theme = chapter.grouping == Grouping.THEME
        context.update(
            {
                "chapters": context["theme_chapters" if theme else "event_chapters"],
                "grouping": chapter.grouping,
                "announcement": announcement,
            }
        )
        return render(request, "cooperations/guide_draft.html#chapter-list", context)
    _announce(request, announcement)
    return redirect(f"{reverse('cooperations:guide-draft')}#chapter-{chapter.pk}")


def _chapter_intro(request: AgentRequest, chapter: GuideChapter) -> HttpResponse:
    """Save a chapter's introduction; or give the draft back with the text typed, and why: too
    long, or saved meanwhile by a colleague (409, both texts shown, as for debriefs)."""
    form = ChapterForm(request.POST)
    status, conflict = 400, None
    if form.is_valid():
        try:
            services.guide_chapter_update(
                chapter=chapter,
                by=request.user,
                intro=form.cleaned_data["intro"],
                version=form.cleaned_data["version"],
            )
        except services.ChapterConflict as exc:
            messages.error(request, exc.messages[0])
            conflict = _intro_conflict(exc.current, form.cleaned_data["intro"])
            status = 409
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The introduction of “%(title)s” is saved.") % {"title": chapter.display_title},
            )
            return redirect(f"{reverse('cooperations:guide-draft')}#chapter-{chapter.pk}")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    # Nothing lost: the sender's text stays in the chapter's box. After a conflict the form
    # carries the current version, so that saving again (after comparing) is a deliberate choice;
    # otherwise the version it was started from.
    kept = {
        "pk": chapter.pk,
        "text": request.POST.get("intro", ""),
        "version": conflict["version"] if conflict else request.POST.get("version", ""),
        "conflict": conflict,
    }
    context = {**_draft_context(chapter.edition), "kept": kept}
    return render(request, "cooperations/guide_draft.html", context, status=status)


def _intro_conflict(current: GuideChapter, mine: str) -> dict[str, object]:
    """What the colleague saved, and how it differs from the sender's text, word by word."""
    mine = mine.replace("\r\n", "\n").strip()
    return {
        "version": current.intro_version,
        "by": current.intro_by,
        "at": current.intro_at,
        "saved": current.intro,
        "pieces": word_diff(mine, current.intro),
    }


@role_required(Role.FACILITATOR)
@require_POST
def guide_entry_edit(request: AgentRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        GuideEntry.objects.select_related("chapter__edition", "debrief__cooperation"), pk=pk
    )
    if not entry.chapter.edition.is_draft:
        raise PermissionDenied
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose up, down, leave out or include."), status=400)
    action = form.cleaned_data["action"]
    title = entry.debrief.cooperation.title
    if action in OFFSETS:
        index, count = services.guide_entry_move(
            entry=entry, by=request.user, offset=OFFSETS[action]
        )
        announcement = _("“%(title)s” is now entry %(index)s of %(count)s.") % {
            "title": title, "index": index + 1, "count": count,
        }  # fmt: skip
    else:
        left_out = action == "leave_out"
        services.guide_entry_leave_out(entry=entry, by=request.user, left_out=left_out)
        announcement = (
            _("“%(title)s” is left out of this chapter.")
            if left_out
            else _("“%(title)s” is back in this chapter.")
        ) % {"title": title}
    if request.htmx:
        entries = GuideEntry.objects.filter(chapter_id=entry.chapter_id).select_related(
            "debrief__cooperation", "revision"
        )
        context = {
            "chapter": entry.chapter,
            "entries": list(entries.order_by("position", "id")),
            "entry_announcement": announcement,
        }
        return render(request, "cooperations/guide_draft.html#entries", context)
    _announce(request, announcement)
    return redirect(f"{reverse('cooperations:guide-draft')}#chapter-{entry.chapter_id}")


@role_required(Role.FACILITATOR)
@require_POST
def guide_publish(request: AgentRequest) -> HttpResponse:
    edition = _draft_or_404()
    try:
        edition = services.guide_edition_publish(edition=edition, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cooperations:guide-draft")
    messages.success(request, _("Edition %(number)s is published.") % {"number": edition.number})
    return redirect(edition)


@role_required(Role.FACILITATOR)
@require_POST
def guide_discard(request: AgentRequest) -> HttpResponse:
    edition = _draft_or_404()
    services.guide_edition_discard(edition=edition, by=request.user)
    messages.success(request, _("The draft is thrown away. The debriefs are untouched."))
    return redirect("cooperations:guide")
