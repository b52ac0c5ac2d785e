"""API tokens get an expiry day (the tokens already there: 90 days from this migration) and may
be limited to a province."""

import datetime

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

EXISTING_TOKENS_DAYS = 90


def give_existing_tokens_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("exchange", "ApiToken")
    expires_on = timezone.localdate() + datetime.timedelta(days=EXISTING_TOKENS_DAYS)
    ApiToken.objects.filter(expires_on__isnull=True).update(expires_on=expires_on)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_import_job"),
        ("localities", "0006_reporter_identity_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_on",
            field=models.DateField(null=True, verbose_name="valid until"),
        ),
        migrations.RunPython(give_existing_tokens_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_on",
            field=models.DateField(verbose_name="valid until"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="province",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="localities.locality",
                verbose_name="limited to province",
            ),
        ),
    ]
