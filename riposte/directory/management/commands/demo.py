import time
from typing import Any

from django.core.management.base import BaseCommand
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from riposte.coffee import demo as coffee_demo
from riposte.cooperations import demo as cooperations_demo
from riposte.cooperations import demo_debriefs
from riposte.directory.demo import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    ROLE_LOGINS,
    SIZES,
    demo_build,
    demo_reset,
    directory_has_data,
)
from riposte.initiatives import demo as initiatives_demo
from riposte.norms import demo as norms_demo
from riposte.workshops import demo as workshops_demo


class Command(BaseCommand):
    help = "Build a fictional département over the real communes (deterministic for a seed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            help="small: ~300 agents (default); full: 8,000 agents, 100+ services.",
        )
        parser.add_argument("--seed", type=int, default=93)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the existing directory (and what hangs on it) first.",
        )

    def handle(self, *args: Any, size: str, seed: int, reset: bool, **options: Any) -> None:
        if directory_has_data() and not reset:
            self.stdout.write(
                "The directory already has data: demo not rebuilt (use --reset to rebuild)."
            )
        else:
            started = time.perf_counter()
            if reset:
                # Workshops point to the agents, and their milestones to the initiatives, the
                # norms and the cooperations: first.
                workshops_demo.demo_reset()
                coffee_demo.demo_reset()  # members, groups and rooms point to the agents
                # Norms point to the cooperations, the initiatives and the agents: first.
                norms_demo.demo_reset()
                # They point to the initiatives and the agents: first.
                cooperations_demo.demo_reset()
                initiatives_demo.demo_reset()  # they point to the agents: first
                demo_reset()
            with Progress(
                TextColumn("{task.description:<10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                disable=options["verbosity"] == 0,
            ) as bar:
                tasks: dict[str, Any] = {}

                def progress(step: str, done: int, total: int) -> None:
                    if step not in tasks:
                        tasks[step] = bar.add_task(step, total=total)
                    bar.update(tasks[step], completed=done)

                counts = demo_build(size=size, seed=seed, progress=progress)
                counts["initiatives"] = initiatives_demo.demo_build(seed=seed)
                counts["cooperations"] = cooperations_demo.demo_build(seed=seed)
                counts["debriefs"] = demo_debriefs.demo_build(seed=seed)
                counts["norms"] = norms_demo.demo_build(seed=seed)
                counts["coffee"] = coffee_demo.demo_build(seed=seed)
                counts["workshops"] = workshops_demo.demo_build(seed=seed, size=size)
            self.stdout.write(
                f"Demo built in {time.perf_counter() - started:.1f} s: {counts['agents']} agents, "
                f"{counts['services']} services, {counts['sites']} sites, "
                f"{counts['initiatives']} initiatives, {counts['cooperations']} cooperations, "
                f"{counts['debriefs']} debriefs, {counts['norms']} norms, "
                f"{counts['coffee']} coffee members, {counts['workshops']} workshops (seed {seed})."
            )
        self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD})")
        for role, key, *_rest in ROLE_LOGINS:
            self.stdout.write(f"  {role.label:<22} {key}@{DEMO_DOMAIN}")
