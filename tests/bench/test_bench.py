"""The benchmark's code paths at a tiny scale, so CI keeps them working (nothing is timed).

The data must be committed for the load test's server to see it, hence transactional tests
(serialized_rollback restores the plan and report kinds the migrations load).
"""

import datetime
import json
import time
from dataclasses import asdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q

from bench import floors
from bench.context import make_context
from bench.imports import write_import_file
from bench.load import (
    KINDS,
    LOAD_MARKER,
    READS,
    WRITE,
    clean_load_rows,
    measure_load,
    operations,
    run_load,
)
from bench.pages import (
    AS_OF_PAGES,
    PAGES,
    check_national_against_floor,
    check_table_against_floor,
    floor_call,
    floor_connection,
)
from bench.report import format_load, format_table
from bench.run import run
from localities.models import Case, Establishment, Inspection, Line, Report
from localities.permissions import SERVER_OPERATOR

SCALE = 0.002  # 300 establishments, 1,200 inspections, 120 reports, 16 cases
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: COPY, the hand-written SQL floors and gunicorn (a separate process "
    "cannot see an in-memory SQLite test database)",
)
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def generate(seed=7):
    call_command("generate_national_dataset", scale=SCALE, seed=seed, quiet=True)


def snapshot():
    return {
        "establishments": list(
            Establishment.objects.order_by("code").values_list(
                "code", "line", "commune__code", "opened_on", "closed_on", "in_scope"
            )
        ),
        "inspections": list(
            Inspection.objects.order_by("establishment__code", "inspected_on").values_list(
                "establishment__code", "inspected_on", "outcome", "fine_vnd"
            )
        ),
        "reports": list(
            Report.objects.order_by("reference").values_list(
                "reference", "kind", "received_on", "handled_on", "deadline"
            )
        ),
        "cases": list(
            Case.objects.order_by("reference").values_list(
                "reference", "opened_on", "handled_on", "report__reference"
            )
        ),
    }


@transactional
def test_the_generator_makes_the_same_nation_again_and_keeps_the_rules(today):
    generate()
    first = snapshot()
    generate()  # a rerun clears its own rows first: nothing doubles, nothing changes
    assert snapshot() == first

    # 150,000 × 0.002 = 300; 600,000 × 0.002 = 1,200; 60,000 × 0.002 = 120; 8,000 × 0.002 = 16
    assert len(first["establishments"]) == 300
    assert len(first["inspections"]) == 1200
    assert len(first["reports"]) == 120
    assert len(first["cases"]) == 16
    assert {row[1] for row in first["establishments"]} == set(Line.values)

    # The model's rules: not before opening, not after closing, not in the future, a fine only
    # with a violation, the stored deadline as Report.compute_deadline gives it.
    inspections = Inspection.objects.all()
    assert not inspections.filter(inspected_on__lt=F("establishment__opened_on")).exists()
    assert not inspections.filter(inspected_on__gt=F("establishment__closed_on")).exists()
    assert not inspections.filter(inspected_on__gt=today).exists()
    assert not inspections.filter(outcome="no_violation", fine_vnd__gt=0).exists()
    for report in Report.objects.select_related("kind"):
        assert report.deadline == report.compute_deadline()
        if report.extended_until:
            assert report.extended_until <= report.kind.legal_maximum(report.received_on)
    # The denormalised province columns agree with the places.
    assert not Establishment.objects.exclude(province_id=F("commune__province_id")).exists()
    assert not Report.objects.exclude(
        Q(province_id=F("locality__province_id")) | Q(province_id=F("locality_id"))
    ).exists()
    # Every state of a report occurs somewhere, even at this scale it is likely; at least
    # handled and not handled both do.
    assert Report.objects.filter(handled_on__isnull=True).exists()
    assert Report.objects.filter(handled_on__isnull=False).exists()
    assert Case.objects.filter(report__isnull=False).exists()


@transactional
def test_a_horizon_of_ten_years_doubles_the_records_and_reaches_its_last_year():
    call_command("generate_national_dataset", scale=SCALE, seed=7, quiet=True, years="2021-2030")
    # 300 establishments as for five years; 1,200 × 10 / 5 = 2,400 inspections, 240 reports,
    # 32 cases.
    assert Establishment.objects.count() == 300
    assert Inspection.objects.count() == 2400
    assert Report.objects.count() == 240
    assert Case.objects.count() == 32
    years = set(Inspection.objects.values_list("inspected_on__year", flat=True))
    assert min(years) == 2021 and max(years) == 2030
    assert not Inspection.objects.filter(inspected_on__gt=datetime.date(2030, 12, 31)).exists()


