from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("localities", "0009_extension_decisions")]

    operations = [
        migrations.AlterField(
            model_name="historicalreport",
            name="base_deadline",
            field=models.DateField(editable=False, verbose_name="base deadline"),
        ),
        migrations.AlterField(
            model_name="report",
            name="base_deadline",
            field=models.DateField(editable=False, verbose_name="base deadline"),
        ),
    ]
