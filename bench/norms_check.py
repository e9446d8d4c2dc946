"""After bench/norms_votes.sh's votes: is the count exactly the number of distinct voters?

    PYTHONPATH=. DATABASE_URL=... .venv/bin/python bench/norms_check.py CONSULTATION EXPECTED SHIFT

Prints the Voter rows, the Ballot rows, the distinct voters and the distinct ballot keys, and the
counts by answer beside those the clients sent (token number i answered CHOICES[(i + SHIFT) % 3],
bench/norms_votes.lua); exits 1 unless all of them agree with EXPECTED. Only aggregates are read:
even here, nothing links a ballot to its voter.
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
django.setup()

from django.db.models import Count  # noqa: E402

from riposte.norms.models import Ballot, Voter  # noqa: E402

CHOICES = ("pour", "contre", "abstention")  # the order of bench/norms_votes.lua


def main(consultation_id: int, expected: int, shift: int) -> int:
    voters = Voter.objects.filter(consultation_id=consultation_id)
    ballots = Ballot.objects.filter(consultation_id=consultation_id)
    figures = {
        "voter_rows": voters.count(),
        "ballot_rows": ballots.count(),
        "distinct_voters": voters.values("agent_id").distinct().count(),
        "distinct_ballot_keys": ballots.values("key").distinct().count(),
    }
    counts = dict(ballots.values_list("choice").annotate(n=Count("pk")).order_by())
    sent = Counter(CHOICES[(i + shift) % 3] for i in range(expected))
    print(" ".join(f"{k}={v}" for k, v in figures.items()), f"expected={expected}")
    print("answers counted:", dict(sorted(counts.items())), "sent:", dict(sorted(sent.items())))
    ok = set(figures.values()) == {expected} and counts == dict(sent)
    print("CHECK", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
