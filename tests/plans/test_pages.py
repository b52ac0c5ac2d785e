"""The plan pages: who reads and manages which plan, the form's validation, its explanations
of each metric, the history and the refusal of a concurrent edit."""

import pytest
from django.urls import reverse
from django.utils import translation

from plan_tracker.models import Plan, Target


@pytest.fixture(autouse=True)
def _english(client):
    # The pages and messages are read in English, the second language.
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def form_post(plan=None, **fields):
    data = {
        "name": "Kế hoạch phòng, chống mại dâm năm 2026",
        "name_en": "",
        "document_number": "07/KH-UBND",
        "document_date": "07/01/2026",
        "issuing_body": "UBND Thành phố Hà Nội",
        "first_year": "2026",
        "last_year": "2026",
        "description": "",
        "version": str(plan.version) if plan else "",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-metric": "cases_handled_count",
        "targets-0-threshold": "100",
        "targets-0-applies_to": "whole_province",
        "targets-0-description": "",
        "targets-1-metric": "reports_on_time",
        "targets-1-threshold": "100",
        "targets-1-applies_to": "each_commune",
        "targets-1-description": "",
    }
    data.update(fields)
    return data


def test_a_provincial_officer_records_their_provinces_plan(client, personas, world):
    client.force_login(personas.hn_officer)
    page = client.get(reverse("plan_create"))
    assert "province" not in page.context["form"].fields  # fixed: their own
    # Every metric is explained beside the form.
    assert "inspections of in-scope establishments dated in the year" in page.content.decode()
    response = client.post(reverse("plan_create"), form_post())
    plan = Plan.objects.get(document_number="07/KH-UBND")
    assert response.status_code == 302 and response["Location"] == reverse(
        "plan_detail", args=[plan.pk]
    )
    assert plan.province == world.hn
    assert [(t.metric, t.threshold, t.applies_to) for t in plan.targets.order_by("pk")] == [
        ("cases_handled_count", 100, "whole_province"),
        ("reports_on_time", 100, "each_commune"),
    ]
    detail = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "hn_officer" in detail or "created" in detail  # the history names the creation


def test_the_form_refuses_bad_targets_with_clear_messages(client, personas):
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("plan_create"),
        form_post(**{"targets-0-threshold": "2.5", "targets-1-threshold": "120"}),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "A count target is a whole number of at least 1" in text
    assert "at most 100" in text
    assert not Plan.objects.filter(document_number="07/KH-UBND").exists()


def test_the_form_refuses_a_metric_twice(client, personas):
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("plan_create"), form_post(**{"targets-1-metric": "cases_handled_count"})
    )
    assert "one target per metric" in response.content.decode()
    assert not Plan.objects.filter(document_number="07/KH-UBND").exists()


def test_the_form_refuses_a_future_document_date_and_years_before_the_province(client, personas):
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("plan_create"),
        form_post(document_date="01/01/2099", first_year="2024", last_year="2026"),
    )
    text = response.content.decode()
    assert "01/01/2099 is in the future" in text
    assert "since 1 July 2025" in text


def test_an_officer_cannot_edit_another_provinces_plan_nor_a_national_one(client, personas, world):
    hcm = Plan.objects.create(name="KH TP HCM", province=world.hcm, first_year=2026, last_year=2026)
    national = Plan.objects.get(first_year=2021)
    client.force_login(personas.hn_officer)
    for plan in (hcm, national):
        response = client.post(reverse("plan_edit", args=[plan.pk]), form_post(plan))
        assert response.status_code == 404
    assert Plan.objects.get(pk=hcm.pk).name == "KH TP HCM"
    # The national plan is read, the other province's is not.
    assert client.get(reverse("plan_detail", args=[national.pk])).status_code == 200
    assert client.get(reverse("plan_detail", args=[hcm.pk])).status_code == 404


def test_an_administrator_records_a_national_plan(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("plan_create"),
        form_post(name="Kế hoạch quốc gia 2026–2030", province="", last_year="2030"),
    )
    assert response.status_code == 302
    plan = Plan.objects.get(name="Kế hoạch quốc gia 2026–2030")
    assert plan.province is None and plan.last_year == 2030


def test_a_concurrent_edit_is_refused(client, personas, world):
    plan = Plan.objects.create(name="KH HN", province=world.hn, first_year=2026, last_year=2026)
    Target.objects.create(plan=plan, metric="inspections_count", threshold=10)
    client.force_login(personas.hn_officer)
    stale = form_post(plan, name="KH HN (sửa lần 2)", **{"targets-TOTAL_FORMS": "0"})
    first = client.post(
        reverse("plan_edit", args=[plan.pk]),
        form_post(plan, name="KH HN (sửa lần 1)", **{"targets-TOTAL_FORMS": "0"}),
    )
    assert first.status_code == 302
    second = client.post(reverse("plan_edit", args=[plan.pk]), stale)
    assert second.status_code == 200
    assert "Someone else saved this record" in second.content.decode()
    plan.refresh_from_db()
    assert plan.name == "KH HN (sửa lần 1)"
    # The history keeps both versions of the name.
    assert [h.name for h in plan.history.order_by("history_date")] == [
        "KH HN",
        "KH HN (sửa lần 1)",
    ]


def test_ministry_staff_read_every_plan_and_manage_none(client, personas, world):
    hcm = Plan.objects.create(name="KH TP HCM", province=world.hcm, first_year=2026, last_year=2026)
    client.force_login(personas.ministry)
    listing = client.get(reverse("plan_list")).content.decode()
    assert "KH TP HCM" in listing and "Record a plan" not in listing
    assert client.get(reverse("plan_edit", args=[hcm.pk])).status_code == 404
    assert client.get(reverse("plan_create")).status_code == 403


def test_a_commune_officer_reads_the_national_plans_and_their_provinces(client, personas, world):
    hn = Plan.objects.create(name="KH Hà Nội", province=world.hn, first_year=2026, last_year=2026)
    Plan.objects.create(name="KH TP HCM", province=world.hcm, first_year=2026, last_year=2026)
    client.force_login(personas.commune_officer)
    plans = list(client.get(reverse("plan_list")).context["plans"])
    assert hn in plans and Plan.objects.get(first_year=2021) in plans
    assert [p.name for p in plans if p.province_id == world.hcm.pk] == []