@transactional
def test_the_benchmark_measures_every_page_and_leaves_the_data_as_generated(tmp_path):
    generate()
    before = Inspection.objects.count()
    report = run(
        warmup=0,
        repeat=1,
        heavy_repeat=1,
        load=False,
        floors=connection.vendor == "postgresql",
        import_rows=40,
        out_dir=tmp_path,
        echo=lambda *args: None,
    )
    pages = {page["name"]: page for page in report["pages"]}
    assert set(pages) == {page.name for page in PAGES}
    broken = {name: page["note"] for name, page in pages.items() if page["status"] == "error"}
    assert broken == {}
    for page in pages.values():
        if page["status"] == "ok":
            assert page["runs"] == 1
            assert page["queries"] >= 1
            # The time spent in the statements is part of the page's.
            assert 0 < page["sql_median_ms"] <= page["median_ms"]
            assert page["tracemalloc_peak_mib"] is not None
    assert pages["import_inspections"]["status"] == "ok"
    assert pages["import_inspections"]["size"] == 40
    # The import was rolled back: the data set is as generated.
    assert Inspection.objects.count() == before
    # Every as-of page under every view, each against its floor on PostgreSQL.
    views = report["as_of_views"]
    assert {(v["name"], v["view"]) for v in views} == {
        (page.name, view)
        for page in AS_OF_PAGES
        for view in ("default", "mid_year", "early", "running")
    }
    assert [v["note"] for v in views if v["status"] != "ok"] == []
    assert all(v["wire_size"] for v in views)
    if connection.vendor == "postgresql":
        assert all(v["checks"]["figures_equal_floor"]["equal"] for v in views)
    assert "As-of variants" in format_table(report)
    written = json.loads((tmp_path / f"results-{SCALE}.json").read_text())
    assert written["scale"] == SCALE
    assert "| page | median ms |" in format_table(written)
    if connection.vendor == "postgresql":
        # The three compliance pages also have a floor on the summary, equal to the other.
        for name in ("national_dashboard", "province_dashboard", "compliance_csv"):
            assert pages[name]["checks"]["summary_floor_equals_floor"] is True
            assert pages[name]["summary_floor_median_ms"] > 0
        explain = written["national_main_query"]
        assert "localities_inspected_years" in explain["sql"]
        assert "Execution Time" in explain["plan"]
        assert "EXPLAIN (ANALYZE, BUFFERS)" in format_table(written)
    else:
        assert written["national_main_query"] is None


@on_postgres
@transactional
def test_the_floors_give_the_same_figures_as_the_page(tmp_path):
    """The national dashboard's figures (plan_tracker.metrics) equal the hand-written SQL's."""
    generate()
    ctx = make_context(import_rows=30, workdir=tmp_path)
    conn = floor_connection()
    floor_rows = floor_call("national_dashboard", ctx, conn)()
    # 34 provinces and the nation's total.
    assert len(floor_rows) == 35
    check = check_national_against_floor(ctx, floor_rows)
    assert check["mismatches"] == []
    total = floor_rows[-1]
    end = min(ctx.as_of, datetime.date(ctx.year, 12, 31))
    assert (
        total[0] == ""
        and total[2]
        == Establishment.objects.filter(
            Q(opened_on__isnull=True) | Q(opened_on__lte=end),
            Q(closed_on__isnull=True) | Q(closed_on__gte=datetime.date(ctx.year, 1, 1)),
            in_scope=True,
        ).count()
    )
    # The compliance CSV's floor counts the inspections made too, as the CSV shows them: the
    # nation's total is every inspection of an in-scope establishment dated in [1 Jan Y, E],
    # and every commune's equals the page's.
    csv_rows = floor_call("compliance_csv", ctx, conn)()
    made = floors.as_dicts(csv_rows)[-1]["inspections_made"]
    assert (
        made
        == Inspection.objects.filter(
            establishment__in_scope=True,
            inspected_on__gte=datetime.date(ctx.year, 1, 1),
            inspected_on__lte=end,
        ).count()
    )
    assert made > 0
    assert check_table_against_floor(ctx, "compliance_csv", csv_rows)["mismatches"] == []
    assert "inspections_made" not in floors.as_dicts(floor_rows)[-1]
    # Every floor runs; the import floor writes the file's rows and rolls them back.
    before = Inspection.objects.count()
    ctx.import_file = write_import_file(ctx, 30)
    for page in PAGES:
        assert floor_call(page.name, ctx, floor_connection())() is not None
    assert floor_call("import_inspections", ctx, floor_connection())() == 30
    assert Inspection.objects.count() == before


