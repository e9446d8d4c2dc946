"""The themes initiatives are filed under (editable in the admin afterwards)."""

from django.db import migrations

THEMES = [
    ("solidarite-seniors", "Solidarité avec les aînés", "Solidarity with older people"),
    ("aide-alimentaire", "Aide alimentaire", "Food aid"),
    ("mobilite", "Mobilité", "Mobility"),
    ("numerique-inclusion", "Inclusion numérique", "Digital inclusion"),
    ("education-jeunesse", "Éducation et jeunesse", "Education and youth"),
    ("sante-prevention", "Santé et prévention", "Health and prevention"),
    ("environnement-energie", "Environnement et énergie", "Environment and energy"),
    ("dechets-reemploi", "Déchets et réemploi", "Waste and reuse"),
    ("culture-lien-social", "Culture et lien social", "Culture and social ties"),
    ("emploi-insertion", "Emploi et insertion", "Employment and integration"),
    ("logement-hebergement", "Logement et hébergement", "Housing and shelter"),
    ("administration-simplification", "Simplification administrative", "Simpler administration"),
    ("teletravail-organisation", "Télétravail et organisation du travail", "Remote work and work organisation"),
    ("crise-canicule-inondation", "Crises : canicule, inondation, épidémie", "Crises: heatwave, flood, epidemic"),
    ("achats-commande-publique", "Achats et commande publique", "Purchasing and public procurement"),
    ("sport-espace-public", "Sport et espace public", "Sport and public space"),
]


def load(apps, schema_editor):
    Theme = apps.get_model("initiatives", "Theme")
    for slug, name, name_en in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "name_en": name_en})


def unload(apps, schema_editor):
    apps.get_model("initiatives", "Theme").objects.filter(slug__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
