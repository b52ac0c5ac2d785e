"""The OpenAPI 3.1 description of /api/v1/, written by hand, the view that serves it and the
page that shows it readably (Swagger UI, vendored in static/vendor/swagger-ui).

Every text is written in Vietnamese, then in English: the officers read the first, the
programmers of other systems may need the second. Each operation carries examples (parameter
values and a whole request) that answer 200 for a user whose area holds Hà Nội (01).

The tests check every endpoint's real answers against it (tests/exchange/openapi_check.py)."""

import datetime
from urllib.parse import urlencode

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from exchange.api import DEFAULT_LIMIT, MAX_LIMIT
from exchange.kinds import DATE, KINDS, NULLABLE_TEXT, TEXT, Kind
from localities.filters import FIRST_YEAR, PlaceFilter, YearFilter
from localities.models import Scheme
from localities.permissions import VIEW, may
from plan_tracker.metrics import FIGURES, LEADING, PERCENTAGES
from plan_tracker.models import Metric, Plan
from plan_tracker.selection import FIRST_AS_OF
from plan_tracker.status import Status

# Text without NUL characters: the forms refuse them.
NO_NUL = {"type": "string", "pattern": "^[^\\x00]*$"}
# A locality code as the selection reads it: bare (2025 scheme) or prefixed with a scheme, one
# to five digits, blanks around the parts ignored; empty for the caller's whole area.
LOCALITY_CODE = {
    "type": "string",
    "pattern": "^\\s*(((" + "|".join(Scheme.values) + ")\\s*:\\s*)?[0-9]{1,5}\\s*)?$",
}
# A locality's id as the filters read it (a whole number, blanks around it ignored), or empty
# for no filter.
LOCALITY_ID = {"type": "string", "pattern": "^(\\s*[+-]?\\d+(_\\d+)*\\s*)?$"}


# Parameter values that answer 200 for a user whose area holds Hà Nội (01), shown as examples.
EXAMPLES = {
    "compliance": {"year": 2024, "as_of": "2024-12-31", "level": "commune", "locality": "01"},
    "establishments": {"limit": 20, "line": "karaoke", "in_scope": "true"},
    "inspections": {"limit": 20, "year": 2024, "outcome": "violation", "team": "police"},
    "reports": {"limit": 20, "year": 2024, "status": "overdue"},
    "cases": {"limit": 20, "year": 2024, "article": "327", "modus": "online"},
    "activities": {"limit": 20, "year": 2025, "kind": "communication"},
}


def both(vi: str, en: str) -> str:
    """A description in Vietnamese, then in English."""
    return f"{vi}\n\n{en}"


def both_short(vi: str, en: str) -> str:
    """A one-line text (a summary, a label) in Vietnamese / English."""
    return vi if vi == en else f"{vi} / {en}"


def _languages(label) -> tuple[str, str]:
    """A translatable label of the app in Vietnamese and in English."""
    with override("vi"):
        vi = str(label)
    with override("en"):
        en = str(label)
    return vi, en


def _label(label) -> str:
    return both_short(*_languages(label))


def example_path(operation_id: str) -> str:
    """The whole example request of an operation."""
    path = "/api/v1/" + operation_id
    return f"{path}?{urlencode(EXAMPLES[operation_id])}" if EXAMPLES.get(operation_id) else path


def _with_examples(operation_id: str, parameters: list[dict]) -> list[dict]:
    for parameter in parameters:
        value = EXAMPLES.get(operation_id, {}).get(parameter["name"])
        if value is not None:
            parameter["example"] = value
    return parameters


def _example_text(operation_id: str) -> str:
    path = example_path(operation_id)
    return both(f"Ví dụ: `GET {path}`", f"Example: `GET {path}`")


def _record_schema(kind: Kind):
    properties = {"id": {"type": "integer"}, **{c.name: c.schema for c in kind.columns}}
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _page_schema(kind: Kind):
    return {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "offset": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"]},
            "previous": {"type": ["string", "null"]},
            "results": {
                "type": "array",
                "items": {"$ref": f"#/components/schemas/{kind.schema_name}"},
            },
        },
        "required": ["count", "limit", "offset", "next", "previous", "results"],
        "additionalProperties": False,
    }


