"""The exchange's pages and files read the database a fixed number of times: the same with ten
times the rows (a query per row would show as a count that grows)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.models import ImportJob
from localities.models import Case, Inspection, ReporterIdentity
from tests.exchange.helpers import establishment, report
from tests.exchange.test_import_jobs import BAD, run, the_job, upload

pytestmark = pytest.mark.django_db

COMPLIANCE = {"year": 2024, "as_of": "2024-12-31"}


def grow(world, kinds, start, stop):
    """Records numbered start..stop-1, in every commune of the world: an establishment inspected
    in 2024 (and one never inspected), a report with its reporter's identity (one handled, one
    open), and a case."""
    communes = [world.ba_dinh, world.hoan_kiem, world.sai_gon, world.ben_thanh]
    for n in range(start, stop):
        for i, commune in enumerate(communes):
            tag = f"{commune.code}-{n}"
            inspected = establishment(f"E-{tag}", commune, line="karaoke")
            establishment(f"N-{tag}", commune)
            Inspection(
                establishment=inspected,
                inspected_on=datetime.date(2024, 3, 1 + n % 28),
                team="police",
                outcome="violation" if i % 2 else "no_violation",
            ).save()
            handled = {"handled_on": datetime.date(2024, 3, 10), "outcome": "no_violation"}
            report(f"H-{tag}", commune, kinds["denunciation"], **handled)
            open_one = report(f"O-{tag}", commune, kinds["crime_denunciation"])
            ReporterIdentity.objects.create(report=open_one, full_name=f"Người {tag}")
            Case(
                reference=f"C-{tag}",
                locality=commune,
                article="327",
                opened_on=datetime.date(2024, 2, 1),
                handled_on=datetime.date(2024, 5, 1),
                report=open_one,
            ).save()


def count(client, url, data=None) -> int:
    """The queries one request makes, its streamed content read to the end."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018 - rendered in full
    return len(captured)


# (what, url name and arguments, query string, queries): the number pinned, with 1 and 10
# records of each sort in each commune. The compliance files and the printed report read the
# approvals of the provinces' years once a table.
REQUESTS = [
    ("api-compliance", ("/api/v1/compliance",), COMPLIANCE, 11),
    ("api-establishments", ("/api/v1/establishments",), {}, 5),
    ("api-reports", ("/api/v1/reports",), {}, 5),
    ("compliance-csv", ("export_compliance", "csv"), COMPLIANCE, 13),
    ("compliance-xlsx", ("export_compliance", "xlsx"), COMPLIANCE, 20),
    ("report", ("export_report",), {**COMPLIANCE, "locality": "01"}, 21),
    ("raw-establishments-csv", ("export_raw", "establishments", "csv"), {}, 6),
    ("raw-establishments-xlsx", ("export_raw", "establishments", "xlsx"), {}, 6),
    ("raw-reports-csv", ("export_raw", "reports", "csv"), {}, 6),
    ("raw-reports-xlsx", ("export_raw", "reports", "xlsx"), {}, 6),
    ("raw-cases-csv", ("export_raw", "cases", "csv"), {}, 6),
    ("raw-inspections-xlsx", ("export_raw", "inspections", "xlsx"), {}, 6),
]


def url_of(target):
    name, *args = target
    return name if name.startswith("/") else reverse(name, args=args)


@pytest.mark.parametrize(
    ("target", "data", "queries"),
    [pytest.param(t, d, q, id=what) for what, t, d, q in REQUESTS],
)
def test_a_request_makes_as_many_queries_with_ten_times_the_rows(
    client, personas, world, kinds, target, data, queries
):
    client.force_login(personas.admin)
    client.cookies["django_language"] = "en"
    url = url_of(target)
    grow(world, kinds, 0, 1)
    few = count(client, url, data)
    grow(world, kinds, 1, 10)
    many = count(client, url, data)
    assert (few, many) == (queries, queries)


@pytest.fixture
def checked_job(client, personas, settings):
    """A Hà Nội officer's job, checked: its file has 3 × `rows` rows, a third of them wrong."""
    settings.IMPORT_INLINE_MAX_ROWS = 2
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"

    def make(rows):
        ImportJob.objects.all().delete()
        numbered = [[f"{row[0]}-{n}", *row[1:]] for n in range(rows) for row in BAD]
        upload(client, numbered)
        job = run(the_job(client))
        assert job.state == ImportJob.State.CHECKED
        return job

    return make


@pytest.mark.parametrize("name", ["import_job", "import_job_status"])
def test_a_jobs_pages_make_as_many_queries_with_ten_times_the_rows(client, checked_job, name):
    few = count(client, reverse(name, args=[checked_job(1).pk]))
    many = count(client, reverse(name, args=[checked_job(10).pk]))
    assert (few, many) == ({"import_job": 5, "import_job_status": 4}[name],) * 2
