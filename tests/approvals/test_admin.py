"""The years' approvals in the Django admin: an administrator reads them and their steps,
filters and searches them; nobody adds, changes or deletes one there (each step goes through
take_step)."""

import pytest
from django.urls import reverse

from plan_tracker.approvals import ApprovalStep, State, YearApproval


@pytest.fixture
def approvals(approved_2024, step, personas, world, hanoi):
    """Hà Nội 2024 approved; Hồ Chí Minh City 2024 submitted."""
    from localities.models import Role
    from tests.conftest import make_user

    hcm_officer = make_user("hcm_officer_admin", Role.PROVINCIAL_OFFICER, world.hcm)
    step(hcm_officer, "submit", province=world.hcm)
    return approved_2024


def changelist(client, **params):
    return client.get(reverse("admin:plan_tracker_yearapproval_changelist"), params)


def test_an_administrator_lists_every_approval(client, personas, approvals):
    client.force_login(personas.admin)
    response = changelist(client)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2


def test_the_list_filters_by_state_year_and_province_and_searches_by_province(
    client, personas, approvals, world
):
    client.force_login(personas.admin)
    approved = changelist(client, state__exact=State.APPROVED)
    assert [a.province for a in approved.context["cl"].result_list] == [world.hn]
    assert len(changelist(client, year__exact=2024).context["cl"].result_list) == 2
    assert len(changelist(client, year__exact=2023).context["cl"].result_list) == 0
    by_province = changelist(client, province__id__exact=world.hcm.pk)
    assert [a.province for a in by_province.context["cl"].result_list] == [world.hcm]
    searched = changelist(client, q="Hồ Chí Minh")
    assert [a.province for a in searched.context["cl"].result_list] == [world.hcm]
    assert [a.province for a in changelist(client, q="01").context["cl"].result_list] == [world.hn]


def test_the_approval_page_shows_its_steps_read_only(client, personas, approvals):
    client.force_login(personas.admin)
    url = reverse("admin:plan_tracker_yearapproval_change", args=[approvals.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    html = response.content.decode()
    assert 'name="_save"' not in html
    steps = response.context["inline_admin_formsets"][0]
    assert len(list(steps)) == 2  # submitted, then approved


def test_the_admin_refuses_to_change_add_or_delete_an_approval(client, personas, approvals):
    client.force_login(personas.admin)
    change = reverse("admin:plan_tracker_yearapproval_change", args=[approvals.pk])
    response = client.post(change, {"state": State.RETURNED, "year": 2024})
    assert response.status_code == 403
    assert client.get(reverse("admin:plan_tracker_yearapproval_add")).status_code == 403
    delete = reverse("admin:plan_tracker_yearapproval_delete", args=[approvals.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:plan_tracker_yearapproval_changelist"),
        {"action": "delete_selected", "_selected_action": [approvals.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    approvals.refresh_from_db()
    assert approvals.state == State.APPROVED
    assert YearApproval.objects.count() == 2
    assert ApprovalStep.objects.filter(approval=approvals).count() == 2


def test_only_an_administrator_reads_the_approvals_in_the_admin(client, personas, approvals):
    personas.ministry.is_staff = True
    personas.ministry.save()
    client.force_login(personas.ministry)
    assert changelist(client).status_code == 403
