"""Quality of the similar-initiatives search on the labelled French set (bench/README.md).

    PYTHONPATH=. .venv/bin/python bench/similarity.py      # a throwaway SQLite file in bench/out/

Prints precision@1, recall@5, the time of each query (embedding + index search + titles) and the
queries whose duplicate did not come first. The same evaluation is the bar of
tests/initiatives/test_similarity.py.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "bench" / "out" / "similarity.sqlite3"
DB.parent.mkdir(parents=True, exist_ok=True)
DB.unlink(missing_ok=True)
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from riposte.directory.models import Agent  # noqa: E402
from riposte.initiatives.similarity_eval import evaluate, load, store_corpus  # noqa: E402

call_command("migrate", verbosity=0)
author = Agent.objects.create_user(email="bench@riposte.test", password=None)
data = load(ROOT / "tests" / "initiatives" / "data" / "similarity_set.json")
ids = store_corpus(data["corpus"], author)
result = evaluate(data, ids)
times = sorted(result.query_ms)
print(f"corpus {len(ids)} initiatives, {result.queries} queries")
print(f"precision@1 {result.precision_at_1:.3f} ({result.first}/{result.queries})")
print(f"recall@5    {result.recall_at_5:.3f} ({result.top5}/{result.queries})")
print(
    f"ms per query: median {statistics.median(times):.1f}, "
    f"p95 {times[int(0.95 * (len(times) - 1))]:.1f}, max {times[-1]:.1f}"
)
for query, expected, got in result.misses:
    print(f"- miss: «{query}» expected «{expected}», first «{got}»")
