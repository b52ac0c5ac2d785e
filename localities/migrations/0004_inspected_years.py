"""The summary of inspected years per establishment, kept by database triggers.

See localities.models.InspectedYears and localities/sql/. The triggers, which now keep the first
inspection dates too, are installed from those files by migration 0011, once both tables exist;
a later change to them needs a migration of its own that calls install() again.
"""

import django.db.models.deletion
from django.db import migrations, models


def uninstall(apps, schema_editor):
    from localities import summary

    summary.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("localities", "0003_bench_establishment_province_line_index")]

    operations = [
        migrations.CreateModel(
            name="InspectedYears",
            fields=[
                (
                    "establishment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="inspected_years",
                        serialize=False,
                        to="localities.establishment",
                    ),
                ),
                ("years", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "localities_inspected_years", "default_permissions": ()},
        ),
        migrations.RunPython(migrations.RunPython.noop, uninstall),
    ]
