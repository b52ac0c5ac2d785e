"""What the daily digest's e-mail says, and to whom it goes (scenario: conftest.py here)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from localities.models import Role
from plan_tracker.digests import build_digest, send_digests
from plan_tracker.models import DigestPreference
from tests.conftest import make_user
from tests.digests.conftest import REPORTER_SECRETS, establishment, report

pytestmark = pytest.mark.django_db


def mail_to(address):
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def html_of(message):
    (html, mimetype), *_rest = message.alternatives
    assert mimetype == "text/html"
    return html


def listed_references(text):
    return re.findall(r"\b(?:BD|HK)-[A-Z]+(?:-\d)?\b", text)


def test_the_commune_officer_gets_exactly_the_overdue_and_due_soon_reports_of_the_commune(
    officers,
):
    send_digests()
    message = mail_to("bd@example.vn")
    # BD-LATE (deadline D−2) first, then the two due on D+3; BD-LATER (D+9), BD-DONE
    # (handled) and Hoàn Kiếm's HK-SOON are not in it.
    reports_part = message.body.split("cơ sở chưa được kiểm tra")[0]
    assert listed_references(reports_part) == ["BD-LATE", "BD-SOON-1", "BD-SOON-2"]
    assert "HK-SOON" not in message.body and "HK-SOON" not in html_of(message)
    for ref in ("BD-LATE", "BD-SOON-1", "BD-SOON-2"):
        assert ref in html_of(message)
    for ref in ("BD-LATER", "BD-DONE"):
        assert ref not in message.body and ref not in html_of(message)
    today = timezone.localdate()
    in_three = (today + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    two_ago = (today - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    assert f"hạn giải quyết {in_three}" in message.body and "còn 3 ngày" in message.body
    assert f"hạn giải quyết {two_ago}" in message.body and "quá hạn 2 ngày" in message.body
    assert "3 nguồn tin quá hạn hoặc đến hạn trong 5 ngày (1 quá hạn)" in message.body


def test_the_provincial_officer_gets_the_reports_of_every_commune_of_the_province(officers):
    send_digests()
    body = mail_to("hn@example.vn").body
    reports_part = body.split("cơ sở chưa được kiểm tra")[0]
    assert sorted(listed_references(reports_part)) == [
        "BD-LATE",
        "BD-SOON-1",
        "BD-SOON-2",
        "HK-SOON",
    ]
    assert "3 cơ sở chưa được kiểm tra lần nào từ 01/01/2021" in body


def test_the_never_inspected_establishments_are_those_of_the_work_list(client, officers):
    send_digests()
    body = mail_to("bd@example.vn").body
    # BD-NEVER and BD-OLD (inspected in 2020 only); not BD-SEEN (2022), not BD-OUT (out of
    # the plan's scope).
    assert "2 cơ sở chưa được kiểm tra lần nào từ 01/01/2021" in body
    assert "BD-NEVER" in body and "BD-OLD" in body
    assert "BD-SEEN" not in body and "BD-OUT" not in body
    client.force_login(officers.commune)
    work = client.get(reverse("work_lists", args=[officers.commune.assignment.locality_id]))
    digest = build_digest(officers.commune)
    assert work.context["never_count"] == digest.never_count == 2
    assert [e.code for e in work.context["never_list"]] == [e.code for e in digest.never]


def test_the_links_are_absolute_from_the_base_url(settings, officers):
    settings.PLAN_TRACKER_BASE_URL = "https://pt.bocongan.vn"
    send_digests()
    message = mail_to("bd@example.vn")
    ba_dinh = officers.commune.assignment.locality_id
    work_url = f"https://pt.bocongan.vn/dashboards/locality/{ba_dinh}/work/"
    assert work_url in message.body
    assert f'href="{work_url}"' in html_of(message)
    assert "https://pt.bocongan.vn/reports/" in message.body
    assert "https://pt.bocongan.vn/digest/" in message.body


def test_nothing_identifying_a_reporter_is_in_any_digest(officers):
    send_digests()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        for text in (message.subject, message.body, html_of(message)):
            for secret in REPORTER_SECRETS:
                assert secret not in text


def test_the_digest_is_in_vietnamese_unless_the_officer_chose_english(officers):
    DigestPreference.objects.create(user=officers.province, language="en")
    send_digests()
    day = timezone.localdate().strftime("%d/%m/%Y")
    assert mail_to("bd@example.vn").subject == f"Việc đến hạn tại Phường Ba Đình ngày {day}"
    english = mail_to("hn@example.vn")
    assert english.subject == f"What falls due in Thành phố Hà Nội on {day}"
    assert "4 reports overdue or due within 5 days (1 overdue)" in english.body
    assert translation.get_language() == "vi"


def test_an_officer_who_turned_the_digest_off_gets_none(officers):
    DigestPreference.objects.create(user=officers.commune, enabled=False)
    outcome = send_digests()
    assert [m.to for m in mail.outbox] == [["hn@example.vn"]]
    assert (outcome.sent, outcome.opted_out) == (1, 1)


def test_a_user_without_an_email_address_gets_none(officers):
    officers.commune.email = ""
    officers.commune.save()
    outcome = send_digests()
    assert [m.to for m in mail.outbox] == [["hn@example.vn"]]
    assert (outcome.sent, outcome.no_email) == (1, 1)


def test_ministry_staff_administrators_and_the_inactive_get_none(officers):
    officers.province.is_active = False
    officers.province.save()
    send_digests()
    assert [m.to for m in mail.outbox] == [["bd@example.vn"]]


def test_an_officer_with_nothing_due_gets_no_mail(officers):
    outcome = send_digests()
    assert not [m for m in mail.outbox if m.to == ["hcm@example.vn"]]
    assert outcome.nothing_due == 1


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(officers):
    today = timezone.localdate()
    first = send_digests(day=today)
    second = send_digests(day=today)
    assert (first.sent, second.sent, second.already_sent) == (2, 0, 2)
    assert len(mail.outbox) == 2
    assert DigestPreference.objects.get(user=officers.commune).last_sent_on == today
    tomorrow = send_digests(day=today + datetime.timedelta(days=1))
    assert tomorrow.sent == 2 and len(mail.outbox) == 4


def test_a_digest_that_could_not_be_sent_is_sent_at_the_next_run(officers, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refuse)
        failed = send_digests()
    assert (failed.sent, failed.failed) == (0, 2)
    assert DigestPreference.objects.get(user=officers.commune).last_sent_on is None
    again = send_digests()
    assert again.sent == 2


def test_the_command_prints_how_many_were_sent_and_skipped(officers, capsys):
    DigestPreference.objects.create(user=officers.province, enabled=False)
    make_user("no_mail", Role.COMMUNE_OFFICER, officers.commune.assignment.locality)
    call_command("send_digests")
    out = capsys.readouterr().out
    day = timezone.localdate().strftime("%d/%m/%Y")
    # Sent: bd_officer. Skipped: hn_officer (off), no_mail (no address), hcm_officer (nothing).
    assert out.strip() == (
        f"Thư tóm tắt hằng ngày ngày {day}: đã gửi 1, bỏ qua 3 (1 đã tắt, 1 không có địa chỉ "
        "e-mail, 1 không có việc đến hạn, 0 đã gửi hôm nay)."
    )
    for secret in REPORTER_SECRETS:
        assert secret not in out


def test_the_log_counts_and_names_no_one(officers, caplog):
    with caplog.at_level("INFO", logger="plan_tracker.digests"):
        send_digests()
    assert "2 sent, 1 skipped" in caplog.text
    for word in (*REPORTER_SECRETS, "bd_officer", "hn@example.vn"):
        assert word not in caplog.text


def queries_of(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_one_digest_costs_the_same_queries_however_much_falls_due(officers, kinds, world):
    from django.contrib.auth import get_user_model

    def fresh_digest():
        user = (
            get_user_model()
            .objects.select_related("assignment__locality")
            .get(username="bd_officer")
        )
        return queries_of(lambda: build_digest(user))

    small = fresh_digest()
    for n in range(30):
        report(f"BD-MORE-{n}", world.ba_dinh, kinds, 17 + n % 10)
        establishment(f"BD-EST-{n}", world.ba_dinh)
    large = fresh_digest()
    assert small == large
    # The selection's plans (2), the reports' list and counts (2), the establishments' list
    # and count (2).
    assert large == 6


def test_sending_costs_a_fixed_number_of_queries_per_officer(officers, world):
    def run():
        mail.outbox.clear()
        DigestPreference.objects.update(last_sent_on=None)
        return queries_of(send_digests)

    run()  # the officers' preference rows are created on the first run (one query for all)
    counts = [run()]
    for n in range(2):
        make_user(f"bd_{n}", Role.COMMUNE_OFFICER, world.ba_dinh, email=f"bd{n}@example.vn")
        run()  # the new officer's preference row is created on this first run
        counts.append(run())
    # Per officer mailed: the digest's 4 queries (its plans are read once for all) and the
    # claim of the day (1).
    assert counts[1] - counts[0] == counts[2] - counts[1] == 5
