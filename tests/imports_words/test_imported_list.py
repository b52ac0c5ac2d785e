"""After an import, the list of exactly the records it created or changed (`?import=<id>`):
within the importer's own imports and area; another officer's gets nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from exchange import jobs
from exchange.imports import import_file
from exchange.models import ImportBatch, ImportedRecord, ImportJob
from exchange.views import imports as import_views
from localities.models import Establishment
from localities.permissions import SERVER_OPERATOR
from tests.exchange.helpers import csv_bytes, establishment, write

pytestmark = pytest.mark.django_db

# The list of establishments as a provincial officer reads it: the session, the user, the
# assignment, the count, the commune drop-down's two, the page.
QUERIES = 7

FILE = [
    ["E-1", "Khách sạn Một", "accommodation", "00004", "", "", "", "", ""],  # new
    ["E-2", "Karaoke Hai", "karaoke", "00070", "", "", "", "", ""],  # new
    ["E-3", "Tên mới", "karaoke", "00004", "", "", "", "", ""],  # changed
    ["E-4", "Cơ sở E-4", "karaoke", "00004", "", "", "", "", ""],  # unchanged
]


@pytest.fixture
def before(world):
    """E-3 and E-4 exist; E-5 (Hà Nội) and E-9 (Hồ Chí Minh City) are not in the file."""
    establishment("E-3", world.ba_dinh, name="Tên cũ", line="karaoke", opened_on=None)
    establishment("E-4", world.ba_dinh, line="karaoke", opened_on=None)
    establishment("E-5", world.hoan_kiem)
    establishment("E-9", world.sai_gon)


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    return client


def upload_and_confirm(client, rows):
    client.post(
        reverse("import_upload"),
        {
            "kind": "establishments",
            "file": SimpleUploadedFile("e.csv", csv_bytes("establishments", rows)),
        },
    )
    return client.post(reverse("import_confirm"), follow=True)


def listed(response) -> set[str]:
    return {row.record.code for row in response.context["table"].paginated_rows}


def test_the_confirm_leads_to_exactly_the_records_imported(officer, before):
    response = upload_and_confirm(officer, FILE)
    batch = ImportBatch.objects.get()
    assert response.redirect_chain == [(reverse("establishment_list") + f"?import={batch.pk}", 302)]
    assert listed(response) == {"E-1", "E-2", "E-3"}
    message = str(list(response.context["messages"])[0])
    assert message == (
        "Imported e.csv: 2 new, 1 changed, 1 unchanged. "
        "The list shows the 3 records this import created or changed."
    )
    assert set(ImportedRecord.objects.filter(batch=batch).values_list("record_id", "created")) == {
        (Establishment.objects.get(code="E-1").pk, True),
        (Establishment.objects.get(code="E-2").pk, True),
        (Establishment.objects.get(code="E-3").pk, False),
    }
    # A second import is a list of its own.
    upload_and_confirm(officer, [["E-5", "Đổi tên", "karaoke", "00070", "", "", "", "", ""]])
    second = ImportBatch.objects.exclude(pk=batch.pk).get()
    url = reverse("establishment_list")
    assert listed(officer.get(url, {"import": second.pk})) == {"E-5"}
    assert listed(officer.get(url, {"import": batch.pk})) == {"E-1", "E-2", "E-3"}


def test_another_officer_gets_nothing_from_an_import_not_theirs(client, personas, before):
    client.force_login(personas.hn_officer)
    upload_and_confirm(client, FILE)
    batch = ImportBatch.objects.get()
    url = reverse("establishment_list")
    for other in (personas.hcm_officer, personas.admin, personas.commune_officer):
        client.force_login(other)
        response = client.get(url, {"import": batch.pk})
        assert response.status_code == 200
        assert listed(response) == set()
    # Nor does another list, for its own records.
    client.force_login(personas.hn_officer)
    assert listed(client.get(reverse("inspection_list"), {"import": batch.pk})) == set()
    # Nor an id that is no import, or no number.
    for value in (batch.pk + 1, "x", 2**70):
        assert listed(client.get(url, {"import": value})) == set()


def test_the_list_keeps_to_the_area_of_whoever_reads_it(officer, world, before):
    upload_and_confirm(officer, FILE)
    batch = ImportBatch.objects.get()
    # E-2 has since moved to Hồ Chí Minh City (an administrator's change): out of the
    # importer's area, out of their list.
    Establishment.objects.filter(code="E-2").update(commune=world.sai_gon, province=world.hcm)
    response = officer.get(reverse("establishment_list"), {"import": batch.pk})
    assert listed(response) == {"E-1", "E-3"}


def test_the_command_without_a_user_makes_a_list_for_nobody(personas, before, tmp_path):
    path = write(tmp_path, "e.csv", csv_bytes("establishments", FILE))
    with translation.override("en"):
        result = import_file("establishments", path, user=SERVER_OPERATOR, commit=True)
    batch = ImportBatch.objects.get(pk=result.batch)
    assert batch.user is None and batch.model == "localities.establishment"
    assert batch.records.count() == 3
    from localities.filters import EstablishmentFilter
    from localities.selectors import establishments_for_list

    admin = personas.admin
    filterset = EstablishmentFilter(
        {"import": batch.pk}, establishments_for_list(admin), user=admin
    )
    assert not filterset.is_valid()


def test_an_import_rolled_back_leaves_no_list(personas, world, before, tmp_path):
    rows = [*FILE, ["E-6", "Sai", "hotel", "00004", "", "", "", "", ""]]
    path = write(tmp_path, "e.csv", csv_bytes("establishments", rows))
    with translation.override("en"):
        result = import_file("establishments", path, user=personas.hn_officer, commit=True)
    assert not result.ok and result.batch is None
    assert not ImportBatch.objects.exists() and not ImportedRecord.objects.exists()


def test_a_jobs_page_links_to_its_records_with_their_count(officer, before, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    officer.post(
        reverse("import_upload"),
        {
            "kind": "establishments",
            "file": SimpleUploadedFile("big.csv", csv_bytes("establishments", FILE)),
        },
    )
    job = ImportJob.objects.get(pk=officer.session[import_views.SESSION_KEY]["job"])
    job = jobs.run_job(job.pk, job.attempt)
    assert jobs.confirm(job, in_request=False)
    job.refresh_from_db()
    job = jobs.run_job(job.pk, job.attempt)
    assert job.state == ImportJob.State.IMPORTED and job.batch_id is not None
    html = officer.get(reverse("import_job", args=[job.pk])).content.decode()
    link = reverse("establishment_list") + f"?import={job.batch_id}"
    assert f'href="{link}" id="job-list-link">Open the 3 imported records</a>' in html
    assert listed(officer.get(link)) == {"E-1", "E-2", "E-3"}


def test_the_filtered_list_costs_one_query_more(officer, before, django_assert_num_queries):
    upload_and_confirm(officer, FILE)
    batch = ImportBatch.objects.get()
    url = reverse("establishment_list")
    officer.get(url)  # the session and the caches settle
    with django_assert_num_queries(QUERIES) as whole:
        officer.get(url)
    assert len(whole.captured_queries) == QUERIES
    # The import is looked up (is it the reader's?) and its records are a subquery.
    with django_assert_num_queries(QUERIES + 1) as narrowed:
        response = officer.get(url, {"import": batch.pk})
    assert "exchange_importbatch" in narrowed.captured_queries[3]["sql"]
    assert listed(response) == {"E-1", "E-2", "E-3"}
