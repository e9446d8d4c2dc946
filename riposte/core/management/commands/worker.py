import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from riposte.core.scheduler import enqueue_due_jobs

logger = logging.getLogger("riposte.worker")


def _schedule_forever(interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            for name in enqueue_due_jobs():
                logger.info("enqueued periodic job %s", name)
        except Exception:  # a failed tick must not kill the worker; the next tick retries
            logger.exception("periodic jobs tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(BaseCommand):
    help = (
        "Run background jobs (django.tasks, database backend) and enqueue periodic jobs when due."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between queue polls."
        )
        parser.add_argument("--schedule-interval", type=float, default=30.0)
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after this many tasks."
        )

    def handle(
        self,
        *args: Any,
        interval: float,
        schedule_interval: float,
        max_tasks: int | None,
        **options: Any,
    ) -> None:
        stop = threading.Event()
        scheduler = threading.Thread(
            target=_schedule_forever, args=(schedule_interval, stop), daemon=True
        )
        scheduler.start()
        try:
            kwargs: dict[str, Any] = {"interval": interval, "verbosity": options["verbosity"]}
            if max_tasks is not None:
                kwargs["max_tasks"] = max_tasks
            call_command("db_worker", **kwargs)
        finally:
            stop.set()
            scheduler.join(timeout=10)
