"""A small JSON Schema validator, enough to check the API's real answers against the OpenAPI
description (exchange.openapi): type, enum, format "date", minimum, maximum, properties,
required, additionalProperties, items and $ref, which is what the description uses."""

import datetime
import re

from exchange.openapi import schema

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def validate(instance, node, root, path="$") -> list[str]:
    """Every way `instance` breaks `node` (a schema within `root`), as readable strings."""
    if "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return validate(instance, target, root, path)
    problems = []
    if "type" in node:
        allowed = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(TYPES[t](instance) for t in allowed):
            return [f"{path}: {instance!r} is not of type {allowed}"]
    if "enum" in node and instance not in node["enum"]:
        problems.append(f"{path}: {instance!r} is not one of {node['enum']}")
    if node.get("format") == "date" and isinstance(instance, str):
        try:
            if not ISO_DATE.match(instance):
                raise ValueError
            datetime.date.fromisoformat(instance)
        except ValueError:
            problems.append(f"{path}: {instance!r} is not a YYYY-MM-DD date")
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if "minimum" in node and instance < node["minimum"]:
            problems.append(f"{path}: {instance} < {node['minimum']}")
        if "maximum" in node and instance > node["maximum"]:
            problems.append(f"{path}: {instance} > {node['maximum']}")
    if isinstance(instance, dict):
        properties = node.get("properties", {})
        for name in node.get("required", []):
            if name not in instance:
                problems.append(f"{path}: missing {name!r}")
        for name, value in instance.items():
            if name in properties:
                problems += validate(value, properties[name], root, f"{path}.{name}")
            elif node.get("additionalProperties") is False:
                problems.append(f"{path}: unexpected {name!r}")
    if isinstance(instance, list) and "items" in node:
        for index, item in enumerate(instance):
            problems += validate(item, node["items"], root, f"{path}[{index}]")
    return problems


def response_schema(path: str, status: int = 200) -> dict:
    document = schema()
    return document["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"][
        "schema"
    ]
