"""An activity of an approved year of its province is refused like the other records: by the
form, the deletion, an import and the service; one of another year, or a change of its free
text alone, goes through. Hà Nội's 2024 is approved in these tests (conftest.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exchange.imports import import_file
from localities.models import Activity
from localities.services import record_delete, record_save
from tests.exchange.helpers import csv_bytes, write

LOCKED = "The year 2024 of Thành phố Hà Nội was approved on"


def activity(world, held_on, reference="ACT-1", **extra):
    fields = {
        "kind": "communication",
        "form": "meeting",
        "audience": "residents",
        "people_reached": 10,
        "title": "Họp dân",
    }
    return Activity(
        reference=reference, commune=world.ba_dinh, held_on=held_on, **{**fields, **extra}
    )


@pytest.fixture
def before_approval(hanoi, world, personas, step):
    """An activity of 2024 recorded before the year was submitted, then the year approved."""
    record = record_save(
        user=personas.hn_officer, record=activity(world, datetime.date(2024, 6, 1))
    )
    step(personas.hn_officer, "submit")
    step(personas.ministry, "approve")
    return Activity.objects.get(pk=record.pk)


def test_a_new_activity_in_the_approved_year_is_refused(approved_2024, world, personas):
    with pytest.raises(ValidationError) as refusal:
        record_save(user=personas.hn_officer, record=activity(world, datetime.date(2024, 7, 1)))
    assert refusal.value.messages[0].startswith(LOCKED)
    assert not Activity.objects.exists()
    # The next year is open.
    record_save(user=personas.hn_officer, record=activity(world, datetime.date(2025, 1, 5)))
    assert Activity.objects.count() == 1


def test_moving_or_deleting_an_activity_of_the_approved_year_is_refused(before_approval, personas):
    record = before_approval
    record.held_on = datetime.date(2025, 1, 5)
    with pytest.raises(ValidationError):
        record_save(user=personas.hn_officer, record=record, expected_version=record.version)
    record = Activity.objects.get(pk=record.pk)
    with pytest.raises(ValidationError) as refusal:
        record_delete(user=personas.hn_officer, record=record, expected_version=record.version)
    assert refusal.value.messages[0].startswith(LOCKED)
    assert Activity.objects.get(pk=record.pk).held_on == datetime.date(2024, 6, 1)


def test_the_people_reached_are_a_figure_but_the_title_is_free_text(before_approval, personas):
    record = before_approval
    record.people_reached = 99
    with pytest.raises(ValidationError):
        record_save(user=personas.hn_officer, record=record, expected_version=record.version)
    record = Activity.objects.get(pk=record.pk)
    record.title = "Họp dân (sửa tên)"
    record_save(user=personas.hn_officer, record=record, expected_version=record.version)
    assert Activity.objects.get(pk=record.pk).title == "Họp dân (sửa tên)"


def test_the_pages_say_why_they_refuse(before_approval, client, personas):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    url = reverse("activity_delete", args=[before_approval.pk])
    response = client.post(url, {"version": before_approval.version})
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert Activity.objects.filter(pk=before_approval.pk).exists()


def test_an_import_into_the_approved_year_writes_nothing(approved_2024, personas, tmp_path):
    rows = [
        ["ACT-2", "00004", "15/03/2025", "training", "press", "officials", "5", "T", ""],
        ["ACT-3", "00004", "15/03/2024", "training", "press", "officials", "5", "T", ""],
    ]
    path = write(tmp_path, "activities.csv", csv_bytes("activities", rows))
    result = import_file("activities", path, user=personas.hn_officer, commit=True)
    assert [(e.line, e.message[: len(LOCKED)]) for e in result.errors] == [(3, LOCKED)]
    assert not Activity.objects.exists()
