"""The OpenAPI 3.1 description of /api/v1/, written by hand, and the view that serves it.

The tests check every endpoint's real answers against it (tests/exchange/openapi_check.py)."""

import datetime

import django_filters
from django.http import JsonResponse
from django.utils import timezone

from exchange.api import DEFAULT_LIMIT, MAX_LIMIT
from exchange.kinds import DATE, KINDS, NULLABLE_TEXT, TEXT, Kind
from localities.filters import FIRST_YEAR, PlaceFilter, YearFilter
from localities.models import Scheme
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


def _compliance_row():
    properties = {
        "locality_code": NULLABLE_TEXT,
        "locality_name": NULLABLE_TEXT,
        "level": {"type": "string", "enum": ["province", "commune", "nation"]},
        "year": {"type": "integer"},
        "as_of": DATE,
    }
    for figure in FIGURES:
        if figure in PERCENTAGES:
            properties[figure] = {"type": ["number", "null"]}
        else:
            properties[figure] = {"type": "integer", "minimum": 0}
    statuses = {"type": "string", "enum": [str(s) for s in Status.values]}
    for metric in Metric.values:
        properties[f"status_{metric}"] = statuses
    return {
        "type": "object",
        "properties": properties,
        "required": LEADING + FIGURES,
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
    if isinstance(flt, PlaceFilter):
        return LOCALITY_ID, (
            f"{flt.label}: a locality's id; one outside the caller's area answers 404"
        )
    if isinstance(flt, YearFilter):
        this_year = timezone.localdate().year
        return _with_blank({"type": "integer", "minimum": FIRST_YEAR, "maximum": this_year}), (
            f"{flt.label}: {FIRST_YEAR} to the current year"
        )
    if isinstance(flt, django_filters.ModelChoiceFilter):
        field = flt.extra.get("to_field_name") or "pk"
        values = sorted(str(v) for v in flt.queryset.values_list(field, flat=True))
        return {"type": "string", "enum": ["", *values]}, str(flt.label)
    if isinstance(flt, django_filters.ChoiceFilter):
        choices = flt.extra["choices"]
        values = [str(value) for value, _label in (choices() if callable(choices) else choices)]
        return {"type": "string", "enum": ["", *values]}, str(flt.label)
    if isinstance(flt, django_filters.BooleanFilter):
        return TEXT, f"{flt.label}: true or false (anything else: either)"
    if isinstance(flt, django_filters.DateFilter):
        return _with_blank(DATE), f"{flt.label}: YYYY-MM-DD (dd/mm/yyyy is read too)"
    return NO_NUL, str(flt.label)


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
        "description": "Bad parameters",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "401": {
        "description": "No session and no valid token: unknown, revoked, or expired (a token "
        "works until the end of its expiry day, at most a year after it was created)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "403": {
        "description": "The user has no area assigned (or the token is limited to a province "
        "outside it)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "429": {
        "description": "Too many requests: past the calls allowed per token (per user for a "
        "session), or past the refused authentications allowed per address, which then gets "
        "429 whatever it sends until the window ends. Retry-After and retry_after say in how "
        "many seconds",
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
        "description": "The locality is unknown or outside the caller's area",
        "content": ERROR,
    }
}


def _compliance_parameters() -> list[dict]:
    plans = list(Plan.objects.order_by("pk"))
    first = min((p.first_year for p in plans), default=FIRST_AS_OF.year)
    last = max((p.last_year for p in plans), default=FIRST_AS_OF.year)
    today = timezone.localdate()
    return [
        _parameter(
            "plan",
            "A plan's id (default: the default plan)",
            _with_blank({"type": "integer", "enum": [p.pk for p in plans]}),
        ),
        _parameter(
            "year",
            "One of the plan's years (default: the current year of the plan); "
            "a year outside the plan answers 400",
            _with_blank({"type": "integer", "minimum": first, "maximum": last}),
        ),
        _parameter(
            "as_of",
            f"As-of date, YYYY-MM-DD (dd/mm/yyyy is read too), from "
            f"{FIRST_AS_OF.isoformat()} to today (default: today)",
            _with_blank(_days_until(today)),
        ),
        _parameter(
            "level",
            "province (default) or commune; a commune's table has no province level (400)",
            {"type": "string", "enum": ["", "province", "commune"]},
        ),
        _parameter(
            "locality",
            "A province's or commune's code (bare = 2025 scheme, 2004:xxxxx = old). "
            "With level=commune and a province: its communes. Unknown or outside the "
            "caller's area: 404",
            LOCALITY_CODE,
        ),
    ]


def schema() -> dict:
    paths = {
        "/api/v1/compliance": {
            "get": {
                "operationId": "compliance",
                "summary": "The compliance table (plan-rules §7): the CSV's columns, as JSON",
                "parameters": _compliance_parameters(),
                "responses": {
                    "200": {
                        "description": "The table",
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
                f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            ),
            _parameter("offset", "Rows to skip", {"type": "integer", "minimum": 0}),
        ]
        # The records list's filters (its FilterSet), which the endpoint accepts too.
        for filter_name, flt in kind.filterset.base_filters.items():
            value_schema, description = _filter_schema(flt)
            parameters.append(_parameter(filter_name, description, value_schema))
        paths[f"/api/v1/{kind.id}"] = {
            "get": {
                "operationId": kind.id,
                "summary": f"{name} records in the caller's area, paginated"
                + (" (never the reporter's identity)" if kind.id == "reports" else ""),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "One page",
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
                "columns": {"type": "array", "items": TEXT},
                "rows": {"type": "array", "items": {"$ref": "#/components/schemas/ComplianceRow"}},
                "total": {"$ref": "#/components/schemas/ComplianceRow"},
            },
            "required": ["year", "as_of", "level", "locality", "plan", "columns", "rows", "total"],
            "additionalProperties": False,
        },
    }
    for kind in KINDS.values():
        components[kind.schema_name] = _record_schema(kind)
        components[f"{kind.schema_name}Page"] = _page_schema(kind)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Plan Tracker API",
            "version": "1.0.0",
            "description": (
                "Read-only. Authenticate with the browser session or with "
                "`Authorization: Bearer <token>` (tokens are created on the API tokens page; "
                "each works until its expiry day, at most a year, and may be limited to a "
                "province: it then answers within that province only). "
                "Everything is restricted to the caller's area. Calls are rate-limited per "
                "token and refused authentications per address: past a limit the answer is "
                "429 with a Retry-After header (seconds). Dates are YYYY-MM-DD; "
                "percentages have one decimal, null when not applicable."
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
