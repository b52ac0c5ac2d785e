"""Every named URL of the app against every persona (plan-rules §8), with records in two
provinces: Hà Nội (01, in Ba Đình) and TP Hồ Chí Minh (79, in Sài Gòn).

Each URL is opened with the arguments of the persona's own province and of the other one (a
record, a locality, an import job or an API token of the other province's officer) and must
answer the status the table below gives the persona's role; no page a persona whose area is
not the nation gets with 200 may hold a reference or code of the other province's records.
A URL name missing from the table fails: a new URL needs its scope written down here.

Then every edit and stage form is posted, with data its own officer would send, by an officer
of the other province: 404, and the record is as it was.
"""

import datetime
import io
import uuid

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from exchange.models import ApiToken, ImportJob
from localities.models import Activity, Case, Establishment, Inspection, Report, ReporterIdentity
from plan_tracker.models import Plan
from tests.localities.conftest import (
    make_activity,
    make_case,
    make_establishment,
    make_inspection,
    make_report,
)

pytestmark = pytest.mark.django_db

# Not the app's own pages: Django's admin, the language switch and the log-in pages.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language", "javascript-catalog", "login", "logout"}

PERSONAS = ["hn_officer", "hcm_officer", "commune_officer", "ministry", "admin", "outsider"]
ROLE = {
    "hn_officer": "officer",
    "hcm_officer": "officer",
    "commune_officer": "commune",
    "ministry": "ministry",
    "admin": "admin",
    "outsider": "outsider",
}
# The province whose records are a persona's own; the other one is "other".
HOME = {persona: "hn" for persona in PERSONAS} | {"hcm_officer": "hcm"}
OTHER = {"hn": "hcm", "hcm": "hn"}
# Whose area is the nation: they may see both provinces, so their pages are not searched.
NATIONAL = {"ministry", "admin"}
# Where each province's records are: the commune officer's commune for Hà Nội.
COMMUNE_OF = {"hn": "ba_dinh", "hcm": "sai_gon"}
# The text by which each province's records show on a page.
MARKERS = {
    "hn": {
        "establishment": "EST-HN-0104",
        "inspection": "INSP-HN-0105",
        "report": "REP-HN-0106",
        "case": "CASE-HN-0107",
        "activity": "ACT-HN-0108",
        "commune": "Phường Ba Đình",
        "plan": "KH-HN-0108",
    },
    "hcm": {
        "establishment": "EST-HCM-7904",
        "inspection": "INSP-HCM-7905",
        "report": "REP-HCM-7906",
        "case": "CASE-HCM-7907",
        "activity": "ACT-HCM-7908",
        "commune": "Phường Sài Gòn",
        "plan": "KH-HCM-7908",
    },
}


class Url:
    """How to fill a URL name's arguments, how to call it, and the status each role gets.

    `fill`: None (no argument), "establishment"/"inspection"/"report"/"case"/"activity"/"plan"
    (a record's pk, a plan: the province's own),
    "locality" (a province's pk; the commune officer's own is their commune), "job" or "token"
    (the persona's own, or the other province's officer's), "query" (the locality's code in
    ?locality=), or "search" (?q= matching both provinces' establishments). `args`: fixed
    arguments, after the filled one; `args_before`: fixed arguments before it. Statuses by
    role: one number without a fill, else (own, other)."""

    def __init__(self, fill=None, *, officer, commune, ministry, admin, outsider, **options):
        self.fill = fill
        self.args = options.get("args", ())
        self.args_before = options.get("args_before", ())
        self.method = options.get("method", "get")
        self.status = {
            "officer": officer,
            "commune": commune,
            "ministry": ministry,
            "admin": admin,
            "outsider": outsider,
        }


def everyone(status, fill=None, **options):
    return Url(
        fill,
        officer=status,
        commune=status,
        ministry=status,
        admin=status,
        outsider=status,
        **options,
    )


LIST = everyone(200)
CREATE = Url(officer=200, commune=200, ministry=403, admin=200, outsider=403)


def detail(model):
    return Url(
        model,
        officer=(200, 404),
        commune=(200, 404),
        ministry=(200, 200),
        admin=(200, 200),
        outsider=(404, 404),
    )


def edit(model):
    return Url(
        model,
        officer=(200, 404),
        commune=(200, 404),
        ministry=(403, 403),
        admin=(200, 200),
        outsider=(404, 404),
    )


def job_step(method):
    ok = 200 if method == "get" else 302
    return Url(
        "job",
        officer=(ok, 404),
        commune=(ok, 404),
        ministry=(403, 404),
        admin=(ok, 404),
        outsider=(403, 404),
        method=method,
    )