def test_the_mix_is_seeded_and_reads_each_page_as_often_as_the_others():
    tasks = iter(range(100))
    mix = list(operations(tasks, reads_per_write=3, seed=5))
    # 100 recordings, each in a block with 3 reads: 300 reads, 100 of each page, in turn.
    assert len(mix) == 400
    assert sum(1 for kind, _ in mix if kind is WRITE) == 100
    assert {kind.name: sum(1 for k, _ in mix if k is kind) for kind in READS} == {
        "national_dashboard": 100,
        "province_dashboard": 100,
        "commune_work_lists": 100,
    }
    # Each block of four holds one recording, the recordings in the tasks' order.
    for start in range(0, 400, 4):
        assert sum(1 for kind, _ in mix[start : start + 4] if kind is WRITE) == 1
    assert [task for kind, task in mix if kind is WRITE] == list(range(100))
    # The same seed, the same order; another seed, another order.
    assert mix == list(operations(iter(range(100)), reads_per_write=3, seed=5))
    assert mix != list(operations(iter(range(100)), reads_per_write=3, seed=6))
    # No reads: recordings only.
    assert [kind for kind, _ in operations(iter(range(3)), reads_per_write=0, seed=5)] == [
        WRITE
    ] * 3


def _check_mixed_load(result, *, clients):
    """16 pieces of work at 3 reads per write: 4 blocks, so 4 recordings and 4 reads of each
    page."""
    assert result.errors == 0, result.error_samples
    assert {k.name: k.count for k in result.kinds} == {
        "national_dashboard": 4,
        "province_dashboard": 4,
        "commune_work_lists": 4,
        "record_inspection": 4,
    }
    assert all(k.errors == 0 and k.p95_ms is not None for k in result.kinds)
    assert result.operations == 16 and result.recordings == 4
    # A read is 1 request and a recording 2: 12 + 8; before the clock, each client logged in
    # as the three users, GET and POST each.
    assert result.http_requests == 20
    assert result.login_requests == 6 * clients
    assert result.rows_expected == 4 and result.rows_found == 4
    assert result.lost_rows == 0 and result.extra_rows == 0


def _load_and_check(ctx, *, host, port, clients=2):
    result = run_load(
        ctx, host=host, port=port, clients=clients, seconds=60, requests=16, run_id="test"
    )
    _check_mixed_load(result, clients=clients)
    assert clean_load_rows("test") == 4
    assert not Inspection.objects.filter(notes__startswith=LOAD_MARKER).exists()


def _database_url():
    settings = connection.settings_dict
    return "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=settings["USER"] or "postgres",
        password=f":{settings['PASSWORD']}" if settings["PASSWORD"] else "",
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        name=settings["NAME"],
    )


@on_postgres
@transactional
def test_reads_and_writes_under_load_through_gunicorn_lose_no_row(tmp_path, settings):
    # gunicorn runs the real settings: the users' passwords must use a hasher they know, not
    # the fast one the test suite uses.
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    generate()
    ctx = make_context(import_rows=1, workdir=tmp_path)
    before = Inspection.objects.count()
    results = measure_load(
        ctx,
        clients=2,
        seconds=60,
        requests=16,
        port=8107,
        workers=[1],
        threads=1,
        database_url=_database_url(),
        echo=lambda *args: None,
    )
    assert [(r.workers, r.clients, r.reads_per_write) for r in results] == [(1, 2, 3)]
    _check_mixed_load(results[0], clients=2)
    # The run's rows are deleted afterwards.
    assert Inspection.objects.count() == before
    text = "\n".join(format_load({"cores": 2, "runs": [asdict(r) for r in results]}))
    assert "| workers | kind | as | count |" in text
    assert text.count("| 1 | ") == len(KINDS) + 1  # a row per kind, and the scaling row
    assert "| 1 | " + str(results[0].per_second) + " | " in text


@transactional
def test_reads_and_writes_under_load_through_the_live_server_lose_no_row(live_server, tmp_path):
    """The same clients against Django's live server: runs on SQLite too — there with one
    client, as the test database is SQLite's in-memory shared cache, whose table locks fail a
    second writer at once (SQLITE_LOCKED) instead of making it wait: concurrent writers are
    PostgreSQL's job (the gunicorn test above)."""
    generate()
    ctx = make_context(import_rows=1, workdir=tmp_path)
    host, port = live_server.url.removeprefix("http://").split(":")
    clients = 2 if connection.vendor == "postgresql" else 1
    _load_and_check(ctx, host=host, port=int(port), clients=clients)


