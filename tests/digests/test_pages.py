"""The home page's "Việc đến hạn" (the digest's own selection) and the preference page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from plan_tracker.digests import build_digest, send_digests
from plan_tracker.models import DigestPreference
from tests.digests.conftest import REPORTER_SECRETS

pytestmark = pytest.mark.django_db


def due_section(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section class="mb-4" id="due-work".*?</section>', html, re.S)
    assert match, "no due work on the page"
    return match.group(0)


def test_the_home_page_lists_what_the_digest_mails(client, officers):
    client.force_login(officers.commune)
    section = due_section(client.get(reverse("home")))
    assert "Việc đến hạn" in section
    listed = re.findall(r">((?:BD|HK)-[A-Z]+(?:-\d)?)</a>", section)
    assert listed == ["BD-LATE", "BD-SOON-1", "BD-SOON-2", "BD-NEVER", "BD-OLD"]
    send_digests()
    (message,) = [m for m in mail.outbox if m.to == ["bd@example.vn"]]
    for ref in listed:
        assert ref in message.body
    assert "3 nguồn tin quá hạn hoặc đến hạn trong 5 ngày" in section
    assert "2 cơ sở chưa được kiểm tra lần nào từ 01/01/2021" in section


def test_the_home_page_links_to_the_records_and_the_work_lists_of_the_area(client, officers):
    client.force_login(officers.commune)
    section = due_section(client.get(reverse("home")))
    ba_dinh = officers.commune.assignment.locality_id
    assert f'href="/dashboards/locality/{ba_dinh}/work/"' in section
    assert 'href="/reports/' in section and 'href="/establishments/' in section
    assert f'href="{reverse("digest_preference")}"' in section


def test_the_home_page_shows_no_reporter_identity(client, officers):
    client.force_login(officers.province)
    html = client.get(reverse("home")).content.decode()
    assert "HK-SOON" in due_section(client.get(reverse("home")))
    for secret in REPORTER_SECRETS:
        assert secret not in html


def test_an_officer_with_nothing_due_is_told_so(client, officers):
    client.force_login(officers.idle)
    section = due_section(client.get(reverse("home")))
    assert "Không có việc đến hạn tại Thành phố Hồ Chí Minh" in section


def test_national_users_have_no_due_work_on_the_home_page(client, officers):
    for user in (officers.ministry, officers.admin):
        client.force_login(user)
        assert 'id="due-work"' not in client.get(reverse("home")).content.decode()
        assert build_digest(user) is None


def test_the_home_page_costs_the_same_queries_however_much_falls_due(
    client, officers, kinds, world, django_assert_num_queries
):
    from tests.digests.conftest import establishment, report

    client.force_login(officers.commune)
    client.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for n in range(20):
        report(f"BD-MORE-{n}", world.ba_dinh, kinds, 18)
        establishment(f"BD-EST-{n}", world.ba_dinh)
    with django_assert_num_queries(len(small)):
        client.get(reverse("home"))


def test_the_user_menu_leads_to_the_preference_page(client, officers):
    client.force_login(officers.commune)
    html = client.get(reverse("home")).content.decode()
    assert 'id="digest-preference-link">Thư tóm tắt hằng ngày</a>' in html
    assert f'href="{reverse("digest_preference")}"' in html


def test_an_officer_turns_the_digest_off_and_no_mail_comes(client, officers):
    client.force_login(officers.commune)
    page = client.get(reverse("digest_preference"))
    assert page.status_code == 200
    assert "Thư tóm tắt hằng ngày qua e-mail" in page.content.decode()
    assert not DigestPreference.objects.exists()  # reading the page writes nothing
    response = client.post(reverse("digest_preference"), {"language": ""})
    assert response.status_code == 302
    preference = DigestPreference.objects.get(user=officers.commune)
    assert (preference.enabled, preference.language) == (False, "")
    send_digests()
    assert [m.to for m in mail.outbox] == [["hn@example.vn"]]


def test_an_officer_chooses_english_and_turns_it_back_on(client, officers):
    DigestPreference.objects.create(user=officers.commune, enabled=False)
    client.force_login(officers.commune)
    client.post(reverse("digest_preference"), {"enabled": "on", "language": "en"})
    preference = DigestPreference.objects.get(user=officers.commune)
    assert (preference.enabled, preference.language) == (True, "en")
    send_digests()
    (message,) = [m for m in mail.outbox if m.to == ["bd@example.vn"]]
    assert message.subject.startswith("What falls due in Phường Ba Đình")


def test_the_page_changes_only_its_own_users_choice(client, officers):
    DigestPreference.objects.create(user=officers.province, enabled=True)
    client.force_login(officers.commune)
    client.post(reverse("digest_preference"), {"language": "en", "user": officers.province.pk})
    assert DigestPreference.objects.get(user=officers.province).enabled is True
    assert DigestPreference.objects.get(user=officers.commune).language == "en"


def test_the_page_says_when_no_digest_can_come(client, officers):
    client.force_login(officers.ministry)
    html = client.get(reverse("digest_preference")).content.decode()
    assert "không phụ trách địa bàn riêng" in html
    assert "chưa có địa chỉ e-mail" not in html
    officers.commune.email = ""
    officers.commune.save()
    client.force_login(officers.commune)
    html = client.get(reverse("digest_preference")).content.decode()
    assert "chưa có địa chỉ e-mail" in html
    assert "không phụ trách địa bàn riêng" not in html


def test_the_preference_page_needs_a_login(client, db):
    response = client.get(reverse("digest_preference"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
