"""`riposte coffee-round [--date YYYY-MM-DD]`: run the round of that date (today by default)
now, as the worker would, and print what it made. A round that ran already is left as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from riposte.coffee.services import round_run


class Command(BaseCommand):
    help = "Run the coffee round of a date (today by default) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the round's date, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(f"--date: {options['date']!r} is not a date (YYYY-MM-DD)") from exc
        outcome = round_run(day=day or timezone.localdate())
        round_ = outcome.round
        report = round_.report
        if not outcome.ran:
            self.stdout.write(f"Round #{round_.number} ({round_.scheduled_on}) had already run on "
                              f"{timezone.localtime(round_.ran_at):%Y-%m-%d %H:%M}: nothing changed.")  # fmt: skip
        else:
            self.stdout.write(f"Round #{round_.number} ({round_.scheduled_on}) ran.")
        self.stdout.write(
            f"due {report.get('due', 0)}, placed {report.get('placed', 0)}, "
            f"groups {report.get('groups', 0)} (trios {report.get('trios', 0)}), "
            f"without a common slot {report.get('without_slot', 0)}, "
            f"total score {report.get('score', 0)}"
        )
        unplaced = report.get("unplaced", [])
        self.stdout.write(f"unplaced {len(unplaced)}")
        for row in unplaced:
            self.stdout.write(f"  agent {row['agent']}: {row['reason']}")
