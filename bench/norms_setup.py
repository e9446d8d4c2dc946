"""The data of bench/norms_votes.sh: VOTERS eligible agents, each with a personal API token, and
one norm with one open, secret consultation that asks exactly them.

    PYTHONPATH=. DATABASE_URL=... .venv/bin/python bench/norms_setup.py TOKENS_FILE

The agents and tokens are bulk-inserted (what an import would make; a token is an ApiToken row
with the SHA-256 of its raw value, as api_token_create stores it); the norm and the consultation
go through the services. The electorate is a direction whose services hold the VOTERS agents, so
that "eligible" is exactly VOTERS (the facilitator who opens it works elsewhere) and each vote
walks the service tree as a real one does. Prints `norm=<id> consultation=<id> eligible=<n>`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riposte.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from riposte.directory.models import Agent, ApiToken, Role, Service, hash_token  # noqa: E402
from riposte.norms import rules  # noqa: E402
from riposte.norms.models import Electorate, Method, NormKind, NormStatus  # noqa: E402
from riposte.norms.services import (  # noqa: E402
    ConsultationData,
    NormData,
    consultation_open,
    norm_propose,
)

VOTERS = int(os.getenv("VOTERS", "8000"))
SERVICES = 8
BATCH = 1000


def main(tokens_file: str) -> None:
    start = time.perf_counter()
    with transaction.atomic():
        direction = Service.objects.create(
            code="BENCH-VOTE", name="Direction du banc d'essai", level="direction"
        )
        services = [
            Service.objects.create(
                code=f"BENCH-VOTE-{i}", name=f"Service {i}", level="service", parent=direction
            )
            for i in range(1, SERVICES + 1)
        ]
        elsewhere = Service.objects.create(code="BENCH-ANIM", name="Animation", level="direction")
        facilitator = Agent.objects.create_user(
            "animation@bench.riposte.test", None, role=Role.FACILITATOR, service=elsewhere,
            first_name="Anne", last_name="Animatrice",
        )  # fmt: skip
        unusable = make_password(None)  # nobody logs in with a password: tokens only
        agents = []
        for i in range(VOTERS):
            agent = Agent(
                email=f"votant{i:05}@bench.riposte.test", first_name="Votant", last_name=f"{i:05}",
                service=services[i % SERVICES], password=unusable,
            )  # fmt: skip
            agent.search_text = agent.build_search_text()
            agents.append(agent)
        Agent.objects.bulk_create(agents, batch_size=BATCH)
        agents = list(Agent.objects.filter(email__endswith="@bench.riposte.test", role=Role.AGENT))
        raws = [ApiToken.generate() for _ in agents]
        ApiToken.objects.bulk_create(
            [
                ApiToken(agent=a, name="banc d'essai", token_hash=hash_token(raw), hint=raw[:10])
                for a, raw in zip(agents, raws, strict=True)
            ],
            batch_size=BATCH,
        )
        norm = norm_propose(
            by=facilitator,
            status=NormStatus.TEMPORARY,
            data=NormData(
                title="Travailler à distance tous les jours en période de crise",
                text="Pendant le confinement, chaque agent pouvait télétravailler cinq jours sur "
                "cinq sans demande préalable, avec l'accord de son responsable.",
                kind=NormKind.AUTHORISATION,
                origin="Note de service du 16 mars 2020",
                origin_date=dt.date(2020, 3, 16),
                granted_by="Directrice générale des services",
                services=[direction],
                sunset_on=timezone.localdate() + dt.timedelta(days=60),
            ),
        )
        now = timezone.now()
        consultation = consultation_open(
            norm=norm,
            by=facilitator,
            data=ConsultationData(
                question="Faut-il garder le télétravail à temps plein en période de crise ?",
                method=Method.VOTE,
                opens_at=now - dt.timedelta(minutes=1),
                closes_at=now + dt.timedelta(days=1),
                electorate=Electorate.SERVICE,
                service=direction,
                secret=True,
            ),
        )
    eligible = Agent.objects.filter(is_active=True, **rules.electorate_filter(consultation)).count()
    with open(tokens_file, "w", encoding="ascii") as out:
        out.write("\n".join(raws) + "\n")
    print(
        f"{len(agents)} agents and tokens, norm and consultation in "
        f"{time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    print(f"norm={norm.pk} consultation={consultation.pk} eligible={eligible}")


if __name__ == "__main__":
    main(sys.argv[1])
