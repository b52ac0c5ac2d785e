"""One record of every kind in three communes (Ba Đình and Hoàn Kiếm of Hà Nội, Sài Gòn of
TP Hồ Chí Minh), plus a report and a case placed at the level of each province.

Every record's identifying text starts with a tag (BD, HK, SG, HN, HCM) so a page can be
searched for it."""

import datetime

import pytest

from localities.models import (
    Activity,
    Case,
    Establishment,
    Inspection,
    Report,
    ReporterIdentity,
    ReportExtension,
)

OPENED = datetime.date(2020, 1, 15)
INSPECTED = datetime.date(2024, 3, 5)
RECEIVED = datetime.date(2024, 2, 1)
CASE_OPENED = datetime.date(2024, 4, 1)
HELD = datetime.date(2024, 5, 10)

# Tag -> the area it belongs to.
COMMUNE_TAGS = {"BD": "ba_dinh", "HK": "hoan_kiem", "SG": "sai_gon"}
PROVINCE_TAGS = {"HN": "hn", "HCM": "hcm"}
SECRET_NAME = "Trần Thị Bí Mật"


def make_establishment(commune, code, **extra):
    fields = {
        "name": f"Khách sạn {code}",
        "line": "accommodation",
        "address": f"1 phố {code}",
        "opened_on": OPENED,
    }
    est = Establishment(code=code, commune=commune, **{**fields, **extra})
    est.full_clean()
    est.save()
    return est


def make_inspection(establishment, day=INSPECTED, **extra):
    inspection = Inspection(
        establishment=establishment,
        inspected_on=day,
        team=extra.pop("team", "police"),
        outcome=extra.pop("outcome", "no_violation"),
        **extra,
    )
    inspection.full_clean()
    inspection.save()
    return inspection


def add_extension(report, extended_until, decided_on=None, **extra):
    """The report's next extension, decided on `decided_on` (default: the day it was received),
    validated and written as the extension service does, without a user."""
    previous = report.extensions.order_by("-sequence").first()
    extension = ReportExtension(
        report=report,
        sequence=previous.sequence + 1 if previous else 1,
        extended_until=extended_until,
        decided_on=decided_on or report.received_on,
        decision_no=extra.pop("decision_no", "01/QĐ-GH"),
        decided_by=extra.pop("decided_by", "Thủ trưởng Cơ quan điều tra"),
        **extra,
    )
    extension.previous = previous
    extension.full_clean(exclude=["counted_from"])
    report.apply_extension(extension)
    report.save()
    extension.save()
    return extension


def make_report(locality, reference, kind="crime_information", received_on=RECEIVED, **extra):
    extended_until = extra.pop("extended_until", None)
    decided_on = extra.pop("extension_decided_on", None)
    report = Report(
        reference=reference,
        kind_id=kind,
        locality=locality,
        received_on=received_on,
        summary=extra.pop("summary", f"Tin báo {reference}"),
        **extra,
    )
    report.full_clean()
    report.save()
    if extended_until:
        add_extension(report, extended_until, decided_on)
    return report


def make_case(locality, reference, **extra):
    case = Case(
        reference=reference,
        locality=locality,
        article=extra.pop("article", "327"),
        opened_on=extra.pop("opened_on", CASE_OPENED),
        **extra,
    )
    case.full_clean()
    case.save()
    return case


def make_activity(commune, reference, **extra):
    fields = {
        "held_on": HELD,
        "kind": "communication",
        "form": "meeting",
        "audience": "residents",
        "people_reached": 100,
        "title": f"Họp dân {reference}",
    }
    activity = Activity(reference=reference, commune=commune, **{**fields, **extra})
    activity.full_clean()
    activity.save()
    return activity


class Records:
    """Records by model and tag: records.establishment["BD"], records.report["HN"]..."""

    def __init__(self):
        self.establishment = {}
        self.inspection = {}
        self.report = {}
        self.case = {}

    def of(self, model_name):
        return getattr(self, model_name)


@pytest.fixture
def records(world, kinds):
    r = Records()
    for tag, attr in COMMUNE_TAGS.items():
        commune = getattr(world, attr)
        est = make_establishment(commune, f"EST-{tag}")
        r.establishment[tag] = est
        r.inspection[tag] = make_inspection(est, violations=f"INSP-{tag}")
        r.report[tag] = make_report(commune, f"REP-{tag}")
        r.case[tag] = make_case(commune, f"CASE-{tag}")
    for tag, attr in PROVINCE_TAGS.items():
        province = getattr(world, attr)
        r.report[tag] = make_report(province, f"REP-{tag}")
        r.case[tag] = make_case(province, f"CASE-{tag}")
    for report in r.report.values():
        ReporterIdentity.objects.create(
            report=report, full_name=SECRET_NAME, address="Số 7 ngõ Kín", contact="0900000007"
        )
    return r


# Which tags each persona may see (plan-rules §8).
VISIBLE = {
    "hn_officer": {"BD", "HK", "HN"},
    "hcm_officer": {"SG", "HCM"},
    "commune_officer": {"BD"},
    "ministry": {"BD", "HK", "SG", "HN", "HCM"},
    "admin": {"BD", "HK", "SG", "HN", "HCM"},
    "outsider": set(),
}
WRITERS = {"hn_officer", "hcm_officer", "commune_officer", "admin"}
IDENTITY_READERS = {"hn_officer", "hcm_officer", "commune_officer"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Six personas a test: the default hasher would make the scoping matrix take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client, personas):
    def _login(persona):
        user = getattr(personas, persona)
        client.force_login(user)
        return user

    return _login