@on_postgres
@transactional
def test_the_summary_floor_keeps_the_floor_figures_through_every_kind_of_write(tmp_path):
    """The floor on the app's schema (the summary of inspected years kept by the triggers):
    after inserts, a move to another year, a deletion and an import, the national table from
    the summary equals the one over the inspections."""
    from bench import floors

    generate()
    ctx = make_context(import_rows=1, workdir=tmp_path)
    conn = floor_connection()
    args = {"year": ctx.year, "as_of": ctx.as_of, "plan_first_day": ctx.plan.first_day}

    def same():
        return floors.compliance(conn, summary=True, **args) == floors.compliance(conn, **args)

    assert same()
    year_start = datetime.date(ctx.year, 1, 1)
    uninspected = (
        Establishment.objects.filter(in_scope=True, closed_on__isnull=True)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lt=year_start))
        .exclude(inspections__inspected_on__year=ctx.year)
        .order_by("pk")
        .first()
    )
    before = floors.compliance(conn, **args)[-1]
    inspection = Inspection.objects.create(
        establishment=uninspected,
        inspected_on=datetime.date(ctx.year, 6, 1),
        team="police",
        outcome="no_violation",
    )
    after = floors.compliance(conn, **args)[-1]
    assert after[3] == before[3] + 1  # inspected_in_year, one more for the nation
    assert same()
    inspection.inspected_on = datetime.date(ctx.year - 1, 6, 1)
    inspection.save()
    assert floors.compliance(conn, **args)[-1][3] == before[3]
    assert same()
    inspection.delete()
    assert same()
    ctx.import_file = write_import_file(ctx, 25)
    from django.db import transaction

    from exchange.imports import import_file

    with transaction.atomic():
        assert import_file("inspections", ctx.import_file, user=SERVER_OPERATOR, commit=True).ok
    assert same()


@pytest.mark.django_db
def test_the_work_between_runs_is_neither_timed_nor_counted():
    from bench.measure import measure

    calls = []

    def run():
        calls.append("run")
        return Inspection.objects.count()

    def slow(execute, sql, params, many, context):
        time.sleep(0.05)
        return execute(sql, params, many, context)

    def between():
        calls.append("between")
        # Statements that take 50 ms each in the database's part of the measure.
        with connection.execute_wrapper(slow):
            Inspection.objects.exists()
            Inspection.objects.exists()

    times, queries, _, _, _, sql_times = measure(
        run, warmup=1, repeat=2, memory=False, between=between
    )
    # One warm-up and two timed runs, each followed by the work between; then the run whose
    # result is kept.
    assert calls == ["run", "between"] * 3 + ["run"]
    assert len(times) == 2
    # One statement a run: the two of the work between are not counted.
    assert queries == 1
    # The SQL time of each timed run is part of that run's time: the 100 ms of the work
    # between are in neither.
    assert len(sql_times) == 2
    assert all(0 < sql <= run_ms for sql, run_ms in zip(sql_times, times, strict=True))


@transactional
def test_the_interleaved_comparison_of_a_database_with_itself_counts_the_same_sql(tmp_path):
    from bench.interleave import run as interleave

    generate()
    make_context(import_rows=1, workdir=tmp_path)  # the bench users the comparison logs in as
    name = connection.settings_dict["NAME"]
    report = interleave(
        name,
        name,
        only=["commune_work_lists"],
        rounds=2,
        warmup=0,
        out_dir=tmp_path,
        echo=lambda *args: None,
    )
    rows = report["rows"]
    assert {(row["name"], row["view"]) for row in rows} == {
        ("commune_work_lists", view) for view in ("default", "mid_year", "early", "running")
    }
    assert [row["note"] for row in rows if row["status"] != "ok"] == []
    for row in rows:
        assert [len(times) for times in row["times_ms"]] == [2, 2]
        assert row["queries"][0] == row["queries"][1] > 0
        assert row["queries_equal"] is True
    assert report["sql_equal"] is True
    assert report["databases"] == [name, name]
    written = json.loads((tmp_path / f"interleave-{name}-{name}.json").read_text())
    assert written["rounds"] == 2 and len(written["load_average"]) == 2
    # The sessions logged in for the comparison are ended.
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()


