"""The report as a PDF, with WeasyPrint: a cover (title, date, group, who took part), then the
report in the seed document's order, then the roadmap drawn as a timeline; page numbers at the
foot of every page but the cover.

A workshop's report is a few pages (bench/README.md, "The report's PDF": well under a second
for a full afternoon), so it is built when it is downloaded, in the viewer's language, and not
kept: it is always the workshop as it is now.

No network, as for the practical guide (riposte/cooperations/guide_pdf.py, whose URL fetcher is
reused): the machine's fonts (Liberation Sans, else DejaVu Sans), and nothing fetched but inline
data: the timeline goes in as a data: URI, and no text written in a note can make the server
fetch a URL.
"""

from __future__ import annotations

import base64
import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

# WeasyPrint logs every step at INFO: quietened before its import, as in guide_pdf.py.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402

from riposte.cooperations.guide_pdf import LocalOnlyFetcher  # noqa: E402
from riposte.workshops.report import Report  # noqa: E402
from riposte.workshops.timeline import timeline_svg  # noqa: E402


def report_html(report: Report) -> str:
    """The print document, in the current language."""
    svg = timeline_svg(report, element_id="pdf-timeline")
    timeline_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    context = {
        "report": report,
        "timeline_uri": timeline_uri,
        "has_milestones": bool(report.milestones),
        "site_root": settings.SITE_ROOT.rstrip("/"),
    }
    return render_to_string("workshops/report_pdf.html", context)


def report_document(report: Report) -> Any:
    """WeasyPrint's laid-out document: its pages can be counted and read (tests, bench)."""
    return HTML(string=report_html(report), url_fetcher=LocalOnlyFetcher()).render()


def report_pdf(report: Report) -> bytes:
    # Whole fonts: subsetting them costs more time than the few hundred KiB it saves.
    return bytes(report_document(report).write_pdf(full_fonts=True))
