"""Personas and fixtures shared by the whole suite.

Localities are made by hand (not the official loader) so each test sees a small, known world:
two provinces of the 2025 scheme with two communes each, and one old province with its
communes and a split commune for the conversion rules.
"""

import datetime
import importlib

import pytest
from django.contrib.auth import get_user_model

from localities.models import Assignment, Locality, LocalityConversion, ReportKind, Role

PASSWORD = "correct horse battery staple"
MIGRATION_DATA = [
    "localities.migrations.0002_report_kinds",
    "plan_tracker.migrations.0002_plan_2021_2025",
    "plan_tracker.migrations.0005_plans_of_provinces_and_count_targets",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas log in hundreds of times; a real hasher would cost ~0.3 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # The API's rate-limit counters live in the cache: each test starts with none, in memory
    # (the settings' cache directory is shared by every run on the machine).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "plan-tracker-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _sessions_saved_when_changed(settings):
    # As in production: a session is saved when it changes, or renewed when more than a minute
    # has gone since its last save (plan_tracker.sessions; tests/production/test_sessions.py).
    settings.SESSION_SAVE_EVERY_REQUEST = False


@pytest.fixture(autouse=True)
def _migration_data(request):
    """The rows the migrations load (report kinds, the default plan) are there for every test.

    A transactional test (the browser tests' live server) ends with a flush that empties every
    table, migration data included; the tests after it would otherwise run without them.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("transactional_db" if _is_transactional(marker) else "db")
    from django.apps import apps

    from localities.models import ReportKind
    from plan_tracker.models import Plan

    if ReportKind.objects.exists() and Plan.objects.exists():
        return
    for module in MIGRATION_DATA:
        importlib.import_module(module).load(apps, None)


def _is_transactional(marker) -> bool:
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


def make_locality(scheme, code, name, level, province=None, **extra):
    locality = Locality.objects.create(
        scheme=scheme,
        code=code,
        name=name,
        short_name=name,
        level=level,
        province=province,
        **extra,
    )
    if level == "province":
        locality.province = locality
        locality.save(update_fields=["province"])
    return locality


@pytest.fixture
def world(db):
    """Hà Nội (01) with Ba Đình (00004) and Hoàn Kiếm (00070); TP Hồ Chí Minh (79) with
    Sài Gòn (26734) and Bến Thành (26740); old Hà Tây (2004:31... none) is not needed:
    the old scheme has province 01 Hà Nội with Phúc Xá (2004:00001, merged whole into
    Ba Đình) and Trúc Bạch (2004:00004, split between Ba Đình and Hoàn Kiếm)."""
    hn = make_locality("2025", "01", "Thành phố Hà Nội", "province", latitude=21.0, longitude=105.8)
    hcm = make_locality(
        "2025", "79", "Thành phố Hồ Chí Minh", "province", latitude=10.8, longitude=106.7
    )
    ba_dinh = make_locality("2025", "00004", "Phường Ba Đình", "commune", hn)
    hoan_kiem = make_locality("2025", "00070", "Phường Hoàn Kiếm", "commune", hn)
    sai_gon = make_locality("2025", "26734", "Phường Sài Gòn", "commune", hcm)
    ben_thanh = make_locality("2025", "26740", "Phường Bến Thành", "commune", hcm)
    old_hn = make_locality("2004", "01", "Thành phố Hà Nội", "province", successor=hn)
    phuc_xa = make_locality("2004", "00001", "Phường Phúc Xá", "commune", old_hn)
    truc_bach = make_locality("2004", "00004", "Phường Trúc Bạch", "commune", old_hn)
    LocalityConversion.objects.create(old=phuc_xa, new=ba_dinh, is_default=True)
    LocalityConversion.objects.create(old=truc_bach, new=ba_dinh, is_default=True)
    LocalityConversion.objects.create(old=truc_bach, new=hoan_kiem, is_default=False)
    return type(
        "World",
        (),
        {
            "hn": hn,
            "hcm": hcm,
            "ba_dinh": ba_dinh,
            "hoan_kiem": hoan_kiem,
            "sai_gon": sai_gon,
            "ben_thanh": ben_thanh,
            "old_hn": old_hn,
            "phuc_xa": phuc_xa,
            "truc_bach": truc_bach,
        },
    )


def make_user(username, role=None, locality=None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        Assignment.objects.create(user=user, role=role, locality=locality)
    return user


@pytest.fixture
def personas(world):
    """An officer of each province, a commune officer of Ba Đình, ministry staff, an
    administrator, and an outsider with no assignment."""
    return type(
        "Personas",
        (),
        {
            "hn_officer": make_user("hn_officer", Role.PROVINCIAL_OFFICER, world.hn),
            "hcm_officer": make_user("hcm_officer", Role.PROVINCIAL_OFFICER, world.hcm),
            "commune_officer": make_user("bd_officer", Role.COMMUNE_OFFICER, world.ba_dinh),
            "ministry": make_user("ministry", Role.MINISTRY),
            "admin": make_user("admin", Role.ADMINISTRATOR, is_staff=True),
            "outsider": make_user("outsider"),
        },
    )


@pytest.fixture
def kinds(db):
    """The report kinds as the migration loads them."""
    return {k.code: k for k in ReportKind.objects.all()}


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() - datetime.timedelta(days=n)
