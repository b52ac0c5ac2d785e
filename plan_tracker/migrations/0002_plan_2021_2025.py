"""The 2021–2025 plan (Decision 1629/QĐ-TTg) and its four targets, loaded by default."""

from decimal import Decimal

from django.db import migrations

TARGETS = [
    ("reports_on_time", Decimal("100"), "100% tố giác, tin báo, kiến nghị khởi tố được giải quyết đúng hạn"),
    ("annual_inspection", Decimal("20"), "Mỗi năm kiểm tra ít nhất 20% cơ sở kinh doanh dịch vụ dễ phát sinh mại dâm"),
    ("full_coverage", Decimal("100"), "Đến năm 2025, 100% cơ sở được kiểm tra ít nhất một lần"),
    ("cases_growth", Decimal("3"), "Số vụ phạm tội liên quan mại dâm được xử lý tăng 3–5% mỗi năm"),
]


def load(apps, schema_editor):
    Plan = apps.get_model("plan_tracker", "Plan")
    Target = apps.get_model("plan_tracker", "Target")
    defaults = {
        "name": "Chương trình phòng, chống mại dâm giai đoạn 2021–2025",
        "name_en": "Prostitution prevention and control programme 2021–2025",
        "is_default": True,
    }
    if any(f.name == "decision" for f in Plan._meta.get_fields()):
        # The one-line decision of the schema of this migration; its document fields later.
        defaults["decision"] = "Quyết định 1629/QĐ-TTg ngày 28/9/2021"
    plan, _ = Plan.objects.update_or_create(first_year=2021, last_year=2025, defaults=defaults)
    for metric, threshold, description in TARGETS:
        Target.objects.update_or_create(
            plan=plan, metric=metric, defaults={"threshold": threshold, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("plan_tracker", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
