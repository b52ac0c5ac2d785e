"""Every named URL of the app, as every role, with bad values in every parameter it reads: no
answer is a server error, and a refusal (400) has the page's look or, from the API, JSON.

The parameters are found, not listed by hand: each URL is first opened (and, where it takes a
form, posted with the form as it stands) while every read of the query string and of the
posted data is recorded; to those names are added the fields of every form and filter set the
answer carries. Then all of them at once get each bad value, and each name alone, on top of the
valid request, one value of each sort; every path argument gets bad numbers and bad text. The
records, jobs and tokens are those of tests/test_every_url.py.
"""

import contextlib

import pytest
from django import forms
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils.datastructures import MultiValueDict
from django_filters import FilterSet

from tests import test_every_url
from tests.test_every_url import ALL_NAMES, URLS, filled

# The records of each province, an import job and an API token per persona.
two_provinces = test_every_url.two_provinces

pytestmark = pytest.mark.django_db

# One persona of each role, and the anonymous visitor.
ROLES = ["hn_officer", "commune_officer", "ministry", "admin", "outsider", "anonymous"]

LONG = "9" * 5000
BAD_VALUES = [
    "10000",
    str(10**20),
    str(-(10**20)),
    "-1",
    "0",
    "abc",
    "2025-13-45",
    "45/13/2025",
    "0001-01-01",
    "01/01/0001",
    "9999-12-31",
    "31/12/9999",
    "\x00",
    "a\x00b",
    "%00",
    "²",
    "x" * 5000,
    LONG,
]
# Each parameter alone gets one value of each sort (the walk's time grows with their product):
# a huge number, a year past 9999, a negative, a malformed date, the calendar's last day, a NUL,
# digits no integer holds. A form checks all its fields at once, so the posted ones alone get
# the values that reach the checks across fields (dates) and the database (numbers, text).
EACH_PARAM = {
    "get": [str(10**20), "10000", "-1", "2025-13-45", "31/12/9999", "\x00", LONG],
    "post": [str(10**20), "31/12/9999", "\x00", LONG],
}
# A path argument that is a number gets these; one made of text, the text values.
BAD_NUMBERS = ["0", "10000", str(2**31), str(2**63), str(10**20), LONG, "-1", "abc", "%00"]
BAD_TEXTS = ["abc", "x" * 1000, "%00", "\x00", "10000", "-1"]
# Read by Django itself on every POST, not by the app's views.
NOT_THE_APPS = {"csrfmiddlewaretoken"}


class ReadNames:
    """Records the names read from any QueryDict (the query string, the posted form)."""

    def __init__(self):
        self.names: set[str] = set()
        self.on = False

    def patch(self, monkeypatch):
        def recording(method):
            def read(query, key, *args, **kwargs):
                if self.on and isinstance(key, str):
                    self.names.add(key)
                return method(query, key, *args, **kwargs)

            return read

        for name in ("get", "getlist", "__getitem__"):
            monkeypatch.setattr(QueryDict, name, recording(getattr(MultiValueDict, name)))
        monkeypatch.setattr(
            QueryDict, "__contains__", recording(lambda query, key: dict.__contains__(query, key))
        )

    @contextlib.contextmanager
    def recording(self):
        self.on = True
        try:
            yield
        finally:
            self.on = False


@pytest.fixture
def reads(monkeypatch):
    recorder = ReadNames()
    recorder.patch(monkeypatch)
    return recorder


def fields_of(context) -> set[str]:
    """The names of every form's and filter set's fields in a template context."""
    names = set()
    if context is None:
        return names
    for value in _flat(context):
        form = value.form if isinstance(value, FilterSet) else value
        if isinstance(form, forms.BaseForm):
            names |= {form.add_prefix(name) for name in form.fields}
    return names


def _flat(context):
    if isinstance(context, list):  # a ContextList: one context per template rendered
        for each in context:
            yield from _flat(each)
        return
    for layer in getattr(context, "dicts", [context]):
        if isinstance(layer, dict):
            for value in layer.values():
                if isinstance(value, list | tuple):
                    yield from (v for v in value if isinstance(v, forms.BaseForm | FilterSet))
                    yield from (v["form"] for v in value if isinstance(v, dict) and "form" in v)
                else:
                    yield value


def posted_as_is(context) -> dict:
    """What the page's form would send unchanged (empty without a form)."""
    form = None
    for value in _flat(context) if context is not None else ():
        if isinstance(value, forms.BaseForm) and not isinstance(value, FilterSet):
            form = value
            break
    if form is None:
        return {}
    data = {}
    for bound in form:
        shown = bound.field.widget.format_value(bound.value())
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        data[bound.html_name] = "" if shown is None else str(shown)
    return data


