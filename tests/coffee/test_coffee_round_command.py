"""`riposte coffee-round`: runs the round of a date now, prints counts and the unplaced."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from riposte.coffee.models import GroupMember, Round
from riposte.coffee.services import exclusion_add
from tests.coffee.round_builders import MONDAY, member, membership, org

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("coffee_round", *args, stdout=out)
    return out.getvalue()


def test_the_command_runs_the_round_once_and_reports_the_unplaced():
    services = org()
    loner = member("loner@example.org", services["A1U"])
    others = [member(f"o{i}@example.org", services["B1"]) for i in range(2)]
    for other in others:
        exclusion_add(membership=membership(loner), excluded=other)
    out = run("--date", MONDAY.isoformat())
    assert "Round #1 (2026-03-02) ran." in out
    assert "due 3, placed 2, groups 1" in out
    assert f"unplaced 1\n  agent {loner.pk}: no_allowed_partner" in out
    again = run("--date", MONDAY.isoformat())
    assert "had already run" in again and "nothing changed" in again
    assert Round.objects.count() == 1 and GroupMember.objects.count() == 2


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="not a date"):
        run("--date", "02/03/2026")
