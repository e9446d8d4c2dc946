"""The audit log in the admin, for the IT team: read-only, its columns in the reader's language."""

from __future__ import annotations

import pytest

from riposte.core.audit import audit_record

pytestmark = pytest.mark.django_db


def test_the_audit_log_reads_in_french(client_for, agent, settings):
    settings.LANGUAGE_CODE = "fr"
    audit_record(actor=agent, action="norm.vote", target=agent, changes={"changed": False})

    response = client_for("admin").get("/admin/core/auditentry/", headers={"accept-language": "fr"})

    assert response.status_code == 200
    page = response.content.decode()
    for header in ("Quand", "Qui", "Action", "Objet"):
        assert f">{header}</a>" in page or f">{header}<" in page, header
    assert "norm.vote" in page
    assert client_for("admin").get("/admin/core/auditentry/add/").status_code == 403