PLAN_IN_FORCE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "province": {"type": ["string", "null"]},
        "first_year": {"type": "integer"},
        "last_year": {"type": "integer"},
        "document": {"type": "string"},
        "targets": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "metric": {"type": "string", "enum": list(Metric.values)},
                    "threshold": {"type": "number"},
                    "applies_to": {"type": "string", "enum": ["each_commune", "whole_province"]},
                    "status": {"type": "string", "enum": [str(s) for s in Status.values]},
                },
                "required": ["metric", "threshold", "applies_to", "status"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id", "name", "province", "first_year", "last_year", "document", "targets"],
    "additionalProperties": False,
}


def _compliance_row():
    properties = {
        "locality_code": NULLABLE_TEXT,
        "locality_name": NULLABLE_TEXT,
        "level": {"type": "string", "enum": ["province", "commune", "nation"]},
        "year": {"type": "integer"},
        "as_of": DATE,
        # The plan the row's statuses judge (its name, as in plans_in_force).
        "plan": TEXT,
    }
    for figure in FIGURES:
        if figure in PERCENTAGES:
            properties[figure] = {"type": ["number", "null"]}
        else:
            properties[figure] = {"type": "integer", "minimum": 0}
    # null where the row's plan sets no such target.
    statuses = {"type": ["string", "null"], "enum": [*(str(s) for s in Status.values), None]}
    for metric in Metric.values:
        properties[f"status_{metric}"] = statuses
    return {
        "type": "object",
        "properties": properties,
        "required": [*LEADING, "plan", *FIGURES],
        "additionalProperties": False,
    }


def _alternatives(values) -> str:
    return "(" + "|".join(values) + ")"


def _days_until(last: datetime.date) -> dict:
    """A YYYY-MM-DD date from FIRST_AS_OF to `last`, as a pattern (JSON Schema has no bounds
    for dates)."""
    any_month = "(0[1-9]|1[0-2])"
    any_day = "(0[1-9]|[12][0-9]|3[01])"
    branches = []
    if last.year > FIRST_AS_OF.year:
        years = _alternatives(str(y) for y in range(FIRST_AS_OF.year, last.year))
        branches.append(f"{years}-{any_month}-{any_day}")
    if last.month > 1:
        months = _alternatives(f"{m:02d}" for m in range(1, last.month))
        branches.append(f"{last.year}-{months}-{any_day}")
    days = _alternatives(f"{d:02d}" for d in range(1, last.day + 1))
    branches.append(f"{last.year}-{last.month:02d}-{days}")
    return {**DATE, "pattern": "^" + _alternatives(branches) + "$"}


def _with_blank(schema: dict) -> dict:
    """A parameter that may also be sent empty, which means "not given"."""
    return {"anyOf": [schema, {"type": "string", "enum": [""]}]}


def _filter_schema(flt) -> tuple[dict, str]:
    """The JSON Schema of the values a records list's filter accepts, and what it means."""
    label = _label(flt.label)
    if isinstance(flt, PlaceFilter):
        return LOCALITY_ID, both(
            f"{label}: mã số (id) của một địa bàn; địa bàn ngoài phạm vi của người gọi trả về 404",
            f"{label}: a locality's id; one outside the caller's area answers 404",
        )
    if isinstance(flt, YearFilter):
        this_year = timezone.localdate().year
        return _with_blank({"type": "integer", "minimum": FIRST_YEAR, "maximum": this_year}), (
            both(
                f"{label}: từ {FIRST_YEAR} đến năm hiện tại",
                f"{label}: {FIRST_YEAR} to the current year",
            )
        )
    if isinstance(flt, django_filters.ModelChoiceFilter):
        field = flt.extra.get("to_field_name") or "pk"
        values = sorted(str(v) for v in flt.queryset.values_list(field, flat=True))
        return {"type": "string", "enum": ["", *values]}, label
    if isinstance(flt, django_filters.ChoiceFilter):
        choices = flt.extra["choices"]
        values = [str(value) for value, _text in (choices() if callable(choices) else choices)]
        if flt.extra.get("help_text"):
            # What a value that is not one of the model's means (a group of them).
            (vi, en), (help_vi, help_en) = _languages(flt.label), _languages(flt.extra["help_text"])
            label = both(f"{vi}: {help_vi}", f"{en}: {help_en}")
        return {"type": "string", "enum": ["", *values]}, label
    if isinstance(flt, django_filters.BooleanFilter):
        return TEXT, both(
            f"{label}: true hoặc false (giá trị khác: không lọc)",
            f"{label}: true or false (anything else: either)",
        )
    if isinstance(flt, django_filters.DateFilter):
        return _with_blank(DATE), both(
            f"{label}: YYYY-MM-DD (cũng đọc được dd/mm/yyyy)",
            f"{label}: YYYY-MM-DD (dd/mm/yyyy is read too)",
        )
    return NO_NUL, label


