"""How well the similar-initiatives search finds a duplicate, on a labelled set.

The set (tests/initiatives/data/similarity_set.json) holds existing initiatives, five near-misses
per theme, and for each a query written by another agent in other words. Each query goes through
the product's path (`similar_to_text`) against the corpus stored as initiatives: precision@1 is
the share of queries whose duplicate comes first, recall@5 the share where it is in the top five.
Used by tests/initiatives/test_similarity.py (the bar) and bench/similarity.py (the figures).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from riposte.initiatives import similarity
from riposte.initiatives.models import Initiative


@dataclass
class Result:
    queries: int = 0
    first: int = 0
    top5: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # query, expected, got
    query_ms: list[float] = field(default_factory=list)

    @property
    def precision_at_1(self) -> float:
        return self.first / self.queries if self.queries else 0.0

    @property
    def recall_at_5(self) -> float:
        return self.top5 / self.queries if self.queries else 0.0


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def store_corpus(corpus: list[dict[str, str]], author: Any) -> dict[str, int]:
    """The corpus as submitted initiatives, embedded as the services embed them. Returns key -> id."""
    texts = [similarity.text_for(c["title"], c["problem"], c.get("idea", "")) for c in corpus]
    vectors = similarity.embed(texts)
    now = timezone.now()
    rows = [
        Initiative(
            title=c["title"], problem=c["problem"], idea=c.get("idea", ""), author=author,
            submitted_at=now, embedding=similarity.to_bytes(v), indexed_at=now,
        )
        for c, v in zip(corpus, vectors, strict=True)
    ]  # fmt: skip
    created = Initiative.objects.bulk_create(rows)
    return {c["key"]: i.pk for c, i in zip(corpus, created, strict=True)}


def evaluate(data: dict[str, Any], ids: dict[str, int]) -> Result:
    result = Result()
    titles = {i: c["title"] for c in data["corpus"] for k, i in ids.items() if k == c["key"]}
    for query in data["queries"]:
        text = similarity.text_for(query["title"], query["problem"])
        started = time.perf_counter()
        matches = similarity.similar_to_text(text, limit=5)
        result.query_ms.append((time.perf_counter() - started) * 1000)
        expected = ids[query["duplicate"]]
        found = [m.id for m in matches]
        result.queries += 1
        result.first += bool(found) and found[0] == expected
        result.top5 += expected in found
        if not found or found[0] != expected:
            got = titles.get(found[0], "—") if found else "—"
            result.misses.append((query["title"], titles[expected], got))
    return result
