"""Turned-down suggestions get a status of their own; pairs of actors marked "not a duplicate";
a version on the guide's chapter introductions (a stale save is refused, as for debriefs).

Until now a turned-down suggestion was deleted and remembered by its audit entry
`cooperation.decline` alone (aimed at the initiative it came from). A suggestion that is still
there although such an entry exists becomes "declined" here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

DECLINED = "cooperation.decline"


def _declined(apps):
    """The suggestions an audit entry says were turned down: by their initiative (the entries
    written so far) or by themselves."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    Cooperation = apps.get_model("cooperations", "Cooperation")
    entries = AuditEntry.objects.filter(action=DECLINED)
    initiatives, cooperations = set(), set()
    for model, object_id, changes in entries.values_list(
        "content_type__model", "object_id", "changes"
    ):
        if model == "initiative" and object_id.isdigit():
            initiatives.add(int(object_id))
        elif model == "cooperation" and object_id.isdigit():
            cooperations.add(int(object_id))
        if isinstance(changes, dict) and str(changes.get("initiative", "")).isdigit():
            initiatives.add(int(changes["initiative"]))
    return Cooperation.objects.filter(
        Q(suggested_from_id__in=initiatives) | Q(pk__in=cooperations)
    )


def decline(apps, schema_editor):
    _declined(apps).filter(status="suggested").update(
        status="declined", updated_at=timezone.now()
    )


def undecline(apps, schema_editor):
    # The old constraint knows no "declined": back to suggestions, which the audit entries (kept)
    # still mark as turned down for the code of before.
    apps.get_model("cooperations", "Cooperation").objects.filter(status="declined").update(
        status="suggested"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cooperations', '0002_debriefs_guide'),
        ('core', '0002_initial'),
        ('initiatives', '0005_drop_search_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DistinctActors',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('marked_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'pair of distinct actors',
                'verbose_name_plural': 'pairs of distinct actors',
                'ordering': ['first', 'second'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='cooperation',
            name='cooperation_status_valid',
        ),
        migrations.AddField(
            model_name='guidechapter',
            name='intro_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='guidechapter',
            name='intro_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='guidechapter',
            name='intro_version',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='cooperation',
            name='status',
            field=models.CharField(choices=[('suggested', 'Suggested'), ('confirmed', 'Confirmed'), ('declined', 'Turned down')], default='confirmed', max_length=20, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='cooperation',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['suggested', 'confirmed', 'declined'])), name='cooperation_status_valid'),
        ),
        migrations.RunPython(decline, undecline),
        migrations.AddField(
            model_name='distinctactors',
            name='first',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cooperations.actor'),
        ),
        migrations.AddField(
            model_name='distinctactors',
            name='marked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='distinctactors',
            name='second',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cooperations.actor'),
        ),
        migrations.AddConstraint(
            model_name='distinctactors',
            constraint=models.CheckConstraint(condition=models.Q(('first__lt', models.F('second'))), name='distinct_actors_ordered'),
        ),
        migrations.AddConstraint(
            model_name='distinctactors',
            constraint=models.UniqueConstraint(fields=('first', 'second'), name='distinct_actors_once'),
        ),
    ]