class Walk:
    """Sends requests, each in a savepoint rolled back after it (a post changes nothing for the
    next one, and a database error cannot spoil the ones after it), and keeps the problems."""

    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.answers = 0

    def send(self, method, path, data):
        shown = {k: (v if len(v) < 40 else f"{v[:12]}…({len(v)})") for k, v in data.items()}
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(path, data)
                if response.streaming:
                    body = b"".join(response.streaming_content)
                else:
                    body = response.content
                transaction.set_rollback(True)
        except Exception as error:  # every uncaught exception is what this walk looks for
            self.problems.append(f"{method.upper()} {path[:80]} {shown}: {error!r:.300}")
            return None
        self.answers += 1
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{method.upper()} {path[:80]} {shown}: {status}")
        elif status == 400:
            self.check_refusal(method, path, shown, response, body)
        return response

    def check_refusal(self, method, path, shown, response, body):
        """A 400 from the API (or the picker's search, which answers JSON too) is JSON with an
        error; from a page, the page's look."""
        kind = response.get("Content-Type", "")
        if path.startswith(("/api/", "/establishments/search/")):
            ok = kind.startswith("application/json") and b'"error"' in body
        else:
            ok = kind.startswith("text/html") and b'class="navbar' in body
        if not ok:
            self.problems.append(
                f"{method.upper()} {path[:80]} {shown}: 400 without the page's look ({kind})"
            )


def arguments(name):
    """The converters of the URL name's path arguments, in order (int or str)."""
    patterns = get_resolver().reverse_dict.getlist(name)
    (possibility, _pattern, _defaults, converters) = patterns[0]
    _format, params = possibility[0]
    return [type(converters[p]).__name__ for p in params]


def with_argument(name, args, index, value) -> str:
    """The URL with its `index`th path argument replaced by any text."""
    marker = "8675309"
    args = list(args)
    args[index] = marker
    return reverse(name, args=args).replace(marker, value.replace("\x00", "%00"), 1)


def discover(walk, reads, name, path, query):
    """The valid request of each method the URL answers (not 405), and the names of the
    parameters read: those the view read, and the fields of the forms and filter sets."""
    bases = {}
    reads.names = set()
    for method in ("get", "post"):
        with reads.recording():
            response = walk.send(method, path, query if method == "get" else {})
        if response is None or response.status_code == 405:
            continue
        base = dict(query) if method == "get" else posted_as_is(bases.get("get", {}).get("ctx"))
        if method == "post" and base:
            with reads.recording():
                walk.send("post", path, base)
        bases[method] = {"data": base, "ctx": response.context}
    found = set().union(reads.names, *(fields_of(b["ctx"]) for b in bases.values()))
    return {method: base["data"] for method, base in bases.items()}, found - NOT_THE_APPS


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ALL_NAMES)
def test_no_bad_value_makes_a_server_error(personas, two_provinces, reads, role, name):
    url = URLS[name]
    client = Client(raise_request_exception=True)
    persona = "admin" if role == "anonymous" else role
    if role != "anonymous":
        client.force_login(getattr(personas, role))
    args, query = filled(url, persona, "own", two_provinces)
    path = reverse(name, args=args)
    walk = Walk(client)
    bases, names = discover(walk, reads, name, path, query)

    for method, base in bases.items():
        for value in BAD_VALUES:
            walk.send(method, path, {**base, **dict.fromkeys(names, value)})
        for value in EACH_PARAM[method]:
            for param in sorted(names):
                walk.send(method, path, {**base, param: value})

    for index, converter in enumerate(arguments(name)):
        for value in BAD_NUMBERS if converter == "IntConverter" else BAD_TEXTS:
            walk.send(url.method, with_argument(name, args, index, value), query)

    assert walk.answers, "no request was answered"
    assert not walk.problems, "\n".join(walk.problems[:40])


def test_the_walk_finds_the_filters_and_the_selection(personas, two_provinces, reads):
    """The names found include every filter of a list, every field of the selection, the API's
    paging, a form's fields: the walk is not vacuous."""
    client = Client()
    client.force_login(personas.admin)
    found = {}
    for name in ("inspection_list", "dashboard_charts", "api_reports", "case_edit"):
        args, query = filled(URLS[name], "admin", "own", two_provinces)
        _bases, found[name] = discover(Walk(client), reads, name, reverse(name, args=args), query)
    assert {"q", "province", "commune", "outcome", "team", "year", "page", "sort"} <= found[
        "inspection_list"
    ]
    assert {"plan", "year", "as_of", "locality", "level", "metric"} <= found["dashboard_charts"]
    assert {"limit", "offset", "kind", "status", "year", "locality"} <= found["api_reports"]
    assert {"reference", "opened_on", "article", "report", "version"} <= found["case_edit"]


