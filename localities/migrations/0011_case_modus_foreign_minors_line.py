from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("localities", "0010_report_base_deadline_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="foreign_element",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="foreign elements involved"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="line_dismantled",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="brokerage line dismantled"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="minors_involved",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="A person under 18 was involved: selling sex, bought for sex, procured or trafficked.",
                verbose_name="minors involved",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="modus",
            field=models.CharField(
                blank=True,
                choices=[
                    ("online_closed_group", "Online: closed group or forum"),
                    ("online_social_network", "Online: social network"),
                    ("online_ott", "Online: OTT application"),
                    ("establishment", "At a business establishment"),
                    ("street", "Street"),
                    ("call_girl", "Call girl"),
                    ("other", "Other"),
                ],
                db_default="",
                default="",
                help_text="The first three (closed group or forum, social network, OTT application) count as online.",
                max_length=30,
                verbose_name="how the case operated",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="youngest_age_band",
            field=models.CharField(
                blank=True,
                choices=[("under_16", "Under 16"), ("16_17", "16 or 17")],
                db_default="",
                default="",
                help_text="Only when minors are involved: the age of the youngest.",
                max_length=10,
                verbose_name="youngest minor's age",
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="foreign_element",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="foreign elements involved"
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="line_dismantled",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="brokerage line dismantled"
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="minors_involved",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="A person under 18 was involved: selling sex, bought for sex, procured or trafficked.",
                verbose_name="minors involved",
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="modus",
            field=models.CharField(
                blank=True,
                choices=[
                    ("online_closed_group", "Online: closed group or forum"),
                    ("online_social_network", "Online: social network"),
                    ("online_ott", "Online: OTT application"),
                    ("establishment", "At a business establishment"),
                    ("street", "Street"),
                    ("call_girl", "Call girl"),
                    ("other", "Other"),
                ],
                db_default="",
                default="",
                help_text="The first three (closed group or forum, social network, OTT application) count as online.",
                max_length=30,
                verbose_name="how the case operated",
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="youngest_age_band",
            field=models.CharField(
                blank=True,
                choices=[("under_16", "Under 16"), ("16_17", "16 or 17")],
                db_default="",
                default="",
                help_text="Only when minors are involved: the age of the youngest.",
                max_length=10,
                verbose_name="youngest minor's age",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("minors_involved", True), ("youngest_age_band__in", ["under_16", "16_17"])
                    ),
                    models.Q(("minors_involved", False), ("youngest_age_band", "")),
                    _connector="OR",
                ),
                name="case_age_band_only_with_minors",
            ),
        ),
    ]
