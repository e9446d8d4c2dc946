"""Load the 39 communes of Seine-Saint-Denis (INSEE codes, territories, coordinates)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "communes-93.csv"


def load(apps, schema_editor):
    Commune = apps.get_model("directory", "Commune")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Commune.objects.update_or_create(
                insee_code=row["insee_code"],
                defaults={
                    "name": row["name"],
                    "postal_codes": row["postal_codes"],
                    "population": int(row["population"]) if row["population"] else None,
                    "territory": row["territory"],
                    "latitude": float(row["latitude"]),
                    "longitude": float(row["longitude"]),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
