"""The board's writes at the same instant, on PostgreSQL: two people saving the same note, and one
participant spending their last dot from two tabs at once. Whatever the interleaving, one wins and
the other is told; nothing is overwritten, no dot is spent twice.

SQLite takes one writer at a time, so it cannot show a race: these tests run on PostgreSQL only
(DATABASE_URL=postgres://... .venv/bin/pytest tests/workshops/test_board_concurrency.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from riposte.workshops import board
from riposte.workshops.board import NoteConflict
from riposte.workshops.models import Dot, Note, Workshop
from tests.workshops.board_builders import opened, post, viewer

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a race needs concurrent writers: PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job in its own thread (its own connection), all released at once; each job's
    result, or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:  # the test looks at each outcome, refusals included
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a write never finished"
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_save_the_same_note_at_once(scene, attempt):
    opened(scene)
    note = post(scene, "participant", "Guide pratique")
    texts = {"participant": "Guide pratique du débrief", "facilitator": "Un guide en ligne"}
    results = _race(
        [
            lambda role=role: board.note_edit(
                note=note, by=viewer(scene, role), text=texts[role], version=1
            )
            for role in texts
        ]
    )
    conflicts = [r for r in results if isinstance(r, NoteConflict)]
    saved = [r for r in results if isinstance(r, Note)]
    assert (len(saved), len(conflicts)) == (1, 1), results
    now = Note.objects.get(pk=note.pk)
    assert (now.text, now.version) == (saved[0].text, 2)
    # The one who lost is shown the winner's text, not their own over it.
    assert conflicts[0].note.text == saved[0].text
    assert conflicts[0].attempted_text != saved[0].text


@pytest.mark.parametrize("attempt", range(3))
def test_the_last_dot_spent_from_two_tabs_at_once(scene, attempt):
    workshop = opened(scene)
    Workshop.objects.filter(pk=workshop.pk).update(dots_per_participant=2)
    notes = [post(scene, "participant", text) for text in ("Une", "Deux", "Trois")]
    me = viewer(scene, "guest")
    board.dot_add(note=notes[0], by=me)
    results = _race([lambda note=note: board.dot_add(note=note, by=me) for note in notes[1:]])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "You have used your 2 dots" in refused[0].messages[0]
    assert Dot.objects.filter(participant=scene.guests["guest"]).count() == 2
