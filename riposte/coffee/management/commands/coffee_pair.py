"""`riposte coffee-pair --agents agents.csv [--history history.csv] --out groups.csv
[--cooldown 6] [--seed N]`: the pairing engine on files, without the database.

For benchmarks, and for an administration that wants to try the engine on its own directory
before it opens the coffee machine. Formats in riposte/coffee/files.py. A malformed file stops
the command with the file and line of the first error, a non-zero exit code, and no output.
Agents who cannot be placed are listed on stderr with the reason; the groups are still written.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from riposte.coffee.engine import DEFAULT_COOLDOWN, UnplacedReason, coffee_pair
from riposte.coffee.files import CoffeeFileError, agents_read, groups_write, history_read

REASONS = {
    UnplacedReason.NO_ALLOWED_PARTNER: "every other agent is excluded or met within the cooldown",
    UnplacedReason.NO_COMPATIBLE_GROUP: "those they may meet are all needed in other groups",
}


class Command(BaseCommand):
    help = "Pair agents from CSV files (id,service_path,site and a,b,round) into groups.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agents", type=Path, required=True, help="id,service_path,site")
        parser.add_argument("--history", type=Path, help="a,b,round (optional)")
        parser.add_argument("--out", type=Path, required=True, help="group,agent (written)")
        parser.add_argument(
            "--cooldown",
            type=int,
            default=DEFAULT_COOLDOWN,
            help="a pair that met in a round r > (latest round in the history - cooldown) may "
            f"not meet again (default {DEFAULT_COOLDOWN}; 0: no cooldown)",
        )
        parser.add_argument("--seed", type=int, default=0, help="same seed, same groups")

    def handle(self, *args: Any, **options: Any) -> None:
        agents_path: Path = options["agents"]
        history_path: Path | None = options["history"]
        out: Path = options["out"]
        if options["cooldown"] < 0:
            raise CommandError("--cooldown must be 0 or more")
        if not out.parent.is_dir():
            raise CommandError(f"--out: the directory {out.parent} does not exist")
        start = time.perf_counter()
        try:
            agents = agents_read(agents_path)
            history = (
                history_read(
                    history_path, agent_ids={a.id for a in agents}, agents_path=agents_path
                )
                if history_path
                else []
            )
        except CoffeeFileError as exc:
            raise CommandError(str(exc)) from exc
        read = time.perf_counter()
        pairing = coffee_pair(
            agents=agents, history=history, cooldown=options["cooldown"], seed=options["seed"]
        )
        paired = time.perf_counter()
        groups_write(out, pairing)
        for unplaced in pairing.unplaced:
            self.stderr.write(f"unplaced: {unplaced.agent} ({REASONS[unplaced.reason]})")
        trios = sum(len(group) == 3 for group in pairing.groups)
        self.stdout.write(
            f"{len(agents)} agents, {len(history)} history rows: {len(pairing.groups)} groups "
            f"({trios} trio), {len(pairing.unplaced)} unplaced, total score {pairing.score}. "
            f"Read {read - start:.2f} s, paired {paired - read:.2f} s. Written to {out}."
        )
