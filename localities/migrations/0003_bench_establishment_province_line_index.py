"""An index for the establishments list filtered by province and line, in code order
(bench/RESULTS.md: one page of a province's karaoke establishments 49–119 ms → 0.2 ms once the
list reads the last inspection through a subquery; its count 34 → 17 ms as it is).

RunSQL, not AddIndex, so the models' state (owned by the records area) is unchanged and
`makemigrations --check` stays clean; the same statement works on PostgreSQL and SQLite.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("localities", "0002_report_kinds")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS establishment_prov_line_code "
            "ON localities_establishment (province_id, line, code)",
            "DROP INDEX IF EXISTS establishment_prov_line_code",
        )
    ]
