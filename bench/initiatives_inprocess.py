"""Where an initiatives request spends its time, one request at a time, no server (bench/README.md).

    DATABASE_URL=... PYTHONPATH=. .venv/bin/python bench/initiatives_inprocess.py

Needs a database loaded by bench/initiatives.sh (the full demo and 100,000 initiatives). Times the
similarity steps (a new text each time: no cache) and the list pages through the test client.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
os.environ.setdefault("DEBUG", "1")  # static files without collectstatic

import django

django.setup()

from django.test import Client  # noqa: E402

from riposte.directory.models import Agent  # noqa: E402
from riposte.initiatives import similarity  # noqa: E402

N = int(os.getenv("N", "20"))
TEXT = "Prendre des nouvelles de nos aînés seuls au téléphone pendant le confinement"


def ms(func: Callable[[], Any], n: int = N) -> float:
    func()
    started = time.perf_counter()
    for _ in range(n):
        func()
    return (time.perf_counter() - started) / n * 1000


def fresh() -> str:
    return f"{TEXT} {time.perf_counter_ns()}"  # never the same text: the cache cannot answer


def main() -> None:
    index = similarity._index
    started = time.perf_counter()
    index.refresh()
    print(f"first load of the index: {time.perf_counter() - started:.2f} s, {index._size} vectors")
    vector = similarity.embed([TEXT])[0]
    rows = [
        ("similar_to_text, a new text", lambda: similarity.similar_to_text(fresh())),
        ("  embedding, one core", lambda: similarity._embed_one.__wrapped__(fresh())),
        ("  index refresh", index.refresh),
        ("  product over the vectors", lambda: index._matrix[: index._size] @ vector),
        ("  index search (refresh, product, top 10)", lambda: index.search(vector, limit=10)),
    ]
    for name, func in rows:
        print(f"{name}: {ms(func):.1f} ms")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(Agent.objects.get(email="agent@demo.riposte.test"))
    for path in (
        "/initiatives/",
        "/initiatives/?page=50",
        "/initiatives/?stage=accompagnee&theme=solidarite-seniors",
        "/initiatives/?q=personnes+%C3%A2g%C3%A9es+isol%C3%A9es",
        "/api/initiatives?stage=accompagnee&theme=mobilite",
    ):
        assert client.get(path).status_code == 200, path
        print(f"{path}: {ms(lambda p=path: client.get(p), 10):.1f} ms")


if __name__ == "__main__":
    main()
