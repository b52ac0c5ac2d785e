"""The OpenAPI 3.1 description of /api/v1/, written by hand, and the view that serves it.

The tests check every endpoint's real answers against it (tests/exchange/openapi_check.py)."""

from django.http import JsonResponse

from exchange.api import DEFAULT_LIMIT, MAX_LIMIT
from exchange.exports.raw import RAW_COLUMNS
from localities.models import CaseArticle, InspectionOutcome, InspectionTeam, Line, ReportOutcome
from plan_tracker.metrics import FIGURES, LEADING, PERCENTAGES
from plan_tracker.models import Metric
from plan_tracker.status import Status

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}


def _enum(choices, *, nullable=False, blank=False):
    values = [str(v) for v in choices.values] + ([""] if blank else [])
    if nullable:
        return {"type": ["string", "null"], "enum": values + [None]}
    return {"type": "string", "enum": values}


# The type of each column of the raw exports and the list endpoints.
FIELD_TYPES = {
    "establishments": {
        "code": TEXT,
        "name": TEXT,
        "line": _enum(Line),
        "commune_code": TEXT,
        "address": TEXT,
        "permit_number": TEXT,
        "opened_on": NULLABLE_DATE,
        "closed_on": NULLABLE_DATE,
        "in_scope": {"type": "boolean"},
        "commune_name": TEXT,
        "province_code": TEXT,
        "province_name": TEXT,
        "locality_code_given": TEXT,
    },
    "inspections": {
        "establishment_code": TEXT,
        "inspected_on": DATE,
        "team": _enum(InspectionTeam),
        "outcome": _enum(InspectionOutcome),
        "fine_vnd": {"type": "integer", "minimum": 0},
        "violations": TEXT,
        "notes": TEXT,
        "establishment_name": TEXT,
        "commune_code": TEXT,
        "province_code": TEXT,
    },
    "reports": {
        "reference": TEXT,
        "kind": TEXT,
        "locality_code": TEXT,
        "received_on": DATE,
        "verified_on": NULLABLE_DATE,
        "classified_on": NULLABLE_DATE,
        "handled_on": NULLABLE_DATE,
        "outcome": _enum(ReportOutcome, blank=True),
        "extended_until": NULLABLE_DATE,
        "summary": TEXT,
        "deadline": DATE,
        "extension_reason": TEXT,
        "locality_name": TEXT,
        "province_code": TEXT,
    },
    "cases": {
        "reference": TEXT,
        "locality_code": TEXT,
        "article": _enum(CaseArticle),
        "opened_on": DATE,
        "handled_on": NULLABLE_DATE,
        "report_reference": NULLABLE_TEXT,
        "summary": TEXT,
        "locality_name": TEXT,
        "province_code": TEXT,
    },
}
SCHEMA_NAMES = {
    "establishments": "Establishment",
    "inspections": "Inspection",
    "reports": "Report",
    "cases": "Case",
}


def filter_parameters(kind: str) -> list[str]:
    """The records list's filters (its FilterSet), which the endpoint accepts too."""
    from exchange.exports.raw import filterset_class

    return list(filterset_class(kind).base_filters)


def _record_schema(kind):
    types = FIELD_TYPES[kind]
    assert [c for c, _p in RAW_COLUMNS[kind]] == list(types), kind
    properties = {"id": {"type": "integer"}, **types}
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _page_schema(kind):
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
                "items": {"$ref": f"#/components/schemas/{SCHEMA_NAMES[kind]}"},
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
        "description": "No session and no valid token",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "403": {
        "description": "The user has no area assigned",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def schema() -> dict:
    paths = {
        "/api/v1/compliance": {
            "get": {
                "operationId": "compliance",
                "summary": "The compliance table (plan-rules §7): the CSV's columns, as JSON",
                "parameters": [
                    _parameter(
                        "year", "Year (default: the current year of the plan)", {"type": "integer"}
                    ),
                    _parameter("as_of", "As-of date, YYYY-MM-DD (default: today)", DATE),
                    _parameter(
                        "level",
                        "province (default) or commune",
                        {"type": "string", "enum": ["province", "commune"]},
                    ),
                    _parameter(
                        "locality",
                        "A province's or commune's code (bare = 2025 scheme, 2004:xxxxx = old). "
                        "With level=commune and a province: its communes.",
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The table",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ComplianceTable"}
                            }
                        },
                    },
                    "404": {
                        "description": "The locality is outside the caller's area or unknown",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                    **ERROR_RESPONSES,
                },
            }
        }
    }
    for kind, name in SCHEMA_NAMES.items():
        parameters = [
            _parameter(
                "limit",
                f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            ),
            _parameter("offset", "Rows to skip", {"type": "integer", "minimum": 0}),
        ] + [
            _parameter(f, "A filter of the records list (same values as its page)")
            for f in filter_parameters(kind)
        ]
        paths[f"/api/v1/{kind}"] = {
            "get": {
                "operationId": kind,
                "summary": f"{name} records in the caller's area, paginated"
                + (" (never the reporter's identity)" if kind == "reports" else ""),
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
                    **ERROR_RESPONSES,
                },
            }
        }
    components = {
        "Error": {
            "type": "object",
            "properties": {"error": TEXT, "fields": {"type": "object"}},
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
    for kind, name in SCHEMA_NAMES.items():
        components[name] = _record_schema(kind)
        components[f"{name}Page"] = _page_schema(kind)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Plan Tracker API",
            "version": "1.0.0",
            "description": (
                "Read-only. Authenticate with the browser session or with "
                "`Authorization: Bearer <token>` (tokens are created on the API tokens page). "
                "Everything is restricted to the caller's area. Dates are YYYY-MM-DD; "
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
