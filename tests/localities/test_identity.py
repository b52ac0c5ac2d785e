"""The reporter's identity is a state secret (plan-rules §5): never in a list or on the report's
page, shown on its own page only to the officers of the report's area, every look and edit
logged, and its content never in a log line."""

import logging

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from localities.models import IdentityAccess, ReporterIdentity
from tests.localities.conftest import SECRET_NAME, VISIBLE, WRITERS

PERSONAS = list(VISIBLE)
SECRETS = [SECRET_NAME, "Số 7 ngõ Kín", "0900000007"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_identity_is_in_no_list_and_not_on_the_reports_page(client, login, records, persona):
    login(persona)
    # A report of the persona's own area, so its pages answer 200 and the check means something;
    # the outsider has none: its report pages answer 404 (and only its lists are read).
    tag = "BD" if "BD" in VISIBLE[persona] else min(VISIBLE[persona], default="BD")
    report = records.report[tag]
    sees = tag in VISIBLE[persona]
    writes = sees and persona in WRITERS
    pages = [
        (reverse("report_list"), 200),
        (reverse("report_list") + "?q=REP", 200),
        (reverse("report_detail", args=[report.pk]), 200 if sees else 404),
        (reverse("report_edit", args=[report.pk]), 200 if writes else 403 if sees else 404),
        (reverse("report_stage", args=[report.pk]), 200 if writes else 403 if sees else 404),
        (reverse("case_list"), 200),
        (reverse("home"), 200),
    ]
    for url, status in pages:
        response = client.get(url)
        assert response.status_code == status, f"{url} for {persona}"
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, f"{secret!r} leaked on {url} for {persona}"
    if sees:
        # The lists did show the report whose identity they must not show.
        assert report.reference in client.get(reverse("report_list")).content.decode()
    assert not IdentityAccess.objects.exists()  # nobody opened it


def test_searching_a_list_for_the_reporters_name_finds_nothing(client, login, records):
    login("hn_officer")
    response = client.get(reverse("report_list"), {"q": SECRET_NAME})
    assert response.context["table"].paginator.count == 0


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("hn_officer", True), ("commune_officer", True), ("ministry", False), ("admin", False)],
)
def test_the_report_page_offers_the_identity_only_to_those_who_may_see_it(
    client, login, records, persona, shown
):
    login(persona)
    report = records.report["BD"]
    html = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert (reverse("report_identity", args=[report.pk]) in html) is shown


def test_an_officer_sees_the_identity_and_the_look_is_logged(client, login, records, caplog):
    user = login("commune_officer")
    report = records.report["BD"]
    with caplog.at_level(logging.DEBUG):
        response = client.get(reverse("report_identity", args=[report.pk]))
    assert response.status_code == 200
    assert SECRET_NAME in response.content.decode()
    access = IdentityAccess.objects.get()
    assert (access.user, access.report, access.action) == (user, report, "view")
    for secret in SECRETS:
        assert secret not in caplog.text


def test_every_look_is_logged_again(client, login, records):
    login("hn_officer")
    url = reverse("report_identity", args=[records.report["HN"].pk])
    client.get(url)
    client.get(url)
    assert IdentityAccess.objects.filter(action="view").count() == 2


def test_an_officer_edits_the_identity_and_the_edit_is_logged(client, login, records, caplog):
    user = login("hn_officer")
    report = records.report["HK"]
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            reverse("report_identity", args=[report.pk]),
            {
                "full_name": "Lê Văn Mới",
                "address": "Ngõ Mới",
                "contact": "0911",
                "handwriting": "",
                "version": 1,
            },
        )
    assert response.status_code == 302
    identity = ReporterIdentity.objects.get(report=report)
    assert (identity.full_name, identity.contact) == ("Lê Văn Mới", "0911")
    access = IdentityAccess.objects.get()
    assert (access.user, access.action) == (user, "edit")
    assert "Lê Văn Mới" not in caplog.text
    # Nor does it end up in the report's history.
    html = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Lê Văn Mới" not in html