def _parameter(name, description, schema=None, required=False):
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


ERROR_RESPONSES = {
    "400": {
        "description": both_short("Tham số không hợp lệ", "Bad parameters"),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "401": {
        "description": both_short(
            "Chưa đăng nhập và không có mã truy cập hợp lệ: không có mã, mã đã thu hồi hoặc đã hết "
            "hạn (mã dùng được đến hết ngày hết hạn, tối đa một năm sau khi tạo)",
            "No session and no valid token: unknown, revoked, or expired (a token works until the "
            "end of its expiry day, at most a year after it was created)",
        ),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "403": {
        "description": both_short(
            "Người dùng chưa được giao địa bàn (hoặc mã truy cập chỉ dùng cho một tỉnh ngoài địa "
            "bàn đó)",
            "The user has no area assigned (or the token is limited to a province outside it)",
        ),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "429": {
        "description": both_short(
            "Quá nhiều yêu cầu: vượt số lần gọi cho phép của một mã truy cập (của một người dùng "
            "khi dùng phiên đăng nhập), hoặc vượt số lần xác thực bị từ chối cho phép của một địa "
            "chỉ, địa chỉ đó nhận 429 cho đến hết khoảng thời gian. Retry-After và retry_after "
            "cho biết số giây phải chờ",
            "Too many requests: past the calls allowed per token (per user for a session), or "
            "past the refused authentications allowed per address, which then gets 429 whatever "
            "it sends until the window ends. Retry-After and retry_after say in how many seconds",
        ),
        "headers": {
            "Retry-After": {
                "description": "Seconds until the rate limit's window ends",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
NOT_FOUND = {
    "404": {
        "description": both_short(
            "Địa bàn không tồn tại hoặc ngoài phạm vi của người gọi",
            "The locality is unknown or outside the caller's area",
        ),
        "content": ERROR,
    }
}


def _compliance_parameters() -> list[dict]:
    plans = list(Plan.objects.order_by("pk"))
    first = min((p.first_year for p in plans), default=FIRST_AS_OF.year)
    last = max((p.last_year for p in plans), default=FIRST_AS_OF.year)
    today = timezone.localdate()
    parameters = [
        _parameter(
            "plan",
            both(
                "Mã số (id) của kế hoạch (mặc định: các kế hoạch có hiệu lực trong năm tại "
                "địa bàn)",
                "A plan's id (default: the plans in force in the year for the locality)",
            ),
            _with_blank({"type": "integer", "enum": [p.pk for p in plans]}),
        ),
        _parameter(
            "year",
            both(
                "Năm (mặc định: năm hiện tại), từ năm đầu của kế hoạch đầu tiên đến năm hiện "
                "tại; với một kế hoạch đã chọn, một năm của kế hoạch đó; năm khác trả về 400",
                "The year (default: the current one), from the first plan's first year to the "
                "current year; with a plan chosen, one of its years; another answers 400",
            ),
            _with_blank({"type": "integer", "minimum": first, "maximum": max(last, today.year)}),
        ),
        _parameter(
            "as_of",
            both(
                f"Ngày tính số liệu, YYYY-MM-DD (cũng đọc được dd/mm/yyyy), từ "
                f"{FIRST_AS_OF.isoformat()} đến hôm nay (mặc định: hôm nay)",
                f"As-of date, YYYY-MM-DD (dd/mm/yyyy is read too), from "
                f"{FIRST_AS_OF.isoformat()} to today (default: today)",
            ),
            _with_blank(_days_until(today)),
        ),
        _parameter(
            "level",
            both(
                "province (mặc định) hoặc commune; bảng của một xã không có cấp tỉnh (400)",
                "province (default) or commune; a commune's table has no province level (400)",
            ),
            {"type": "string", "enum": ["", "province", "commune"]},
        ),
        _parameter(
            "locality",
            both(
                "Mã tỉnh hoặc xã (để nguyên = danh mục 2025, 2004:xxxxx = danh mục cũ). Với "
                "level=commune và một tỉnh: các xã của tỉnh. Không tồn tại hoặc ngoài phạm vi "
                "của người gọi: 404",
                "A province's or commune's code (bare = 2025 scheme, 2004:xxxxx = old). "
                "With level=commune and a province: its communes. Unknown or outside the "
                "caller's area: 404",
            ),
            LOCALITY_CODE,
        ),
    ]
    return _with_examples("compliance", parameters)


def schema() -> dict:
    paths = {
        "/api/v1/compliance": {
            "get": {
                "operationId": "compliance",
                "summary": both_short(
                    "Bảng kết quả thực hiện các chỉ tiêu", "The compliance table"
                ),
                "description": both(
                    "Các cột của tệp CSV kết quả thực hiện, dạng JSON: mỗi dòng một địa bàn và "
                    "một kế hoạch (không chọn kế hoạch: mỗi kế hoạch có hiệu lực trong năm tại "
                    "địa bàn; cột plan là tên kế hoạch, mỗi chỉ tiêu của bất kỳ kế hoạch nào có "
                    "một cột status_<chỉ tiêu>, để trống khi kế hoạch của dòng không đặt chỉ "
                    "tiêu đó), và dòng tổng của mỗi kế hoạch (totals; total là dòng tổng của kế "
                    "hoạch đầu tiên).",
                    "The compliance CSV's columns, as JSON: a row per locality and plan (with no "
                    "plan chosen, each plan in force in the year for the locality; `plan` is the "
                    "plan's name, and each target of any plan has a status_<target> column, "
                    "empty where the row's plan sets no such target), and each plan's total "
                    "(`totals`; `total` is the first plan's).",
                )
                + "\n\n"
                + _example_text("compliance"),
                "parameters": _compliance_parameters(),
                "responses": {
                    "200": {
                        "description": both_short("Bảng kết quả", "The table"),
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ComplianceTable"}
                            }
                        },
                    },
                    **NOT_FOUND,
                    **ERROR_RESPONSES,
                },
            }
        }
    }
    for kind in KINDS.values():
        name = kind.schema_name
        parameters = [
            _parameter(
                "limit",
                both(
                    f"Số dòng mỗi trang (mặc định {DEFAULT_LIMIT}, tối đa {MAX_LIMIT})",
                    f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
                ),
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            ),
            _parameter(
                "offset",
                both_short("Số dòng bỏ qua", "Rows to skip"),
                {"type": "integer", "minimum": 0},
            ),
        ]
        # The records list's filters (its FilterSet), which the endpoint accepts too.
        for filter_name, flt in kind.filterset.base_filters.items():
            value_schema, description = _filter_schema(flt)
            parameters.append(_parameter(filter_name, description, value_schema))
        identity_vi = " (không bao giờ kèm thông tin người tố giác)" if kind.id == "reports" else ""
        identity_en = " (never the reporter's identity)" if kind.id == "reports" else ""
        paths[f"/api/v1/{kind.id}"] = {
            "get": {
                "operationId": kind.id,
                "summary": _label(kind.label),
                "description": both(
                    f"Các bản ghi “{_languages(kind.label)[0]}” trong phạm vi của "
                    f"người gọi, theo trang{identity_vi}. Lọc như danh sách tương ứng.",
                    f"{name} records in the caller's area, paginated{identity_en}. Filtered "
                    "like their list.",
                )
                + "\n\n"
                + _example_text(kind.id),
                "parameters": _with_examples(kind.id, parameters),
                "responses": {
                    "200": {
                        "description": both_short("Một trang", "One page"),
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{name}Page"}
                            }
                        },
                    },
                    **NOT_FOUND,
                    **ERROR_RESPONSES,
                },
            }
        }
    components = {
        "Error": {
            "type": "object",
            "properties": {
                "error": TEXT,
                "fields": {"type": "object"},
                "retry_after": {"type": "integer", "minimum": 1},
            },
            "required": ["error"],
        },
        "ComplianceRow": _compliance_row(),
        "ComplianceTable": {
            "type": "object",
            "properties": {
                "year": {"type": "integer"},
                "as_of": DATE,
                "level": {"type": "string", "enum": ["province", "commune"]},
                "locality": NULLABLE_TEXT,
                "plan": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "name": TEXT,
                        "first_year": {"type": "integer"},
                        "last_year": {"type": "integer"},
                    },
                    "required": ["id", "name", "first_year", "last_year"],
                    "additionalProperties": False,
                },
                "plans_in_force": {"type": "array", "items": PLAN_IN_FORCE},
                "columns": {"type": "array", "items": TEXT},
                "rows": {"type": "array", "items": {"$ref": "#/components/schemas/ComplianceRow"}},
                "total": {"$ref": "#/components/schemas/ComplianceRow"},
                "totals": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/ComplianceRow"},
                    "minItems": 1,
                },
            },
            "required": [
                "year",
                "as_of",
                "level",
                "locality",
                "plan",
                "plans_in_force",
                "columns",
                "rows",
                "total",
                "totals",
            ],
            "additionalProperties": False,
        },
    }
    for kind in KINDS.values():
        components[kind.schema_name] = _record_schema(kind)
        components[f"{kind.schema_name}Page"] = _page_schema(kind)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API Theo dõi kế hoạch / Plan Tracker API",
            "version": "1.0.0",
            "description": both(
                "Chỉ đọc. Xác thực bằng phiên đăng nhập của trình duyệt hoặc bằng tiêu đề "
                "`Authorization: Bearer <mã truy cập>` (mã truy cập được tạo ở trang “Mã truy "
                "cập API”; mỗi mã dùng được đến hết ngày hết hạn, tối đa một năm, và có thể "
                "chỉ dùng cho một tỉnh). Mọi dữ liệu chỉ trong phạm vi địa bàn của người gọi. "
                "Số lần gọi bị giới hạn theo mã truy cập, số lần xác thực bị từ chối theo địa "
                "chỉ: quá giới hạn thì trả 429 với tiêu đề Retry-After (giây). Ngày viết "
                "YYYY-MM-DD; tỷ lệ phần trăm có một chữ số thập phân, null khi không áp dụng.",
                "Read-only. Authenticate with the browser session or with "
                "`Authorization: Bearer <token>` (tokens are created on the API tokens page; "
                "each works until its expiry day, at most a year, and may be limited to a "
                "province: it then answers within that province only). "
                "Everything is restricted to the caller's area. Calls are rate-limited per "
                "token and refused authentications per address: past a limit the answer is "
                "429 with a Retry-After header (seconds). Dates are YYYY-MM-DD; "
                "percentages have one decimal, null when not applicable.",
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
        },
    }


def openapi_json(request):
    return JsonResponse(schema(), json_dumps_params={"ensure_ascii": False, "indent": 1})


@login_required
def api_docs(request):
    """The API's description as a readable page, for the users the API answers."""
    if not may(request.user, VIEW):
        raise PermissionDenied(_("You have no area assigned: ask an administrator."))
    return render(request, "exchange/api_docs.html")
