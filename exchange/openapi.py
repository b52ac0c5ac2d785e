"""The OpenAPI 3.1 description of /api/v1/, written by hand, and the view that serves it.

The tests check every endpoint's real answers against it (tests/exchange/openapi_check.py)."""

from django.http import JsonResponse

from exchange.api import DEFAULT_LIMIT, MAX_LIMIT
from exchange.kinds import DATE, KINDS, NULLABLE_TEXT, TEXT, Kind
from plan_tracker.metrics import FIGURES, LEADING, PERCENTAGES
from plan_tracker.models import Metric
from plan_tracker.status import Status


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
    for kind in KINDS.values():
        name = kind.schema_name
        parameters = [
            _parameter(
                "limit",
                f"Page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            ),
            _parameter("offset", "Rows to skip", {"type": "integer", "minimum": 0}),
        ] + [
            # The records list's filters (its FilterSet), which the endpoint accepts too.
            _parameter(f, "A filter of the records list (same values as its page)")
            for f in kind.filterset.base_filters
        ]
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
