"""The report as a Word document (DOCX, with python-docx), to be edited in LibreOffice or Word.

The headings are real headings (the styles "Heading 1" to "Heading 3", which LibreOffice maps to
its own "Titre 1"...): the navigator shows the report's outline and a table of contents can be
added. Notes and milestones are bulleted lists. The pitch's Markdown becomes paragraphs, lists
and bold or italic runs. The timeline is the PDF's: a DOCX holds the milestones as lists.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from docx import Document
from markdown_it import MarkdownIt

from riposte.workshops.report import Report, ReportCluster, ReportNote, ReportStep

_md = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough"])
# Word refuses the control characters XML does not allow.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _dots(n: int) -> str:
    return ngettext("%(n)d dot", "%(n)d dots", n) % {"n": n}


def _note(document: Any, note: ReportNote, style: str = "List Bullet") -> None:
    paragraph = document.add_paragraph(style=style)
    paragraph.add_run(_clean(note.text))
    extra = [part for part in (note.author, _dots(note.dots) if note.dots else "") if part]
    if extra:
        run = paragraph.add_run(" (" + ", ".join(_clean(e) for e in extra) + ")")
        run.italic = True


def _step(document: Any, step: ReportStep) -> None:
    document.add_heading(_clean(step.title), level=3)
    if step.hidden:
        document.add_paragraph(_("The notes of this step have not been revealed yet.")).runs[
            0
        ].italic = True
        return
    if not step.entries:
        document.add_paragraph(_("No note.")).runs[0].italic = True
        return
    for entry in step.entries:
        if isinstance(entry, ReportCluster):
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(_clean(entry.title)).bold = True
            if entry.dots:
                paragraph.add_run(f" ({_dots(entry.dots)})").italic = True
            for note in entry.notes:
                _note(document, note, style="List Bullet 2")
        else:
            _note(document, entry)


def _inline(paragraph: Any, token: Any) -> None:
    """The runs of a Markdown inline token: text, bold, italic, code, links (text and URL)."""
    bold = italic = False
    href = ""
    for child in token.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
        elif child.type == "link_close":
            if href:
                paragraph.add_run(f" ({_clean(href)})")
            href = ""
        elif child.type == "hardbreak":
            paragraph.add_run().add_break()
        elif child.type == "softbreak":
            paragraph.add_run(" ")
        elif child.type in ("text", "code_inline"):
            run = paragraph.add_run(_clean(child.content))
            run.bold, run.italic = bold or None, italic or None


def _pitch(document: Any, source: str) -> None:
    """The pitch's Markdown as Word paragraphs: headings a level below the report's, lists
    (nested ones a level deeper), quotes and code as plain paragraphs."""
    lists: list[str] = []
    heading: int | None = None
    for token in _md.parse(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("List Bullet" if token.type == "bullet_list_open" else "List Number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "heading_open":
            heading = min(9, int(token.tag[1]) + 3)
        elif token.type == "heading_close":
            heading = None
        elif token.type == "inline":
            if heading is not None:
                document.add_heading(_clean(token.content), level=heading)
                continue
            style = None
            if lists:
                depth = len(lists)
                style = lists[-1] + (f" {min(depth, 3)}" if depth > 1 else "")
            _inline(document.add_paragraph(style=style), token)
        elif token.type in ("fence", "code_block"):
            document.add_paragraph(_clean(token.content.rstrip("\n")))


def report_docx(report: Report) -> bytes:
    """The DOCX file, in the current language."""
    document = Document()
    properties = document.core_properties
    properties.title = _clean(report.title)
    properties.subject = _clean(report.date_line)
    properties.author = "Riposte"
    properties.language = get_language() or settings.LANGUAGE_CODE

    document.add_heading(_clean(report.title.upper()), level=1)
    for line in (
        report.date_line,
        report.group_line,
        report.facilitators_line,
        report.participants_line,
    ):
        if line:
            document.add_paragraph(_clean(line))
    if report.place:
        document.add_paragraph(_clean(_("Place: %(place)s") % {"place": report.place}))

    document.add_heading(report.pitch_heading.upper(), level=2)
    if report.pitch.strip():
        _pitch(document, report.pitch)
    else:
        document.add_paragraph(_("No pitch.")).runs[0].italic = True
    if report.steps_line:
        document.add_paragraph().add_run(_clean(report.steps_line)).bold = True

    site_root = settings.SITE_ROOT.rstrip("/")
    for axis in report.axes:
        document.add_heading(_clean(axis.heading.upper()), level=2)
        for step in axis.steps:
            _step(document, step)
        document.add_heading(_clean(axis.roadmap_heading.upper()), level=2)
        for step in axis.stages:
            _step(document, step)
        for horizon in axis.horizons:
            document.add_heading(horizon.label, level=3)
            if not horizon.milestones:
                document.add_paragraph(_("No milestone.")).runs[0].italic = True
            for milestone in horizon.milestones:
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(_clean(milestone.title)).bold = milestone.late or None
                paragraph.add_run(" — " + _clean(" · ".join(milestone.details))).italic = True
                for item in milestone.became:
                    where = f" — {site_root}{item.url}" if item.url else ""
                    document.add_paragraph(
                        _clean(
                            _("Became: %(what)s")
                            % {"what": f"{item.label} « {item.title} » ({item.state}){where}"}
                        ),
                        style="List Bullet 2",
                    )

    generated = _("Generated by Riposte on %(date)s.") % {
        "date": date_format(report.generated_on, "DATE_FORMAT")
    }
    document.add_paragraph(generated).runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
