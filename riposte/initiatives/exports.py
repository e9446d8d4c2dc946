"""The list of initiatives as a spreadsheet: CSV (any size) or ODS (LibreOffice).

The CSV is produced row by row, 500 initiatives per query. Under ASGI, Django collects a
synchronous stream before sending it, so a large export is held in memory (about 2 KB per
initiative) while it is sent.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

import tablib
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from riposte.initiatives.models import Initiative

# An ODS file is built in memory, slowly (odfpy): past this, the CSV is the way.
ODS_MAX_ROWS = 10_000


def _headers() -> list[str]:
    return [
        "id", _("Title"), _("Stage"), _("Themes"), _("Where"), _("Services"), _("Author"),
        _("Submitted"), _("Supports"), _("Needs"), _("Help requests in progress"), "URL",
    ]  # fmt: skip


def _safe(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet: an initiative's title must never
    # run as one on a colleague's computer.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _rows(initiatives: QuerySet[Initiative], base_url: str) -> Iterator[list[Any]]:
    qs = (
        initiatives.select_related("author")
        .prefetch_related("themes", "communes", "services")
        .annotate(
            n_supports=Count("supports", distinct=True),
            n_help=Count(
                "help_requests",
                filter=Q(help_requests__status__in=["open", "assigned"]),
                distinct=True,
            ),
        )
    )
    for i in qs.iterator(chunk_size=500):
        needs = [
            label
            for wanted, label in (
                (i.needs_time, _("time")),
                (i.needs_budget, _("a budget")),
                (bool(i.needs_partners), _("partners")),
                (i.needs_authorisation, _("an authorisation")),
            )
            if wanted
        ]
        where = (
            _("The whole département")
            if i.whole_department
            else ", ".join(c.name for c in i.communes.all())
        )
        yield [
            _safe(v)
            for v in (
                i.pk, i.title, i.get_stage_display(), ", ".join(str(t) for t in i.themes.all()),
                where, ", ".join(s.name for s in i.services.all()), i.author.full_name,
                i.submitted_at.date().isoformat() if i.submitted_at else "",
                i.n_supports, ", ".join(needs), i.n_help, base_url + i.get_absolute_url(),
            )
        ]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(initiatives: QuerySet[Initiative], base_url: str) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that a spreadsheet opens the UTF-8 file with its accents
    yield writer.writerow(_headers())
    for row in _rows(initiatives, base_url):
        yield writer.writerow(row)


def ods_bytes(initiatives: QuerySet[Initiative], base_url: str) -> bytes:
    data = tablib.Dataset(headers=_headers(), title=_("Initiatives")[:31])
    for row in _rows(initiatives, base_url):
        data.append(row)
    return data.export("ods")
