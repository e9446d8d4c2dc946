import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve Riposte with Granian (ASGI: HTTP and WebSockets); static files through WhiteNoise."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.getenv("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.getenv("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.getenv("WEB_CONCURRENCY", "2")),
            help="Processes to run (default: WEB_CONCURRENCY or 2).",
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        if not (settings.STATIC_ROOT / "staticfiles.json").exists():
            self.stderr.write(
                "Static files are not collected: run `riposte collectstatic --noinput` first."
            )
            raise SystemExit(1)
        if workers > 1 and str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).endswith(
            "InMemoryChannelLayer"
        ):
            # Live updates (workshop boards, coffee rooms) go from the process that took a
            # change to the pages connected to it: without Redis, only to its own pages.
            self.stderr.write(
                "REDIS_URL is not set: one process, so that every page gets the live updates "
                "(set REDIS_URL to run more)."
            )
            workers = 1
        # The granian installed beside this Python, not whatever PATH finds first.
        granian = str(Path(sys.executable).with_name("granian"))
        argv = [
            granian, "--interface", "asginl", "--host", host, "--port", str(port),
            "--workers", str(workers),
            "riposte.asgi:application",
        ]  # fmt: skip
        self.stdout.write(f"Riposte on http://{host}:{port} ({workers} processes)", ending="\n")
        self.stdout.flush()
        os.execv(granian, argv)  # noqa: S606 (replace this process: signals go straight to the server)
