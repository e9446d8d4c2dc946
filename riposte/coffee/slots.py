"""A proposed slot for a group: the first half-day of the round's week when everyone is free.

Availability is a list of SLOTS codes ("mon-am" ... "fri-pm"); an empty list means "any time".
A half-day is proposed as a 30-minute coffee at a fixed local time (HALF_DAY_STARTS), so that a
group's slot is predictable and easy to move. The round's week is the seven days from the round's
date: with rounds on Mondays that is Monday to Friday; a half-day that has already started when
the round runs is skipped. No half-day common to all: no slot, the group is asked to pick one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from riposte.coffee.models.membership import DAYS, SLOTS

HALF_DAY_STARTS = {"am": dt.time(10, 0), "pm": dt.time(14, 0)}
COFFEE_MINUTES = 30


def slots_clean(codes: Iterable[str]) -> list[str]:
    """The codes in SLOTS order, each once; an unknown code is refused (a form, the API)."""
    codes = list(codes)
    unknown = sorted({code for code in codes if code not in SLOTS})
    if unknown:
        raise ValidationError(
            _("Unknown half-days: %(codes)s.") % {"codes": ", ".join(unknown)}, code="slot"
        )
    wanted = set(codes)
    return [code for code in SLOTS if code in wanted]


def common_slots(availabilities: Sequence[Iterable[str]]) -> list[str]:
    """The half-days when everyone is free, in SLOTS order (an empty availability: any time)."""
    common = set(SLOTS)
    for availability in availabilities:
        chosen = set(availability) & set(SLOTS)
        if chosen:
            common &= chosen
    return [code for code in SLOTS if code in common]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def slot_start(day: dt.date, half: str) -> dt.datetime:
    return dt.datetime.combine(day, HALF_DAY_STARTS[half], tzinfo=local_zone())


def slot_propose(
    *,
    availabilities: Sequence[Iterable[str]],
    week_start: dt.date,
    not_before: dt.datetime | None = None,
) -> tuple[dt.datetime, dt.datetime] | None:
    """(start, end) of the first common half-day in the week from `week_start`, or None."""
    common = set(common_slots(availabilities))
    for offset in range(7):
        day = week_start + dt.timedelta(days=offset)
        if day.weekday() >= len(DAYS):
            continue  # the weekend
        for half in HALF_DAY_STARTS:
            if f"{DAYS[day.weekday()]}-{half}" not in common:
                continue
            start = slot_start(day, half)
            if not_before is not None and start < not_before:
                continue
            return start, start + dt.timedelta(minutes=COFFEE_MINUTES)
    return None