@on_postgres
@transactional
def test_each_view_is_measured_in_turns_with_its_default_view_and_its_floor(tmp_path):
    from bench.interleave import run as interleave

    generate()
    make_context(import_rows=1, workdir=tmp_path)  # the bench users the comparison logs in as
    name = connection.settings_dict["NAME"]
    report = interleave(
        name,
        only=["commune_work_lists"],
        rounds=3,
        warmup=0,
        out_dir=tmp_path,
        echo=lambda *args: None,
    )
    rows = report["rows"]
    assert [row["note"] for row in rows if row["status"] != "ok"] == []
    assert [(row["name"], row["view"]) for row in rows] == [
        ("commune_work_lists", view) for view in ("default", "mid_year", "early", "running")
    ]
    for row in rows:
        # Three timed measures a round: the default view, the view, the view's floor.
        assert [len(times) for times in row["times_ms"]] == [3, 3, 3]
        default_ms, view_ms, floor_ms = (sorted(times)[1] for times in row["times_ms"])
        assert row["median_ms"] == pytest.approx([default_ms, view_ms, floor_ms], abs=0.06)
        # The ratios are of the times before they are rounded for the JSON (to 0.01 ms).
        assert row["default_ratio"] == pytest.approx(view_ms / default_ms, rel=0.02)
        assert row["floor_ratio"] == pytest.approx(view_ms / floor_ms, rel=0.02)
    written = json.loads((tmp_path / f"interleave-views-{name}.json").read_text())
    assert written["rounds"] == 3 and written["databases"] == [name]
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()


@on_postgres
@transactional
def test_the_import_is_measured_in_turns_with_its_floor_and_leaves_the_data_as_it_was(
    tmp_path, monkeypatch
):
    import statistics

    import bench.imports
    import bench.pages
    from bench.interleave import run as interleave

    generate()
    make_context(import_rows=1, workdir=tmp_path)  # the bench users the comparison logs in as
    before = snapshot()
    # What each run wrote before it was rolled back: the import's rows, the floor's rows.
    written = {"import": [], "floor": []}
    run_import, floor_call = bench.imports.run_import, bench.pages.floor_call

    def counted_import(path, user):
        written["import"].append(run_import(path, user))
        return written["import"][-1]

    def counted_floor(name, ctx, conn, **kwargs):
        call = floor_call(name, ctx, conn, **kwargs)

        def counted():
            written["floor"].append(call())
            return written["floor"][-1]

        return counted

    monkeypatch.setattr(bench.imports, "run_import", counted_import)
    monkeypatch.setattr(bench.pages, "floor_call", counted_floor)
    name = connection.settings_dict["NAME"]
    report = interleave(
        name,
        only=["import_inspections"],
        rounds=3,
        warmup=1,
        import_rows=30,
        out_dir=tmp_path,
        echo=lambda *args: None,
    )
    assert report["rows"] == []
    (row,) = report["floor_rows"]
    assert row["status"] == "ok", row["note"]
    assert row["label"] == "Import 30 inspections"
    # One warm-up and three timed runs of each, every one writing the file's 30 rows.
    assert written == {"import": [30] * 4, "floor": [30] * 4}
    assert [len(times) for times in row["times_ms"]] == [3, 3]
    import_ms, floor_ms = row["times_ms"]
    assert row["median_ms"] == pytest.approx(
        [statistics.median(import_ms), statistics.median(floor_ms)], abs=0.06
    )
    assert row["floor_ratio"] == pytest.approx(
        statistics.median(import_ms) / statistics.median(floor_ms), rel=0.02
    )
    # Both were rolled back: the data are as generated.
    assert snapshot() == before
    saved = json.loads((tmp_path / f"interleave-views-{name}.json").read_text())
    assert saved["floor_rows"][0]["floor_ratio"] == row["floor_ratio"]


@on_postgres
@transactional
def test_vacuum_cleans_every_table_an_inspection_writes():
    """A rolled-back import leaves dead row versions in the inspections, their history and both
    summaries of inspections; the benchmark vacuums all four before the next measurement."""
    from django.test.utils import CaptureQueriesContext

    from bench.context import vacuum
    from localities.models import FirstInspection, InspectedYears

    with CaptureQueriesContext(connection) as captured:
        vacuum()
    vacuumed = {
        query["sql"].removeprefix("VACUUM (ANALYZE) ").strip('"')
        for query in captured.captured_queries
        if query["sql"].startswith("VACUUM")
    }
    assert vacuumed == {
        Inspection._meta.db_table,
        Inspection.history.model._meta.db_table,
        InspectedYears._meta.db_table,
        FirstInspection._meta.db_table,
    }


def test_the_browser_benchmark_names_the_missing_chromium_before_starting_a_server(
    monkeypatch, capsys, tmp_path
):
    import bench.browser

    missing = tmp_path / "chromium"
    monkeypatch.setattr(bench.browser, "CHROMIUM", str(missing))
    with pytest.raises(SystemExit) as exit_:
        bench.browser.main(["--repeat", "1"])
    assert exit_.value.code == 2
    assert f"No Chromium at {missing}" in capsys.readouterr().err
