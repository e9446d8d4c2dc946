"""Background jobs of the cooperations module (the graph's metrics have theirs in metrics.py).

guide_pdf_build: a guide's PDF takes up to a minute to build for a large guide; the worker
builds it after publication, or when a download finds none, so no request waits that long.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task

from riposte.cooperations.models import GuideEdition


@task()
def guide_pdf_build(*, edition_id: int, language: str) -> int:
    """Build and keep the PDF of an edition in one language; returns its number of pages."""
    from riposte.cooperations.guide_pdf import pdf_build

    edition = GuideEdition.objects.filter(pk=edition_id).first()
    if edition is None or language not in dict(settings.LANGUAGES):
        return 0  # a draft thrown away before the worker came to it
    return pdf_build(edition=edition, language=language).pages


def guide_pdf_enqueue_all(edition: GuideEdition) -> None:
    """After the commit, one build per language of the site."""
    for language, _name in settings.LANGUAGES:
        transaction.on_commit(
            partial(guide_pdf_build.enqueue, edition_id=edition.pk, language=language)
        )
