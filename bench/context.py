"""The setting of a benchmark run: the data set's scale, the year and as-of date, the province
and commune benchmarked, the users the pages are requested as; and the care of the data set
between measurements."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BENCH_PASSWORD = "bench-password-not-secret"
FULL_IMPORT_ROWS = 100_000
# Production-like settings, for the pages measured in this process (bench/run.py) and for the
# gunicorn of the load test (bench/load.py), unless the environment says otherwise.
SERVER_ENVIRONMENT = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-secret-key-for-loopback-runs-only",
    # Persistent connections, as a production server would run: sessions are checked against
    # the database by every request.
    "DB_CONN_MAX_AGE": "60",
    # Plain http on the loopback: the TLS proxy in front of a deployment is not measured.
    "PLAN_TRACKER_HTTPS": "false",
    # With DEBUG off the pages name their static files by the manifest collectstatic writes
    # (collect_static, below); kept apart from a deployment's own folder.
    "STATIC_ROOT": str(Path(__file__).resolve().parent.parent / "var" / "bench-static"),
}


# The static folders this process has collected into: the files do not change during a run,
# and collecting them again for every gunicorn of the load test would cost seconds each.
_COLLECTED = set()


def collect_static(env: dict | None = None) -> None:
    """collectstatic for the production-like settings, as `make serve` runs it before gunicorn;
    once per folder and process."""
    environment = dict(os.environ if env is None else env)
    for name, value in SERVER_ENVIRONMENT.items():
        environment.setdefault(name, value)
    if environment["STATIC_ROOT"] in _COLLECTED:
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        check=True,
    )
    _COLLECTED.add(environment["STATIC_ROOT"])


@dataclass
class Context:
    scale: float
    year: int
    as_of: datetime.date
    plan: object
    province: object
    commune: object
    line: str
    users: dict
    workdir: Path
    import_rows: int
    import_file: Path | None = None
    # Whether the pages are asked for this year and as-of date explicitly (not their default).
    asked: bool = False


def detect_scale() -> float:
    from bench.dataset import FULL, PREFIX
    from localities.models import Establishment

    count = Establishment.objects.filter(code__startswith=PREFIX).count()
    return round(count / FULL["establishments"], 4)


def bench_users(province, commune):
    """Bench users with known passwords: ministry staff, an administrator, and the officers of
    the benchmarked province and commune (the load test reads and writes as each)."""
    from django.contrib.auth import get_user_model

    from localities.models import Assignment, Role

    wanted = {
        "ministry": ("bench_ministry", Role.MINISTRY, None),
        "admin": ("bench_admin", Role.ADMINISTRATOR, None),
        "officer": ("bench_officer", Role.PROVINCIAL_OFFICER, province),
        "commune": ("bench_commune", Role.COMMUNE_OFFICER, commune),
    }
    users = {}
    for key, (username, role, locality) in wanted.items():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(BENCH_PASSWORD)
        user.is_staff = role == Role.ADMINISTRATOR
        user.save()
        Assignment.objects.update_or_create(
            user=user, defaults={"role": role, "locality": locality}
        )
        users[key] = user
    return users


def make_context(*, scale=None, workdir=None, import_rows=None, province_code=None) -> Context:
    from django.db.models import Count
    from django.utils import timezone

    from bench.dataset import PREFIX
    from localities.models import Establishment, Locality
    from plan_tracker.metrics import default_plan, default_year

    scale = detect_scale() if scale is None else scale
    plan = default_plan()
    as_of = timezone.localdate()
    # The benchmark's data follow the default plan: its year containing today, or its nearest.
    year = min(max(default_year(as_of), plan.first_year), plan.last_year)
    nat = Establishment.objects.filter(code__startswith=PREFIX)
    if province_code:
        province = Locality.objects.get(scheme="2025", level="province", code=province_code)
    else:
        # The province and commune with the most establishments: the heaviest pages.
        top = nat.values("province_id").annotate(n=Count("id")).order_by("-n", "province_id")
        province = Locality.objects.get(pk=top[0]["province_id"])
    top_commune = (
        nat.filter(province=province)
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by("-n", "commune_id")
    )
    commune = Locality.objects.get(pk=top_commune[0]["commune_id"])
    workdir = Path(workdir or tempfile.mkdtemp(prefix="pt-bench-"))
    rows = import_rows if import_rows is not None else max(1, round(FULL_IMPORT_ROWS * scale))
    return Context(
        scale=scale,
        year=year,
        as_of=as_of,
        plan=plan,
        province=province,
        commune=commune,
        line="karaoke",
        users=bench_users(province, commune),
        workdir=workdir,
        import_rows=rows,
    )


def inspected_days(establishment_ids) -> set:
    """The (establishment id, day) pairs that already have an inspection: a new inspection on
    one of them would be refused (one inspection per establishment and day)."""
    from localities.models import Inspection

    return set(
        Inspection.objects.filter(establishment_id__in=establishment_ids).values_list(
            "establishment_id", "inspected_on"
        )
    )


def vacuum():
    """After the rolled-back import or the load test's deleted rows: what autovacuum would do
    soon anyway, so the next measurements see a steady table (a rolled-back import leaves
    dead rows, stale statistics and a visibility map that stops index-only scans)."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in _inspection_tables():
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def _inspection_tables() -> list[str]:
    """The tables an inspection writes: its own, its history, and the summaries of inspections
    the database keeps (inspected years, first date of each year), where a rolled-back import
    leaves dead row versions too."""
    from localities.models import FirstInspection, InspectedYears, Inspection

    models = (Inspection, Inspection.history.model, InspectedYears, FirstInspection)
    return [model._meta.db_table for model in models]