def selection(outsider=(404, 404), commune=(200, 404), **options):
    return Url(
        "query",
        officer=(200, 404),
        commune=commune,
        ministry=(200, 200),
        admin=(200, 200),
        outsider=outsider,
        **options,
    )


URLS = {
    "home": LIST,
    # Each user's own choice of the daily digest: nobody else's is reachable.
    "digest_preference": LIST,
    # The server's state for a monitor: no record, the same answer for anyone.
    "healthz": everyone(200),
    "establishment_list": LIST,
    "inspection_list": LIST,
    "report_list": LIST,
    "case_list": LIST,
    "activity_list": LIST,
    "establishment_create": CREATE,
    # The inspection form's picker: searched for both provinces' codes, it answers everyone
    # with the establishments they may record inspections of, none of the other province's.
    "establishment_search": everyone((200, 200), "search"),
    "inspection_create": CREATE,
    "report_create": CREATE,
    "case_create": CREATE,
    "activity_create": CREATE,
    "establishment_detail": detail("establishment"),
    "inspection_detail": detail("inspection"),
    "report_detail": detail("report"),
    "case_detail": detail("case"),
    "activity_detail": detail("activity"),
    "establishment_edit": edit("establishment"),
    "inspection_edit": edit("inspection"),
    "report_edit": edit("report"),
    "case_edit": edit("case"),
    "activity_edit": edit("activity"),
    # The page that asks before deleting: like the edit form.
    "activity_delete": edit("activity"),
    # The reports have only their receipt: the next stage is to be recorded.
    "report_stage": edit("report"),
    "report_extension_edit": edit("report"),
    "report_extension_delete": edit("report"),
    "report_identity": Url(
        "report",
        officer=(200, 404),
        commune=(200, 404),
        ministry=(403, 403),
        admin=(403, 403),
        outsider=(404, 404),
    ),
    # Officers are sent to their own area.
    "dashboard_national": Url(officer=302, commune=302, ministry=200, admin=200, outsider=404),
    # A commune's dashboard is its work lists.
    "dashboard_locality": Url(
        "locality",
        officer=(200, 404),
        commune=(302, 404),
        ministry=(200, 200),
        admin=(200, 200),
        outsider=(404, 404),
    ),
    "work_lists": Url(
        "locality",
        officer=(200, 404),
        commune=(200, 404),
        ministry=(200, 200),
        admin=(200, 200),
        outsider=(404, 404),
    ),
    "dashboard_charts": selection(),
    # The plan's review: a province's or the nation's, never a commune's.
    "review_national": selection(commune=(403, 404)),
    "review_national_file": selection(commune=(403, 404), args=("docx",)),
    "review_locality": Url(
        "locality",
        officer=(200, 404),
        commune=(403, 404),
        ministry=(200, 200),
        admin=(200, 200),
        outsider=(404, 404),
    ),
    "review_locality_file": Url(
        "locality",
        officer=(200, 404),
        commune=(403, 404),
        ministry=(200, 200),
        admin=(200, 200),
        outsider=(404, 404),
        args=("docx",),
    ),
    "import_upload": CREATE,
    # No file uploaded in this session: back to the upload form.
    "import_preview": Url(officer=302, commune=302, ministry=403, admin=302, outsider=403),
    "import_confirm": Url(
        officer=302, commune=302, ministry=403, admin=302, outsider=403, method="post"
    ),
    "import_cancel": everyone(302, method="post"),
    "import_job": job_step("get"),
    "import_job_status": job_step("get"),
    # The jobs are cancelled: each button is refused, back to the job's page.
    "import_job_confirm": job_step("post"),
    "import_job_cancel": job_step("post"),
    "import_job_retry": job_step("post"),
    "import_template": everyone(200, args=("establishments", "csv")),
    "exports": selection(),
    "export_compliance": selection(args=("csv",)),
    "export_report": selection(commune=(403, 404)),
    "export_raw": Url(
        officer=403,
        commune=403,
        ministry=403,
        admin=200,
        outsider=403,
        args=("establishments", "csv"),
    ),
    # A province's years: the province's officers and the nation; a commune officer's own
    # locality is a commune, which has none.
    "approval_list": LIST,
    "approval_detail": Url(
        "locality",
        officer=(200, 404),
        commune=(404, 404),
        ministry=(200, 200),
        admin=(200, 200),
        outsider=(404, 404),
        args_before=(2024,),
    ),
    # No step chosen: back to the year's page with the reason.
    "approval_step": Url(
        "locality",
        officer=(302, 404),
        commune=(404, 404),
        ministry=(302, 302),
        admin=(302, 302),
        outsider=(404, 404),
        args_before=(2024,),
        method="post",
    ),
    # Plans: everyone reads the national ones and their province's (the nation: all); an
    # administrator manages every plan, a provincial officer their province's.
    "plan_list": LIST,
    "plan_create": Url(officer=200, commune=403, ministry=403, admin=200, outsider=403),
    "plan_detail": detail("plan"),
    "plan_edit": Url(
        "plan",
        officer=(200, 404),
        commune=(404, 404),
        ministry=(404, 404),
        admin=(200, 200),
        outsider=(404, 404),
    ),
    "api_tokens": LIST,
    "api_token_revoke": everyone((302, 404), "token", method="post"),
    "api_openapi": LIST,
    "api_docs": Url(officer=200, commune=200, ministry=200, admin=200, outsider=403),
    "api_compliance": selection(outsider=(403, 403)),
    **{
        f"api_{kind}": Url(officer=200, commune=200, ministry=200, admin=200, outsider=403)
        for kind in ("establishments", "inspections", "reports", "cases", "activities")
    },
}


