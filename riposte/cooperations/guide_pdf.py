"""The guide as a PDF, with WeasyPrint: a cover, a table of contents with page numbers, one
section per chapter, page numbers in the margins. Built from an edition's content (its frozen
snapshot once published), so that the PDF of edition N is the same whenever it is downloaded.

A guide of 500 debriefs is about 210 pages, and WeasyPrint lays out some 10 to 15 pages a second
on a small server (bench/README.md): a PDF is built once per edition and language, by the worker
(tasks.guide_pdf_build, enqueued at publication and on a download that finds none), and kept in
the database, which every process and machine shares.

No network: the fonts are the machine's (Liberation Sans, else DejaVu Sans, through fontconfig:
Debian's fonts-liberation and fonts-dejavu-core), and the URL fetcher
refuses anything that is not inline data, so that no text put in a debrief can make the server
fetch a URL while it builds the PDF.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint logs every step and page at INFO (its import parses its own stylesheets, logged
# too): a 250-page guide would fill the logs. Set before the import.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML, URLFetcher  # noqa: E402

from riposte.cooperations.guide import edition_content  # noqa: E402
from riposte.cooperations.guide_render import render_context  # noqa: E402
from riposte.cooperations.models import GuideEdition, GuidePdf  # noqa: E402

# Bump when the template or its CSS change: PDFs kept from the old layout are then rebuilt.
LAYOUT_VERSION = 3


class LocalOnlyFetcher(URLFetcher):
    """Refuses every URL but data: ones. WeasyPrint catches the error and goes on without the
    resource (an image, a stylesheet), so a stray URL costs a missing picture, never a request."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"Riposte builds PDFs without fetching anything: {url[:100]}")


def guide_html(content: dict[str, Any], *, draft: bool = False) -> str:
    """The print document, in the current language."""
    context = render_context(content)
    context.update({"draft": draft, "site_root": settings.SITE_ROOT.rstrip("/")})
    return render_to_string("cooperations/guide_pdf.html", context)


def guide_document(content: dict[str, Any], *, draft: bool = False) -> Any:
    """WeasyPrint's laid-out document: its pages can be counted and inspected (tests, bench)."""
    return HTML(string=guide_html(content, draft=draft), url_fetcher=LocalOnlyFetcher()).render()


def guide_pdf(content: dict[str, Any], *, draft: bool = False) -> bytes:
    # Whole fonts: subsetting them costs more time than the few hundred KiB it saves.
    return bytes(guide_document(content, draft=draft).write_pdf(full_fonts=True))


def content_digest(content: dict[str, Any], language: str) -> str:
    payload = json.dumps([LAYOUT_VERSION, language, content], sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()


def stored_pdf(edition: GuideEdition, language: str) -> GuidePdf | None:
    """The PDF kept for the edition's content as it is now, in this language, if built."""
    digest = content_digest(edition_content(edition), language)
    return GuidePdf.objects.filter(edition=edition, language=language, digest=digest).first()


def pdf_build(*, edition: GuideEdition, language: str) -> GuidePdf:
    """Build and keep the PDF of the edition's current content in `language` (once: a PDF
    already kept is returned as it is). A draft keeps only its latest preview."""
    content = edition_content(edition)
    digest = content_digest(content, language)
    found = GuidePdf.objects.filter(edition=edition, language=language, digest=digest).first()
    if found is not None:
        return found
    started = time.perf_counter()
    with translation.override(language):
        document = guide_document(content, draft=edition.is_draft)
        data = bytes(document.write_pdf(full_fonts=True))
    pdf = GuidePdf(
        edition=edition, language=language, digest=digest, data=data,
        pages=len(document.pages), seconds=time.perf_counter() - started,
    )  # fmt: skip
    try:
        with transaction.atomic():
            pdf.save()
            if edition.is_draft:
                GuidePdf.objects.filter(edition=edition, language=language).exclude(
                    pk=pdf.pk
                ).delete()
    except IntegrityError:  # another worker kept the same one meanwhile
        return GuidePdf.objects.get(edition=edition, language=language, digest=digest)
    return pdf
