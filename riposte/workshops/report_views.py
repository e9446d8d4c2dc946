"""The workshop's report: the web page, and its downloads as Markdown, PDF and DOCX.

Who may read the workshop may read its report (rules.py): any agent, and the workshop's own
guests; a guest of another workshop gets a 404, someone neither logged in nor a guest the login
page (rules.guest_or_login_required, before the workshop is looked up). The report
is built from the workshop as it is now, in the viewer's language.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from riposte.workshops import rules
from riposte.workshops.models import Workshop
from riposte.workshops.report import Report, report_markdown, workshop_report
from riposte.workshops.report_docx import report_docx as build_docx
from riposte.workshops.report_pdf import report_pdf as build_pdf
from riposte.workshops.timeline import timeline_svg

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _readable(request: HttpRequest, pk: int) -> Workshop:
    workshop = get_object_or_404(Workshop, pk=pk)
    rules.viewer(request, workshop)  # a guest of another workshop: 404
    return workshop


def filename(report: Report, extension: str) -> str:
    """An ASCII name, which every browser keeps as it is: in French
    compte-rendu-riposte-creative-territoriale-2020-11-18.pdf."""
    # Translators: the start of the report's file name (in ASCII once slugified).
    word = _("report")
    stem = slugify(f"{word} {report.title}")[:80].strip("-")
    return f"{stem}-{report.held_on.isoformat()}.{extension}"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@rules.guest_or_login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _readable(request, pk)
    report = workshop_report(workshop)
    context = {
        "workshop": workshop,
        "report": report,
        "timeline": timeline_svg(report, element_id="report-timeline") if report.milestones else "",
        "link_root": "",
    }
    return render(request, "workshops/report.html", context)


@require_safe
@rules.guest_or_login_required
def report_md(request: HttpRequest, pk: int) -> HttpResponse:
    report = workshop_report(_readable(request, pk))
    text = report_markdown(report, site_root=request.build_absolute_uri("/").rstrip("/"))
    return _download(text.encode(), "text/markdown; charset=utf-8", filename(report, "md"))


@require_safe
@rules.guest_or_login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = workshop_report(_readable(request, pk))
    return _download(build_pdf(report), "application/pdf", filename(report, "pdf"))


@require_safe
@rules.guest_or_login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = workshop_report(_readable(request, pk))
    return _download(build_docx(report), DOCX_TYPE, filename(report, "docx"))
