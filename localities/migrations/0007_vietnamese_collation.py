"""The ICU collation that sorts names in Vietnamese alphabetical order on PostgreSQL.

SQLite has no ICU: the collation of the same name is registered on each connection
(localities.collation)."""

from django.db import migrations

CREATE = "CREATE COLLATION IF NOT EXISTS vi_icu (provider = icu, locale = 'vi-VN')"
DROP = "DROP COLLATION IF EXISTS vi_icu"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("localities", "0006_reporter_identity_version")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
