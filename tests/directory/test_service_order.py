"""Services are offered in the order a reader expects, whatever the database's collation: SQLite
(and PostgreSQL's C collation) would sort "Éducation" after "Voirie"."""

from __future__ import annotations

import pytest

from riposte.directory.models import Service
from riposte.directory.queries import service_options
from riposte.norms.consultation_forms import ConsultationForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def chart() -> None:
    root = Service.objects.create(code="DGA", name="Solidarités", level="direction")
    Service.objects.create(code="Z1", name="Voirie", level="service", parent=root)
    Service.objects.create(code="Z2", name="Éducation", level="service", parent=root)
    Service.objects.create(code="Z3", name="enfance", level="service", parent=root)
    Service.objects.create(code="A0", name="Archives", level="direction")


def test_a_filter_lists_directions_then_services_each_by_name(chart) -> None:
    assert [name for _, name in service_options()] == [
        "Archives",
        "Solidarités",
        "Éducation",
        "enfance",
        "Voirie",
    ]


def test_a_service_field_offers_the_same_order_and_still_validates(chart) -> None:
    field = ConsultationForm().fields["service"]
    labels = [str(label) for value, label in field.choices if value != ""]
    assert [label.split(" — ")[1] for label in labels] == [
        "Archives",
        "Solidarités",
        "Éducation",
        "enfance",
        "Voirie",
    ]
    education = Service.objects.get(code="Z2")
    assert field.clean(str(education.pk)) == education