# -- what the walk found, answered as the app answers bad input -------------------------------


def test_a_page_size_out_of_bounds_answers_400_in_the_pages_look(client, personas, two_provinces):
    client.force_login(personas.hn_officer)
    for value in ("0", "-1", "101", str(10**20), "abc"):
        response = client.get(reverse("establishment_list"), {"per_page": value})
        assert response.status_code == 400, value
        page = response.content.decode()
        assert "Yêu cầu không hợp lệ" in page and 'class="navbar' in page
        assert "Số dòng mỗi trang" in page
    # Within bounds the list shows that many rows a page.
    response = client.get(reverse("establishment_list"), {"per_page": "1"})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == 1


def test_a_province_id_no_integer_holds_is_a_filter_error(client, personas, two_provinces):
    client.force_login(personas.ministry)
    response = client.get(reverse("establishment_list"), {"province": LONG})
    assert response.status_code == 200
    assert "province" in response.context["filter"].errors
    assert list(response.context["table"].data) == []


def test_the_api_refuses_bad_paging_with_its_field_errors(client, personas, two_provinces):
    client.force_login(personas.ministry)
    for params, field in (
        ({"limit": "abc"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": LONG}, "offset"),
    ):
        response = client.get(reverse("api_establishments"), params)
        assert response.status_code == 400, params
        assert list(response.json()["fields"]) == [field]
    # An offset past the last record, however large, is an empty page.
    response = client.get(reverse("api_establishments"), {"offset": str(10**20)})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("value", ["²", "abc", str(10**20), LONG, "\x00"])
def test_a_new_inspection_of_no_establishment_answers_404(client, personas, two_provinces, value):
    client.force_login(personas.hn_officer)
    response = client.get(reverse("inspection_create"), {"establishment": value})
    assert response.status_code == 404
    # Its own establishment is the new inspection's.
    own = two_provinces.places["hn"]["establishment"]
    response = client.get(reverse("inspection_create"), {"establishment": own.pk})
    assert response.context["form"].initial["establishment"] == own


def test_a_report_received_on_the_last_day_of_the_calendar_is_a_form_error(
    client, personas, two_provinces
):
    report = two_provinces.places["hn"]["report"]
    path = reverse("report_edit", args=[report.pk])
    client.force_login(personas.hn_officer)
    data = posted_as_is(client.get(path).context)
    data.update(received_on="31/12/9999", extended_until="31/12/9999")
    response = client.post(path, data)
    assert response.status_code == 200
    assert "received_on" in response.context["form"].errors


@pytest.mark.parametrize(
    "name, param, good",
    [
        ("dashboard_charts", "metric", "annual_inspection"),
        ("export_report", "format", "html"),
        ("dashboard_locality", "all", "1"),
    ],
)
def test_a_pages_own_option_outside_its_choices_answers_400(
    client, personas, two_provinces, name, param, good
):
    client.force_login(personas.ministry)
    hn = two_provinces.places["hn"]["locality"]
    args = [hn.pk] if name == "dashboard_locality" else []
    path = reverse(name, args=args)
    response = client.get(path, {param: "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Yêu cầu không hợp lệ" in page and "abc" in page
    assert client.get(path, {param: good}).status_code == 200


def test_a_raw_export_with_an_invalid_filter_is_refused_and_not_logged(
    client, personas, two_provinces
):
    from exchange.models import ExportLog

    client.force_login(personas.admin)
    path = reverse("export_raw", args=["establishments", "csv"])
    for value in ("2025-13-45", "\x00"):
        response = client.get(path, {"as_of": value})
        assert response.status_code == 400
        assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert not ExportLog.objects.exists()
    # A valid filter exports, and is logged.
    response = client.get(path, {"as_of": "01/01/2025"})
    assert response.status_code == 200 and ExportLog.objects.count() == 1


def test_a_filter_value_read_as_no_filter_is_not_logged(client, personas, two_provinces):
    """A yes/no filter that is neither (here a NUL, which PostgreSQL's JSON cannot hold) filters
    nothing, and the export's log says so."""
    from exchange.models import ExportLog

    client.force_login(personas.admin)
    path = reverse("export_raw", args=["establishments", "csv"])
    response = client.get(path, {"in_scope": "\x00", "line": "karaoke"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert ExportLog.objects.get().filters == {"line": "karaoke"}