def url_names(resolver=None, namespace=None):
    """The names of every pattern of the URLconf but those skipped."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner not in SKIPPED_NAMESPACES:
                yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.name not in SKIPPED_NAMES:
                yield pattern.name


ALL_NAMES = sorted(set(url_names()) | set(URLS))


@pytest.fixture
def two_provinces(world, personas, kinds):
    """A record of each kind in each province; an import job and an API token per persona."""
    places = {}
    for province, marks in MARKERS.items():
        commune = getattr(world, COMMUNE_OF[province])
        est = make_establishment(commune, marks["establishment"])
        # Received on 01/02/2024 (20 days: 21/02/2024), extended on 10/02/2024 to 01/04/2024.
        report = make_report(
            commune,
            marks["report"],
            extended_until=datetime.date(2024, 4, 1),
            extension_decided_on=datetime.date(2024, 2, 10),
        )
        ReporterIdentity.objects.create(
            report=report, full_name=f"Người báo {province}", address="Số 7", contact="0900"
        )
        places[province] = {
            "establishment": est,
            "inspection": make_inspection(est, violations=marks["inspection"]),
            "report": report,
            "case": make_case(commune, marks["case"]),
            "activity": make_activity(commune, marks["activity"]),
            "plan": Plan.objects.create(
                name=f"Kế hoạch năm 2026 {marks['plan']}",
                province=getattr(world, province),
                first_year=2026,
                last_year=2026,
                document_number=marks["plan"],
            ),
            "locality": getattr(world, province),
            "commune": commune,
        }
    owned = {}
    for persona in PERSONAS:
        user = getattr(personas, persona)
        job = ImportJob.objects.create(
            user=user,
            kind="establishments",
            file_format="csv",
            file_name="establishments.csv",
            file_key=uuid.uuid4().hex,
            state=ImportJob.State.CANCELLED,
        )
        token, _raw = ApiToken.issue(user=user, name=f"token of {persona}")
        owned[persona] = {"job": job, "token": token}
    return type("TwoProvinces", (), {"places": places, "owned": owned})


def filled(url: Url, persona, side, data):
    """The URL's path arguments and query for the persona's own province or the other."""
    province = HOME[persona] if side == "own" else OTHER[HOME[persona]]
    place = data.places[province]
    args, query = [], {}
    if url.fill in ("establishment", "inspection", "report", "case", "activity", "plan"):
        args.append(place[url.fill].pk)
    elif url.fill == "locality":
        own_commune = persona == "commune_officer" and side == "own"
        args.append((place["commune"] if own_commune else place["locality"]).pk)
    elif url.fill == "query":
        own_commune = persona == "commune_officer" and side == "own"
        query["locality"] = (place["commune"] if own_commune else place["locality"]).code
    elif url.fill == "search":
        query["q"] = "EST-"
    elif url.fill in ("job", "token"):
        owner = persona if side == "own" else f"{province}_officer"
        args.append(data.owned[owner][url.fill].pk)
    # Fixed arguments after the record's or locality's (…/locality/<pk>/review.docx).
    return list(url.args_before) + args + list(url.args), query


def body_text(response) -> str:
    content = (
        b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    )
    if "wordprocessingml" in response.get("Content-Type", ""):
        import docx

        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", errors="replace")


def test_every_url_name_has_a_scope_expectation():
    unknown = sorted(set(url_names()) - set(URLS))
    gone = sorted(set(URLS) - set(url_names()))
    assert not unknown, f"URL names with no scope expectation in this module's table: {unknown}"
    assert not gone, f"URL names in the table that the URLconf no longer has: {gone}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_url_answers_each_persona_only_inside_their_area(
    client, personas, two_provinces, persona, name
):
    assert name in URLS, f"{name} has no scope expectation: add it to URLS"
    url = URLS[name]
    client.force_login(getattr(personas, persona))
    expected = url.status[ROLE[persona]]
    sides = (
        {"own": expected}
        if url.fill is None
        else dict(zip(("own", "other"), expected, strict=True))
    )
    other_province = OTHER[HOME[persona]]
    problems = []
    for side, status in sides.items():
        args, query = filled(url, persona, side, two_provinces)
        path = reverse(name, args=args)
        response = getattr(client, url.method)(path, query)
        if response.status_code != status:
            problems.append(f"{url.method.upper()} {path} {query}: {response.status_code}")
            continue
        if status == 200 and persona not in NATIONAL:
            text = body_text(response)
            leaked = [m for m in MARKERS[other_province].values() if m in text]
            if leaked:
                problems.append(f"{path} {query} shows the other province's {leaked}")
    assert not problems, f"{persona} on {name} (expected {expected}): {problems}"


@pytest.mark.parametrize(
    "name",
    ["establishment_list", "inspection_list", "report_list", "case_list", "activity_list"],
)
def test_the_lists_show_the_markers_searched_for(client, personas, two_provinces, name):
    """The text searched for above is what the pages show: the leak check is not vacuous."""
    client.force_login(personas.ministry)
    text = client.get(reverse(name)).content.decode()
    # An inspection shows in its list by its establishment's code.
    model = name.removesuffix("_list")
    model = "establishment" if model == "inspection" else model
    for province, place in two_provinces.places.items():
        assert MARKERS[province][model] in text
        assert MARKERS[province]["commune"] in text
        inspection = reverse("inspection_detail", args=[place["inspection"].pk])
        assert MARKERS[province]["inspection"] in client.get(inspection).content.decode()


# -- posting out of scope -----------------------------------------------------------------------

EDITS = {
    # URL name: (model, the field changed, its new value)
    "establishment_edit": (Establishment, "name", "Changed by another province"),
    "inspection_edit": (Inspection, "violations", "Changed by another province"),
    "report_edit": (Report, "summary", "Changed by another province"),
    "case_edit": (Case, "reference", "CASE-CHANGED"),
    "activity_edit": (Activity, "title", "Changed by another province"),
    "report_stage": (Report, "on", "01/03/2024"),
    "report_extension_edit": (Report, "decision_no", "99/QĐ-SỬA"),
    "report_extension_delete": (Report, "version", None),
    "report_identity": (ReporterIdentity, "full_name", "Changed by another province"),
}
MODEL_OF_URL = {
    "establishment_edit": "establishment",
    "inspection_edit": "inspection",
    "report_edit": "report",
    "case_edit": "case",
    "activity_edit": "activity",
    "report_stage": "report",
    "report_extension_edit": "report",
    "report_extension_delete": "report",
    "report_identity": "report",
}


def form_data(client, path, field, value):
    """What the form on `path` would send unchanged, with `field` set to `value`."""
    form = client.get(path).context["form"]
    data = {}
    for bound in form:
        shown = bound.field.widget.format_value(bound.value())
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        data[bound.html_name] = "" if shown is None else shown
    if value is not None:
        data[field] = value
    return data


def snapshot(model, record):
    if model is ReporterIdentity:
        return list(ReporterIdentity.objects.filter(report=record).values())
    return model.objects.filter(pk=record.pk).values().get()


@pytest.mark.parametrize("name", list(EDITS))
def test_an_officer_cannot_post_to_another_provinces_record(client, personas, two_provinces, name):
    model, field, value = EDITS[name]
    record = two_provinces.places["hcm"][MODEL_OF_URL[name]]
    path = reverse(name, args=[record.pk])
    client.force_login(personas.hcm_officer)
    data = form_data(client, path, field, value)
    before = snapshot(model, record)

    client.force_login(personas.hn_officer)
    assert client.post(path, data).status_code == 404
    assert snapshot(model, record) == before

    # The same data from the record's own officer is accepted: it is valid, only out of scope.
    client.force_login(personas.hcm_officer)
    response = client.post(path, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert snapshot(model, record) != before