def test_an_identity_can_be_recorded_for_a_report_that_had_none(client, login, records):
    login("hn_officer")
    report = records.report["HK"]
    ReporterIdentity.objects.filter(report=report).delete()
    response = client.get(reverse("report_identity", args=[report.pk]))
    assert response.status_code == 200
    client.post(reverse("report_identity", args=[report.pk]), {"full_name": "Người Mới"})
    assert ReporterIdentity.objects.get(report=report).full_name == "Người Mới"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ministry", 403), ("admin", 403), ("hcm_officer", 404), ("outsider", 404)],
)
def test_no_one_else_opens_or_changes_it_and_each_refusal_is_logged(
    client, login, records, persona, status, caplog
):
    user = login(persona)
    report = records.report["BD"]
    url = reverse("report_identity", args=[report.pk])
    with caplog.at_level(logging.DEBUG):
        get = client.get(url)
        post = client.post(url, {"full_name": "Kẻ Lạ"})
    assert (get.status_code, post.status_code) == (status, status)
    assert SECRET_NAME not in get.content.decode()
    assert ReporterIdentity.objects.get(report=report).full_name == SECRET_NAME
    # One row for each refused look, who and which report: nothing else.
    rows = list(IdentityAccess.objects.values_list("user", "report", "action"))
    assert rows == [(user.pk, report.pk, "refused")] * 2
    for secret in SECRETS:
        assert secret not in caplog.text


def test_a_refused_look_at_a_report_that_does_not_exist_is_a_404_without_a_row(
    client, login, records
):
    login("ministry")
    response = client.get(reverse("report_identity", args=[999999]))
    assert response.status_code == 404
    assert not IdentityAccess.objects.exists()


def test_the_identity_is_not_in_the_django_admin():
    assert ReporterIdentity not in admin.site._registry


def test_the_identity_str_never_carries_the_name(records):
    identity = ReporterIdentity.objects.get(report=records.report["BD"])
    assert SECRET_NAME not in str(identity)


@pytest.mark.parametrize(
    ("persona", "method", "status"),
    [
        ("commune_officer", "get", 200),
        ("commune_officer", "post", 302),
        ("commune_officer", "post_invalid", 200),
        ("ministry", "get", 403),
        ("hcm_officer", "get", 404),
        (None, "get", 302),
    ],
)
def test_no_answer_of_the_identity_page_may_be_cached(
    client, login, records, persona, method, status
):
    if persona:
        login(persona)
    url = reverse("report_identity", args=[records.report["BD"].pk])
    if method == "get":
        response = client.get(url)
    else:
        too_long = "x" * 500 if method == "post_invalid" else "Tên"
        response = client.post(url, {"full_name": too_long, "version": 1})
    assert response.status_code == status
    assert "no-store" in response.headers.get("Cache-Control", "")
    assert response.headers.get("Pragma") == "no-cache"


def identity_form(client, url):
    """What the browser would post back: the form's fields, the version it was loaded at too."""
    form = client.get(url).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_the_second_of_two_concurrent_identity_edits_is_refused(personas, records):
    report = records.report["BD"]
    url = reverse("report_identity", args=[report.pk])
    first, second = Client(), Client()
    for client, persona in ((first, personas.hn_officer), (second, personas.commune_officer)):
        client.cookies["django_language"] = "en"
        client.force_login(persona)
    first_data, second_data = identity_form(first, url), identity_form(second, url)
    assert first_data["version"] == second_data["version"] == 1

    assert first.post(url, {**first_data, "contact": "0911"}).status_code == 302
    response = second.post(url, {**second_data, "contact": "0922"})

    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    identity = ReporterIdentity.objects.get(report=report)
    assert (identity.contact, identity.version) == ("0911", 2)
    # The refused save is no edit: only the first one is logged as such.
    assert IdentityAccess.objects.filter(action="edit").count() == 1
    # Opened again, the form carries the new version, and the edit goes through.
    again = identity_form(second, url)
    assert again["version"] == 2
    assert second.post(url, {**again, "contact": "0922"}).status_code == 302
    assert ReporterIdentity.objects.get(report=report).contact == "0922"


def test_an_identity_edit_posted_without_its_version_is_refused(client, login, records):
    login("hn_officer")
    report = records.report["BD"]
    response = client.post(
        reverse("report_identity", args=[report.pk]), {"full_name": "Không Có Phiên Bản"}
    )
    assert response.status_code == 200
    assert ReporterIdentity.objects.get(report=report).full_name == SECRET_NAME


def test_an_identity_recorded_by_someone_else_since_the_form_was_opened_is_kept(
    client, login, records
):
    login("hn_officer")
    report = records.report["HK"]
    ReporterIdentity.objects.filter(report=report).delete()
    url = reverse("report_identity", args=[report.pk])
    data = identity_form(client, url)
    assert data["version"] == ""
    ReporterIdentity.objects.create(report=report, full_name="Người Trước")
    response = client.post(url, {**data, "full_name": "Người Sau"})
    assert response.status_code == 200
    assert ReporterIdentity.objects.get(report=report).full_name == "Người Trước"
