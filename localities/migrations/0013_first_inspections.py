"""The first inspection date of each year per establishment, kept by the same database triggers
as the inspected years (localities.models.FirstInspection, localities/sql/): installs the
triggers for both summaries and fills them from the inspections."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from localities import summary

    summary.install(schema_editor.connection)
    summary.rebuild(schema_editor.connection)


def uninstall(apps, schema_editor):
    from localities import summary

    summary.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("localities", "0012_activities")]

    operations = [
        migrations.CreateModel(
            name="FirstInspection",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "establishment",
                        "year",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("year", models.SmallIntegerField()),
                ("first_on", models.DateField()),
                (
                    "establishment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="first_inspections",
                        to="localities.establishment",
                    ),
                ),
            ],
            options={"db_table": "localities_first_inspections", "default_permissions": ()},
        ),
        migrations.RunPython(install, uninstall),
    ]
