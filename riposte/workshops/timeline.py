"""The roadmap drawn as a timeline: an SVG built on the server, for the PDF and the web page.

One lane per axis; along the x axis the workshop's date, then the horizons 1 month, 6 months,
1 year and 2 years, equally spaced (so that the near milestones are not crushed against the
start), and a last column for the ideal, which has no date. Each milestone sits at its due date,
placed between the two horizons around it; without a due date, at its horizon's. Labels that
would overlap go to the next row of their lane.

The marks differ in shape, not only in colour: a full circle is done, a ring is to do, a diamond
is late, a cross is dropped. The drawing is a picture: the page gives the same milestones as a
list (its text alternative), and the SVG names itself with a title and a description.

Everything written by people is escaped; characters XML does not allow are dropped. No style
element nor style attribute (the site's Content-Security-Policy forbids inline styles): only
presentation attributes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from riposte.workshops.models import Horizon, MilestoneStatus
from riposte.workshops.report import Report, ReportMilestone

WIDTH = 960
LABEL_W = 170  # the axes' names
IDEAL_W = 150
TOP = 56  # the horizons' header
ROW_H = 18
LANE_PAD = 10
FONT = 11
CHAR_W = 6.0  # average advance of Liberation Sans at 11 px, to place labels without a font
LEGEND_H = 34
FONT_FAMILY = "Liberation Sans, DejaVu Sans, Arial, sans-serif"

INK = "#1a1a1a"
MUTED = "#4d4d4d"
GRID = "#b3b3b3"
LANE = "#f2f4f8"
COLOURS = {"open": "#0b3d6b", "done": "#1b6e2a", "late": "#a4161a", "dropped": "#595959"}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The horizons with a date, in order, as months after the workshop.
DATED = [h for h in Horizon if h.months is not None]


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _cut(value: str, chars: int) -> str:
    value = " ".join(value.split())
    if chars < 2:
        return ""
    return value if len(value) <= chars else value[: chars - 1].rstrip() + "…"


@dataclass
class _Placed:
    milestone: ReportMilestone
    x: float
    row: int = 0
    label: str = ""
    # Near the right end there is no room after the mark: the label goes before it.
    before: bool = False


def _kind(milestone: ReportMilestone) -> str:
    if milestone.status == MilestoneStatus.DONE:
        return "done"
    if milestone.status == MilestoneStatus.DROPPED:
        return "dropped"
    return "late" if milestone.late else "open"


def _mark(kind: str, x: float, y: float) -> str:
    colour = COLOURS[kind]
    if kind == "done":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if kind == "late":
        points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "dropped":
        return (
            f'<path d="M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} '
            f'M{x - 4:.1f},{y + 4:.1f} L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" '
            'stroke-width="2.2" fill="none"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#ffffff" stroke="{colour}" '
        'stroke-width="2"/>'
    )


class _Scale:
    """Due dates to x: the workshop's date and the four dated horizons equally spaced, dates in
    between placed in proportion; before the workshop at its date, after two years at the end."""

    def __init__(self, held_on: dt.date, x0: float, x1: float) -> None:
        self.dates = [held_on] + [h.due_from(held_on) or held_on for h in DATED]
        step = (x1 - x0) / (len(self.dates) - 1)
        self.xs = [x0 + step * n for n in range(len(self.dates))]

    def x(self, day: dt.date) -> float:
        if day <= self.dates[0]:
            return self.xs[0]
        for (d0, x0), (d1, x1) in zip(
            zip(self.dates, self.xs, strict=True),
            zip(self.dates[1:], self.xs[1:], strict=True),
            strict=True,
        ):
            if day <= d1:
                span = (d1 - d0).days or 1
                return x0 + (x1 - x0) * (day - d0).days / span
        return self.xs[-1]


def _place(items: list[_Placed], left: float, right: float) -> int:
    """Rows for the labels of one lane, left to right, each in the first row where it fits;
    returns how many rows. A label goes after its mark, or before it where the lane ends too
    soon, and is cut to the room it has."""
    ends: list[float] = []
    for item in sorted(items, key=lambda i: i.x):
        title = item.milestone.title
        after = int((right - item.x - 9) / CHAR_W)
        item.before = after < min(len(title), 16)
        room = int((item.x - 9 - left) / CHAR_W) if item.before else after
        item.label = _cut(title, min(40, room))
        width = len(item.label) * CHAR_W
        start, end = (
            (item.x - 9 - width, item.x + 6) if item.before else (item.x - 6, item.x + 9 + width)
        )
        for row, last in enumerate(ends):
            if last <= start - 4:
                item.row, ends[row] = row, end
                break
        else:
            item.row = len(ends)
            ends.append(end)
    return max(1, len(ends))


def timeline_svg(report: Report, *, width: int = WIDTH, element_id: str = "timeline") -> str:
    """The SVG document (no XML declaration: it can be put inline in a page as it is)."""
    ideal_x0 = width - IDEAL_W
    scale = _Scale(report.held_on, LABEL_W + 20, ideal_x0 - 30)
    lanes: list[tuple[str, list[_Placed], list[_Placed], int]] = []
    for axis in report.axes:
        dated: list[_Placed] = []
        ideal: list[_Placed] = []
        for horizon in axis.horizons:
            for milestone in horizon.milestones:
                if horizon.value == Horizon.IDEAL:
                    ideal.append(_Placed(milestone, ideal_x0 + 12))
                    continue
                due = milestone.due_on or Horizon(horizon.value).due_from(report.held_on)
                dated.append(_Placed(milestone, scale.x(due or report.held_on)))
        rows = _place(dated, LABEL_W + 6, ideal_x0 - 4)
        for row, item in enumerate(ideal):
            item.row = row
            item.label = _cut(item.milestone.title, int((width - item.x - 12) / CHAR_W))
        # Two rows at least: the axis's name may take two lines.
        lanes.append((axis.heading, dated, ideal, max(rows, len(ideal), 2)))

    height = TOP + sum(rows * ROW_H + 2 * LANE_PAD for *_rest, rows in lanes) + LEGEND_H + 8
    count = sum(len(d) + len(i) for _h, d, i, _r in lanes)
    title = _("Roadmap of the workshop “%(title)s”") % {"title": report.title}
    desc = ngettext(
        "%(count)d milestone on %(axes)d axes, placed by due date between the workshop and two years later, then the ideal. The same milestones are listed by axis and horizon in the report.",
        "%(count)d milestones on %(axes)d axes, placed by due date between the workshop and two years later, then the ideal. The same milestones are listed by axis and horizon in the report.",
        count,
    ) % {"count": count, "axes": len(report.axes)}

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" font-family="{FONT_FAMILY}" '
        f'font-size="{FONT}" fill="{INK}">',
        f'<title id="{element_id}-title">{_text(title)}</title>',
        f'<desc id="{element_id}-desc">{_text(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    # The lanes first, then the grid over them, then the milestones over the grid.
    names: list[tuple[int, str, str]] = []
    y = TOP
    for heading, _dated, _ideal, rows in lanes:
        lane_h = rows * ROW_H + 2 * LANE_PAD
        out.append(
            f'<rect x="4" y="{y}" width="{width - 8}" height="{lane_h - 4}" fill="{LANE}" rx="4"/>'
        )
        names.append((y, *_two_lines(heading)))
        y += lane_h
    body_bottom = y - 4
    labels = [_("Workshop")] + [str(h.label) for h in DATED]
    for label, day, x in zip(labels, scale.dates, scale.xs, strict=True):
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{body_bottom}" stroke="{GRID}" '
            'stroke-dasharray="3 3"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="20" text-anchor="middle" font-weight="bold">'
            f"{_text(label)}</text>"
        )
        out.append(
            f'<text x="{x:.1f}" y="36" text-anchor="middle" fill="{MUTED}" font-size="10">'
            f"{_text(date_format(day, 'SHORT_DATE_FORMAT'))}</text>"
        )
    out.append(
        f'<text x="{ideal_x0 + IDEAL_W / 2:.1f}" y="20" text-anchor="middle" '
        f'font-weight="bold">{_text(str(Horizon.IDEAL.label))}</text>'
    )
    out.append(
        f'<line x1="{ideal_x0 - 6}" y1="{TOP - 8}" x2="{ideal_x0 - 6}" y2="{body_bottom}" '
        f'stroke="{MUTED}"/>'
    )
    for (lane_y, first, second), (_heading, dated, ideal, _rows) in zip(names, lanes, strict=True):
        out.append(
            f'<text x="12" y="{lane_y + LANE_PAD + 10}" font-weight="bold">{_text(first)}</text>'
        )
        if second:
            out.append(
                f'<text x="12" y="{lane_y + LANE_PAD + 24}" font-weight="bold">'
                f"{_text(second)}</text>"
            )
        for item in [*dated, *ideal]:
            cy = lane_y + LANE_PAD + item.row * ROW_H + 6
            out.append("<g>")
            out.append(f"<title>{_text(_tooltip(item.milestone))}</title>")
            out.append(_mark(_kind(item.milestone), item.x, cy))
            if item.before:
                out.append(
                    f'<text x="{item.x - 9:.1f}" y="{cy + 4:.1f}" text-anchor="end">'
                    f"{_text(item.label)}</text>"
                )
            else:
                out.append(
                    f'<text x="{item.x + 9:.1f}" y="{cy + 4:.1f}">{_text(item.label)}</text>'
                )
            out.append("</g>")

    # The legend: shapes, not only colours.
    legend_y = height - LEGEND_H + 12
    x = 12.0
    for kind, label in (
        ("open", _("to do")),
        ("done", _("done")),
        ("late", _("late")),
        ("dropped", _("dropped")),
    ):
        out.append(_mark(kind, x + 5, legend_y))
        out.append(f'<text x="{x + 15:.1f}" y="{legend_y + 4}">{_text(label)}</text>')
        x += 30 + len(label) * CHAR_W
    out.append("</svg>")
    return "\n".join(out)


def _two_lines(heading: str) -> tuple[str, str]:
    """An axis's name on one line or two, cut to the width of the names' column."""
    words = _cut(heading, 56)
    if len(words) <= 26:
        return words, ""
    cut = words.rfind(" ", 0, 27)
    cut = cut if cut > 0 else 26
    return words[:cut], _cut(words[cut:].strip(), 27)


def _tooltip(milestone: ReportMilestone) -> str:
    parts = [milestone.title]
    if milestone.due_on is not None:
        parts.append(date_format(milestone.due_on, "DATE_FORMAT"))
    if milestone.owner:
        parts.append(milestone.owner)
    parts.append(milestone.status_label)
    return " — ".join(parts)
