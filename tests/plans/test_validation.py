"""What a plan and its targets must satisfy, with the messages an officer reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from plan_tracker.models import Plan, Target
from tests.plan_tracker.scenario import D


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English, the second language (Vietnamese is the default).
    with translation.override("en"):
        yield


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def hanoi_plan(world, **extra):
    fields = {"name": "Kế hoạch 2026", "province": world.hn, "first_year": 2026, "last_year": 2026}
    return Plan(**(fields | extra))


def test_a_percentage_target_is_at_most_100(world):
    plan = Plan.objects.create(name="P", first_year=2026, last_year=2026)
    errors = errors_of(Target(plan=plan, metric="annual_inspection", threshold=Decimal("120")))
    assert "at most 100" in errors["threshold"][0]
    Target(plan=plan, metric="annual_inspection", threshold=Decimal("100")).full_clean()


@pytest.mark.parametrize("value", ["0", "2.5", "-3"])
def test_a_count_target_is_a_whole_number_of_at_least_one(world, value):
    plan = Plan.objects.create(name="P", first_year=2026, last_year=2026)
    errors = errors_of(Target(plan=plan, metric="cases_handled_count", threshold=Decimal(value)))
    assert "whole number of at least 1" in errors["threshold"][0]


def test_a_count_target_may_exceed_100(world):
    plan = Plan.objects.create(name="P", first_year=2026, last_year=2026)
    target = Target(plan=plan, metric="cases_handled_count", threshold=Decimal("150"))
    target.full_clean()
    assert str(target) == "Cases handled in the year (count) ≥ 150"


def test_a_plan_has_one_target_per_metric(world):
    plan = Plan.objects.create(name="P", first_year=2026, last_year=2026)
    Target.objects.create(plan=plan, metric="inspections_count", threshold=Decimal("10"))
    errors = errors_of(Target(plan=plan, metric="inspections_count", threshold=Decimal("20")))
    assert "__all__" in errors
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(plan=plan, metric="inspections_count", threshold=Decimal("20"))


def test_a_provinces_plan_covers_2025_or_later(world):
    errors = errors_of(hanoi_plan(world, first_year=2024, last_year=2026))
    assert "since 1 July 2025" in errors["first_year"][0]
    hanoi_plan(world, first_year=2025, last_year=2026).full_clean()


def test_a_plans_province_is_a_province_of_the_2025_scheme(world):
    assert (
        "Choose a province" in errors_of(hanoi_plan(world, province=world.ba_dinh))["province"][0]
    )
    assert "Choose a province" in errors_of(hanoi_plan(world, province=world.old_hn))["province"][0]


def test_the_last_year_is_not_before_the_first(world):
    errors = errors_of(hanoi_plan(world, first_year=2027, last_year=2026))
    assert "first year or later" in errors["last_year"][0]


def test_the_document_date_is_not_in_the_future(world, today):
    import datetime

    tomorrow = today + datetime.timedelta(days=1)
    errors = errors_of(hanoi_plan(world, document_date=tomorrow))
    assert tomorrow.strftime("%d/%m/%Y") in errors["document_date"][0]
    hanoi_plan(world, document_date=today).full_clean()


def test_only_a_national_plan_is_the_default(world):
    errors = errors_of(hanoi_plan(world, is_default=True))
    assert "national" in errors["is_default"][0]


def test_the_2021_2025_programme_is_national_with_its_decision_as_its_document(db):
    plan = Plan.objects.get(first_year=2021, last_year=2025)
    assert plan.province is None
    assert (plan.document_number, plan.document_date, plan.issuing_body) == (
        "1629/QĐ-TTg",
        D(2021, 9, 28),
        "Thủ tướng Chính phủ",
    )
    assert plan.decision == "1629/QĐ-TTg of 28/09/2021, Thủ tướng Chính phủ"
