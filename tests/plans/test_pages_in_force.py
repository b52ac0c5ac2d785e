"""The dashboards and work lists under the plans in force: each plan side by side with each
target's status, the current year by default, and a year with no plan in force shown all the
same (records and plans in tests/plans/conftest.py, statuses as of 30/06/2026 computed by hand
in tests/plans/test_in_force.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from plan_tracker.models import Plan, Target

AS_OF = {"year": "2026", "as_of": "30/06/2026"}


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def test_the_same_rule_reads_the_plans_in_force_from_the_database_and_from_a_plan(world, plans):
    for place in (None, world.hn, world.ba_dinh, world.sai_gon):
        for year in (2024, 2025, 2026, 2027):
            loaded = [p for p in Plan.objects.all() if p.is_in_force(place, year)]
            assert {p.pk for p in loaded} == {p.pk for p in Plan.objects.in_force(place, year)}, (
                place,
                year,
            )


def test_a_provinces_dashboard_shows_each_plan_in_force_with_each_targets_status(
    client, personas, records_2026, plans
):
    client.force_login(personas.hn_officer)
    page = client.get(reverse("dashboard_locality", args=[records_2026.hn.pk]), AS_OF)
    assert page.status_code == 200
    cards = page.context["plan_cards"]
    assert [card["plan"] for card in cards] == [plans.national, plans.hanoi]
    statuses = [
        {t["target"].metric: (t["value"], t["status"]["id"]) for t in card["targets"]}
        for card in cards
    ]
    # Hà Nội as of 30/06/2026: 25.0% inspected, 3 cases, 2 inspections (see test_in_force).
    assert statuses[0]["annual_inspection"][1] == "on_track"
    assert statuses[0]["cases_handled_count"] == (3, "on_track")
    assert statuses[1] == {
        "cases_handled_count": (3, "on_track"),
        "inspections_count": (2, "on_track"),
        "reports_on_time": (None, "not_applicable"),
    }
    html = page.content.decode()
    assert 'id="plans-in-force"' in html and "07/KH-UBND" in html


def test_a_communes_work_list_shows_both_plans_and_the_pace_of_the_national_target(
    client, personas, records_2026, plans
):
    client.force_login(personas.commune_officer)
    page = client.get(reverse("work_lists", args=[records_2026.ba_dinh.pk]), AS_OF)
    html = page.content.decode()
    assert [card["plan"] for card in page.context["plan_cards"]] == [
        plans.national,
        plans.hanoi,
    ]
    # Ba Đình is not judged on Hà Nội's whole-province cases target.
    hanoi = page.context["plan_cards"][1]
    cases = next(t for t in hanoi["targets"] if t["target"].metric == "cases_handled_count")
    assert cases["status"]["id"] == "not_applicable"
    # The national plan's 20% a year runs in 2026: its pace is given, never "no target".
    assert "annual_inspection" in page.context["pace"]
    assert "sets a yearly inspection target" not in html


def test_the_current_year_is_the_default(client, personas, world):
    client.force_login(personas.ministry)
    page = client.get(reverse("dashboard_national"))
    assert page.context["sel"].year == timezone.localdate().year


def test_a_year_with_no_plan_in_force_shows_its_figures_and_says_so(client, personas, world):
    # Only the 2021–2025 programme is recorded: 2026 has no plan in force.
    client.force_login(personas.ministry)
    page = client.get(reverse("dashboard_national"), AS_OF)
    assert page.status_code == 200
    assert page.context["sel"].no_plan_in_force
    assert 'id="no-plan-in-force"' in page.content.decode()
    assert [row.locality for row in page.context["figures"].rows] == [world.hn, world.hcm]


def test_another_provinces_plan_is_neither_offered_nor_accepted(client, personas, world, plans):
    hcm = Plan.objects.create(name="KH TP HCM", province=world.hcm, first_year=2026, last_year=2026)
    Target.objects.create(plan=hcm, metric="inspections_count", threshold=5)
    client.force_login(personas.hn_officer)
    page = client.get(reverse("dashboard_locality", args=[world.hn.pk]), AS_OF)
    offered = [value for value, _label in page.context["sel"].form.fields["plan"].choices]
    assert hcm.pk not in offered and plans.hanoi.pk in offered
    refused = client.get(
        reverse("dashboard_locality", args=[world.hn.pk]), {**AS_OF, "plan": hcm.pk}
    )
    assert refused.status_code == 400
