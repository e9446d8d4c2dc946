"""What the PDF benchmarks share (bench/guide_pdf.py, bench/workshops_report_pdf.py): a
throwaway SQLite database, a fresh process for each build, and the build process's own CPU
time and peak memory."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup(db: Path) -> None:
    """Django, on the benchmark's SQLite file."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def status_kib(field: str) -> float:
    """A field of /proc/self/status in KiB (VmHWM: the peak resident memory)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return float("nan")


def child_builds(
    script: str, runs: int, describe: Callable[[dict[str, Any]], str]
) -> list[dict[str, Any]]:
    """Run `script --child` `runs` times, each a fresh process with this interpreter (nothing
    cached), and print `describe(result)` of the JSON each prints last, with the load."""
    results = []
    for run in range(1, runs + 1):
        out = subprocess.run(  # noqa: S603
            [sys.executable, script, "--child"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"run {run}: {describe(result)}; load {os.getloadavg()[0]:.1f}", flush=True)
    return results


def print_totals(results: list[dict[str, Any]], suffix: str = "") -> None:
    totals = [r["total_s"] for r in results]
    print(
        f"total: median {statistics.median(totals):.2f} s, min {min(totals):.2f}, "
        f"max {max(totals):.2f}{suffix}"
    )
