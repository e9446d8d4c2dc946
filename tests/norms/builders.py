"""Helpers that make norms, consultations and votes through the services, for every test of the
norms module: what a test builds is what an agent could have built."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from riposte.directory.models import Agent
from riposte.norms.models import Consultation, Method, Norm, NormKind, NormStatus
from riposte.norms.services import ConsultationData, NormData, consultation_open, norm_propose


def norm_data(**fields: Any) -> NormData:
    values: dict[str, Any] = {
        "title": "Signer les bons de commande sous 1 500 € sans second visa",
        "text": "Pendant le confinement, un chef de service signe seul sous 1 500 €.",
        "kind": NormKind.AUTHORISATION,
        "origin": "Note de la DGS du 17 mars 2020",
        "origin_date": dt.date(2020, 3, 17),
        "granted_by": "Directeur général des services",
    }
    values.update(fields)
    return NormData(**values)


def make_norm(*, by: Agent, status: str = NormStatus.DEBATE, **fields: Any) -> Norm:
    if status == NormStatus.TEMPORARY:
        fields.setdefault("sunset_on", timezone.localdate() + dt.timedelta(days=90))
    return norm_propose(by=by, data=norm_data(**fields), status=status)


def make_consultation(*, norm: Norm, by: Agent, opened: bool = True, **fields: Any) -> Consultation:
    """A consultation opened by the facilitator `by`: running now (or opening tomorrow)."""
    now = timezone.now()
    values: dict[str, Any] = {
        "question": "Faut-il garder cette délégation ?",
        "method": Method.VOTE,
        "opens_at": now - dt.timedelta(minutes=1) if opened else now + dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=7),
    }
    values.update(fields)
    return consultation_open(norm=norm, by=by, data=ConsultationData(**values))


def close(consultation: Consultation) -> Consultation:
    """Move a consultation's dates into the past, as if its time had run out."""
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - dt.timedelta(days=8), closes_at=now - dt.timedelta(seconds=1)
    )
    consultation.refresh_from_db()
    return consultation
