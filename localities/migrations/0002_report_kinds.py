"""The legal time limits of each kind of report (plan-rules §5): data, editable by admins."""

from django.db import migrations

KINDS = [
    # code, Vietnamese, English, legal basis, base days, max days, max months
    (
        "crime_denunciation",
        "Tố giác về tội phạm",
        "Crime denunciation",
        "Bộ luật Tố tụng hình sự 2015, Điều 147",
        20,
        None,
        4,
    ),
    (
        "crime_information",
        "Tin báo về tội phạm",
        "Crime information",
        "Bộ luật Tố tụng hình sự 2015, Điều 147",
        20,
        None,
        4,
    ),
    (
        "prosecution_petition",
        "Kiến nghị khởi tố",
        "Prosecution petition",
        "Bộ luật Tố tụng hình sự 2015, Điều 147",
        20,
        None,
        4,
    ),
    (
        "denunciation",
        "Tố cáo",
        "Denunciation",
        "Luật Tố cáo 2018, Điều 30",
        30,
        90,
        None,
    ),
]


def load(apps, schema_editor):
    ReportKind = apps.get_model("localities", "ReportKind")
    for position, (code, name, name_en, basis, base, max_days, max_months) in enumerate(KINDS):
        ReportKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "legal_basis": basis,
                "base_days": base,
                "max_days": max_days,
                "max_months": max_months,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("localities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
