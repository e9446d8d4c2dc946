"""0002: what 0001's code stored as words in the actor's language becomes a cause, or a link to
the decision, shown in the reader's language; the consultations already open count as told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("norms", "0001_initial")]
AFTER = [("norms", "0002_status_cause_announced_decision_version")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_words_become_causes_and_links():
    apps = _migrate(BEFORE)
    try:
        Agent = apps.get_model("directory", "Agent")
        Norm = apps.get_model("norms", "Norm")
        StatusChange = apps.get_model("norms", "StatusChange")
        NormVersion = apps.get_model("norms", "NormVersion")
        Decision = apps.get_model("norms", "Decision")
        Consultation = apps.get_model("norms", "Consultation")
        author = Agent.objects.create(email="mig@example.org")
        norm = Norm.objects.create(title="T", text="Ancien.", kind="autorisation", status="adaptee",
                                   proposed_by=author)  # fmt: skip
        StatusChange.objects.create(norm=norm, after="expiree", reason="sunset")
        StatusChange.objects.create(norm=norm, after="en_debat", reason="consultation ouverte", by=author)
        StatusChange.objects.create(norm=norm, after="perennisee", reason="Ça marche.", by=author)
        today = timezone.localdate()
        decision = Decision.objects.create(norm=norm, outcome="adapt", rationale="R",
                                           new_text="Nouveau.", decided_on=today, decided_by=author,
                                           next_review_on=today + dt.timedelta(days=90))  # fmt: skip
        NormVersion.objects.create(norm=norm, number=2, title="T", text="Nouveau.", author=author,
                                   note=f"Adaptée par la décision du {today:%d/%m/%Y}")  # fmt: skip
        NormVersion.objects.create(norm=norm, number=1, title="T", text="Ancien.", author=author,
                                   note="Adapted by hand")  # fmt: skip
        now = timezone.now()
        running = Consultation.objects.create(norm=norm, question="Q", method="vote",
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1), opened_by=author)  # fmt: skip
        other = Norm.objects.create(title="U", text="U", kind="autorisation", status="en_debat",
                                    proposed_by=author)  # fmt: skip
        later = Consultation.objects.create(norm=other, question="Q2", method="vote",
            opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=2), opened_by=author)  # fmt: skip

        apps = _migrate(AFTER)

        StatusChange = apps.get_model("norms", "StatusChange")
        NormVersion = apps.get_model("norms", "NormVersion")
        Consultation = apps.get_model("norms", "Consultation")
        changes = {c.after: (c.cause, c.reason) for c in StatusChange.objects.all()}
        assert changes == {"expiree": ("sunset", ""), "en_debat": ("consultation", ""),
                           "perennisee": ("", "Ça marche.")}  # fmt: skip
        versions = {v.number: (v.decision_id, v.note) for v in NormVersion.objects.all()}
        assert versions == {2: (decision.pk, ""), 1: (None, "Adapted by hand")}
        Decision = apps.get_model("norms", "Decision")
        assert Decision.objects.get(pk=decision.pk).scope_told_at is not None
        assert Consultation.objects.get(pk=running.pk).announced_at == running.opens_at
        assert Consultation.objects.get(pk=later.pk).announced_at is None
    finally:
        _migrate(AFTER)
