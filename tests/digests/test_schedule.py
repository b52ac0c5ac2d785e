"""The daily schedule: each run of the digest task waits on the queue for the next morning."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.models import DBTaskResult

from plan_tracker.digests import next_run_after, schedule_next_run, send_daily_digests

ROOT = Path(__file__).resolve().parents[2]
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def local(*args):
    return datetime.datetime(*args, tzinfo=HCM)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2025, 3, 10, 10, 30), local(2025, 3, 11, 7, 0)),  # after 07:00: tomorrow
        (local(2025, 3, 10, 6, 59), local(2025, 3, 10, 7, 0)),  # before 07:00: this morning
        (local(2025, 3, 10, 7, 0), local(2025, 3, 11, 7, 0)),  # at 07:00 sharp: tomorrow
        (local(2025, 12, 31, 23, 0), local(2026, 1, 1, 7, 0)),  # over the year's end
        # 01:00 UTC is 08:00 in Hồ Chí Minh City: the next run is the next local morning.
        (datetime.datetime(2025, 3, 10, 1, 0, tzinfo=datetime.UTC), local(2025, 3, 11, 7, 0)),
    ],
)
def test_the_next_run_is_the_next_morning_at_seven_local_time(now, expected):
    assert next_run_after(now) == expected


def test_the_digest_hour_is_a_setting(settings):
    settings.PLAN_TRACKER_DIGEST_HOUR = 9
    assert next_run_after(local(2025, 3, 10, 8, 0)) == local(2025, 3, 10, 9, 0)


def test_an_hour_outside_0_to_23_stops_the_app_with_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-c", "import plan_tracker.settings"],
        env={**os.environ, "PLAN_TRACKER_DIGEST_HOUR": "24"},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "PLAN_TRACKER_DIGEST_HOUR must be an hour from 0 to 23, got 24" in result.stderr


@pytest.mark.django_db
def test_a_run_of_the_task_sends_the_digests_and_waits_for_the_next_morning(settings, officers):
    settings.TASKS = DUMMY_QUEUE
    before = timezone.now()
    counts = send_daily_digests.call()
    after = timezone.now()
    assert (counts["sent"], counts["nothing_due"]) == (2, 1)
    assert len(mail.outbox) == 2
    (waiting,) = default_task_backend.results
    assert waiting.task.module_path == "plan_tracker.digests.send_daily_digests"
    assert waiting.task.run_after in {next_run_after(before), next_run_after(after)}
    assert waiting.task.run_after.astimezone(HCM).time() == datetime.time(7, 0)


@pytest.mark.django_db
def test_a_failed_run_still_waits_for_the_next_morning(settings, monkeypatch):
    settings.TASKS = DUMMY_QUEUE

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("plan_tracker.digests.send_digests", broken)
    with pytest.raises(RuntimeError):
        send_daily_digests.call()
    assert len(default_task_backend.results) == 1


@pytest.mark.django_db
def test_schedule_digests_leaves_exactly_one_run_waiting_in_the_database(settings, capsys):
    settings.TASKS = DATABASE_QUEUE
    call_command("schedule_digests")
    call_command("schedule_digests")
    waiting = DBTaskResult.objects.filter(
        task_path="plan_tracker.digests.send_daily_digests", status=TaskResultStatus.READY
    )
    assert waiting.count() == 1
    when = waiting.get().run_after
    assert when.astimezone(HCM).time() == datetime.time(7, 0)
    shown = when.astimezone(HCM).strftime("%d/%m/%Y %H:%M")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"Đã xếp lịch lần gửi thư tóm tắt hằng ngày tiếp theo lúc {shown}.",
        f"Lần gửi thư tóm tắt hằng ngày tiếp theo đã được xếp lịch lúc {shown}.",
    ]


@pytest.mark.django_db
def test_a_second_waiting_run_is_removed_and_the_earliest_kept(settings):
    settings.TASKS = DATABASE_QUEUE
    early, late = local(2030, 1, 1, 7, 0), local(2030, 1, 2, 7, 0)
    send_daily_digests.using(run_after=late).enqueue()
    send_daily_digests.using(run_after=early).enqueue()
    schedule = schedule_next_run()
    assert (schedule.state, schedule.run_after, schedule.removed) == ("waiting", early, 1)
    (row,) = DBTaskResult.objects.filter(task_path="plan_tracker.digests.send_daily_digests")
    assert row.run_after == early


@pytest.mark.django_db
def test_a_running_digest_enqueues_the_next_one_on_the_database_queue(settings, officers):
    settings.TASKS = DATABASE_QUEUE
    call_command("schedule_digests")
    # The worker takes the waiting run: it is no longer waiting while it runs.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    running = DBTaskResult.objects.get()
    before = timezone.now()
    send_daily_digests.call()
    (waiting,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert waiting.pk != running.pk
    assert waiting.run_after.astimezone(HCM).time() == datetime.time(7, 0)
    assert before < waiting.run_after <= before + datetime.timedelta(days=1)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_queue_that_runs_tasks_at_once_schedules_nothing_and_says_so(settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("schedule_digests")
    assert "chạy tác vụ ngay lập tức" in capsys.readouterr().out
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_on_a_queue_that_runs_tasks_at_once_the_task_sends_at_once(settings, officers):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = send_daily_digests.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["sent"] == 2
    assert len(mail.outbox) == 2
