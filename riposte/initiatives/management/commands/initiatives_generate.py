"""`riposte initiatives-generate --count 100000`: a large set of initiatives for the benchmarks.

Each generated initiative is one of the demo texts placed in a commune and numbered, in a random
stage, theme and service, with its history's first row. Embedding 100,000 texts would take hours
on a small machine, so each row stores the vector of the demo text it comes from: the list, the
search and the similar-initiatives endpoint do the same work on them as on real rows, but the
similarity *quality* is measured on the labelled set (bench/similarity.py), not on these rows.
"""

import json
import random
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from riposte.directory.models import Agent, Commune, Service
from riposte.initiatives import similarity
from riposte.initiatives.demo import DATA
from riposte.initiatives.models import Initiative, Stage, StageChange, Theme

BATCH = 2000


class Command(BaseCommand):
    help = "Add COUNT generated initiatives (benchmarks). Needs the directory (riposte demo) first."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=93)

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        rng = random.Random(seed)
        authors = list(Agent.objects.filter(is_active=True).values_list("pk", flat=True))
        if not authors:
            raise CommandError("No agent in the directory: run `riposte demo` first.")
        entries = json.loads(DATA.read_text(encoding="utf-8"))["initiatives"]
        vectors = similarity.embed(
            [similarity.text_for(e["title"], e["problem"], e["idea"]) for e in entries]
        )
        blobs = [similarity.to_bytes(v) for v in vectors]
        themes = {t.slug: t.pk for t in Theme.objects.all()}
        communes = list(Commune.objects.values_list("pk", "name"))
        services = list(Service.objects.values_list("pk", flat=True))
        stages = [s.value for s in Stage]
        now = timezone.now()
        started = time.perf_counter()
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            with transaction.atomic():
                rows: list[Initiative] = []
                picks: list[tuple[int, int, int]] = []
                for _ in range(size):
                    n = rng.randrange(len(entries))
                    entry = entries[n]
                    commune_pk, commune = rng.choice(communes)
                    title = f"{entry['title']} — {commune} ({done + len(rows) + 1})"
                    submitted = now - timedelta(days=rng.randint(0, 5 * 365))
                    rows.append(
                        Initiative(
                            title=title[:200], problem=entry["problem"], idea=entry["idea"],
                            author_id=rng.choice(authors), stage=rng.choice(stages),
                            submitted_at=submitted, stage_changed_at=submitted,
                            created_at=submitted, updated_at=submitted, embedding=blobs[n],
                            # Now, so that running processes index them; one microsecond apart,
                            # or SQLite's planner would find one value for every row and ignore
                            # the index on it.
                            indexed_at=now + timedelta(microseconds=done + len(rows)),
                            needs_time=rng.random() < 0.5,
                            needs_budget=rng.random() < 0.3,
                        )
                    )  # fmt: skip
                    picks.append((themes[entry["theme"]], commune_pk, rng.choice(services)))
                created = Initiative.objects.bulk_create(rows)
                Initiative.themes.through.objects.bulk_create(
                    [Initiative.themes.through(initiative_id=i.pk, theme_id=t) for i, (t, _c, _s) in zip(created, picks, strict=True)]
                )  # fmt: skip
                Initiative.communes.through.objects.bulk_create(
                    [Initiative.communes.through(initiative_id=i.pk, commune_id=c) for i, (_t, c, _s) in zip(created, picks, strict=True)]
                )  # fmt: skip
                Initiative.services.through.objects.bulk_create(
                    [Initiative.services.through(initiative_id=i.pk, service_id=s) for i, (_t, _c, s) in zip(created, picks, strict=True)]
                )  # fmt: skip
                StageChange.objects.bulk_create(
                    [
                        StageChange(initiative=i, from_stage="", to_stage=i.stage, by_id=i.author_id,
                                    reason="Généré pour les mesures.", at=i.submitted_at or now)
                        for i in created
                    ]
                )  # fmt: skip
            done += size
            if options["verbosity"]:
                self.stdout.write(f"\r{done}/{count}", ending="")
        # Fresh statistics, as autovacuum would gather soon after: without them the planner
        # takes 100,000 new rows for a few hundred and picks plans for that. On PostgreSQL,
        # VACUUM also sets the visibility map that index-only scans need: a filtered list then
        # reads its ids from the (stage, submitted_at, id) index alone, 4x faster than after a
        # bare ANALYZE on this machine (bench/README.md).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self.stdout.write(
            f"\n{count} initiatives generated in {time.perf_counter() - started:.1f} s "
            f"({Initiative.objects.count()} in all)."
        )
