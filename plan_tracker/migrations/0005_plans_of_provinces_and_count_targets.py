"""Plans after 2025: a plan of the nation or of one province, with its document (number, date,
issuing body, read from the former one-line decision), count targets, and targets applied per
commune or to the province as a whole; plans and targets keep a history. The 2021–2025
programme stays national, Decision 1629/QĐ-TTg of 28/09/2021 by the Prime Minister its document.
"""

import datetime
import re
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

PROGRAMME_2021_2025 = {
    "document_number": "1629/QĐ-TTg",
    "document_date": datetime.date(2021, 9, 28),
    "issuing_body": "Thủ tướng Chính phủ",
}


def split_decision(text):
    """The number and date of a decision written in one line ("Quyết định 1629/QĐ-TTg ngày
    28/9/2021"), as far as they can be read; the whole text as the number otherwise."""
    text = (text or "").strip()
    number = re.search(r"\d+[\w-]*/[\w./-]+", text)
    day = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    parts = {"document_number": number.group(0) if number else text[:100], "document_date": None}
    if day:
        try:
            parts["document_date"] = datetime.date(
                int(day.group(3)), int(day.group(2)), int(day.group(1))
            )
        except ValueError:
            pass
    return parts


def documents_from_decisions(apps, schema_editor):
    Plan = apps.get_model("plan_tracker", "Plan")
    for plan in Plan.objects.all():
        if plan.first_year == 2021 and plan.last_year == 2025 and "1629" in plan.decision:
            parts = dict(PROGRAMME_2021_2025)
        else:
            parts = split_decision(plan.decision)
        for name, value in parts.items():
            setattr(plan, name, value)
        plan.save(update_fields=list(parts))


def decisions_from_documents(apps, schema_editor):
    Plan = apps.get_model("plan_tracker", "Plan")
    for plan in Plan.objects.all():
        text = plan.document_number
        if plan.document_date:
            text = f"{text} ngày {plan.document_date:%d/%m/%Y}".strip()
        plan.decision = text[:200]
        plan.save(update_fields=["decision"])


def load(apps, schema_editor):
    """The 2021–2025 programme's document, for a database filled without the migrations (the
    tests' flushed tables)."""
    Plan = apps.get_model("plan_tracker", "Plan")
    Plan.objects.filter(first_year=2021, last_year=2025, province=None).update(
        **PROGRAMME_2021_2025
    )


class Migration(migrations.Migration):

    dependencies = [
        ('localities', '0010_report_base_deadline_required'),
        ('plan_tracker', '0004_year_approvals'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='plan',
            name='description',
            field=models.TextField(blank=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='plan',
            name='document_date',
            field=models.DateField(blank=True, null=True, verbose_name='document date'),
        ),
        migrations.AddField(
            model_name='plan',
            name='document_number',
            field=models.CharField(blank=True, help_text='e.g. 07/KH-UBND', max_length=100, verbose_name='document number'),
        ),
        migrations.AddField(
            model_name='plan',
            name='issuing_body',
            field=models.CharField(blank=True, help_text='e.g. UBND Thành phố Hà Nội', max_length=200, verbose_name='issuing body'),
        ),
        migrations.AddField(
            model_name='plan',
            name='province',
            field=models.ForeignKey(blank=True, help_text='Empty: a national plan, in force in every province.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='localities.locality', verbose_name='province'),
        ),
        migrations.AddField(
            model_name='plan',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='target',
            name='applies_to',
            field=models.CharField(choices=[('each_commune', 'Each commune (and the province)'), ('whole_province', 'The province as a whole')], default='each_commune', help_text="Each commune: every commune is judged against the target, and the province too. The province as a whole: only the province's figure is judged; its communes show “not applicable”.", max_length=20, verbose_name='applies to'),
        ),
        migrations.AlterField(
            model_name='target',
            name='metric',
            field=models.CharField(choices=[('reports_on_time', 'Reports handled on time'), ('annual_inspection', 'Establishments inspected this year'), ('full_coverage', 'Establishments inspected since the plan began'), ('cases_growth', 'Growth of cases handled'), ('cases_handled_count', 'Cases handled in the year (count)'), ('inspections_count', 'Inspections made in the year (count)')], max_length=30, verbose_name='metric'),
        ),
        migrations.AlterField(
            model_name='target',
            name='threshold',
            field=models.DecimalField(decimal_places=2, help_text='A percentage (at most 100) the locality must reach, or for a count the whole number N it must reach in the year.', max_digits=8, verbose_name='threshold'),
        ),
        migrations.CreateModel(
            name='HistoricalPlan',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('name', models.CharField(max_length=200, verbose_name='name (Vietnamese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name (English)')),
                ('document_number', models.CharField(blank=True, help_text='e.g. 07/KH-UBND', max_length=100, verbose_name='document number')),
                ('document_date', models.DateField(blank=True, null=True, verbose_name='document date')),
                ('issuing_body', models.CharField(blank=True, help_text='e.g. UBND Thành phố Hà Nội', max_length=200, verbose_name='issuing body')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('first_year', models.PositiveSmallIntegerField(verbose_name='first year')),
                ('last_year', models.PositiveSmallIntegerField(verbose_name='last year')),
                ('is_default', models.BooleanField(default=False, verbose_name='default plan')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('province', models.ForeignKey(blank=True, db_constraint=False, help_text='Empty: a national plan, in force in every province.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='localities.locality', verbose_name='province')),
            ],
            options={
                'verbose_name': 'historical plan',
                'verbose_name_plural': 'historical plans',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalTarget',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('metric', models.CharField(choices=[('reports_on_time', 'Reports handled on time'), ('annual_inspection', 'Establishments inspected this year'), ('full_coverage', 'Establishments inspected since the plan began'), ('cases_growth', 'Growth of cases handled'), ('cases_handled_count', 'Cases handled in the year (count)'), ('inspections_count', 'Inspections made in the year (count)')], max_length=30, verbose_name='metric')),
                ('threshold', models.DecimalField(decimal_places=2, help_text='A percentage (at most 100) the locality must reach, or for a count the whole number N it must reach in the year.', max_digits=8, verbose_name='threshold')),
                ('applies_to', models.CharField(choices=[('each_commune', 'Each commune (and the province)'), ('whole_province', 'The province as a whole')], default='each_commune', help_text="Each commune: every commune is judged against the target, and the province too. The province as a whole: only the province's figure is judged; its communes show “not applicable”.", max_length=20, verbose_name='applies to')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='description')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('plan', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plan_tracker.plan')),
            ],
            options={
                'verbose_name': 'historical target',
                'verbose_name_plural': 'historical targets',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(documents_from_decisions, decisions_from_documents),
        migrations.RemoveField(model_name="plan", name="decision"),
    ]
