"""The kinds of record that go in and out in bulk: establishments, inspections, reports, cases.

Each kind is described once, here, and every part of the exchange looks it up in KINDS: the
raw exports and the API read the same columns in the same order, and the OpenAPI description
takes each column's JSON type from the same entry, so none of them can drift from the others.

A kind's columns are the import template's first, so an export can be read side by side with
its template, then facts that help reading it (names, the province, the deadline the app
computes). Filters and the rows a user may see are the records list's own (its FilterSet and
selector in localities), so an export or an API page holds exactly what the list shows.

The import side (label, import columns, importer) is read from exchange.imports when it is
asked for, not when this module is loaded: exchange.imports reads the export columns as it
loads.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import models

from localities import filters, selectors
from localities.models import (
    Case,
    CaseArticle,
    Establishment,
    Inspection,
    InspectionOutcome,
    InspectionTeam,
    Line,
    Report,
    ReportOutcome,
)

# JSON Schema of the values the API answers with (exchange.openapi describes them).
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}


def choice(choices, *, blank=False) -> dict:
    """One of a TextChoices' values (or, with blank, the empty text)."""
    return {"type": "string", "enum": [str(v) for v in choices.values] + ([""] if blank else [])}


class Column(NamedTuple):
    name: str  # the CSV header and the API's key
    path: str  # what values_list reads
    schema: dict  # its JSON Schema in the API's answers


@dataclass(frozen=True)
class Kind:
    id: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    order: tuple[str, ...]  # of the rows of an export or of the API's pages
    filterset: type[filters.ScopedFilterSet]
    selector: Callable  # user -> the records list's queryset (restricted, annotated)
    list_url: str  # name of the records list's URL
    schema_name: str  # the record's name among the OpenAPI schemas

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def paths(self) -> list[str]:
        return [column.path for column in self.columns]

    @property
    def label(self):
        from exchange import imports

        return imports.KIND_LABELS[self.id]

    @property
    def import_columns(self) -> list[str]:
        from exchange import imports

        return imports.COLUMNS[self.id]

    @property
    def importer(self) -> type:
        from exchange import imports

        return imports.IMPORTERS[self.id]


ESTABLISHMENTS = Kind(
    id="establishments",
    model=Establishment,
    columns=(
        Column("code", "code", TEXT),
        Column("name", "name", TEXT),
        Column("line", "line", choice(Line)),
        Column("commune_code", "commune__code", TEXT),
        Column("address", "address", TEXT),
        Column("permit_number", "permit_number", TEXT),
        Column("opened_on", "opened_on", NULLABLE_DATE),
        Column("closed_on", "closed_on", NULLABLE_DATE),
        Column("in_scope", "in_scope", {"type": "boolean"}),
        Column("commune_name", "commune__name", TEXT),
        Column("province_code", "province__code", TEXT),
        Column("province_name", "province__name", TEXT),
        Column("locality_code_given", "locality_code_given", TEXT),
    ),
    order=("code",),
    filterset=filters.EstablishmentFilter,
    selector=selectors.establishments_for_list,
    list_url="establishment_list",
    schema_name="Establishment",
)

INSPECTIONS = Kind(
    id="inspections",
    model=Inspection,
    columns=(
        Column("establishment_code", "establishment__code", TEXT),
        Column("inspected_on", "inspected_on", DATE),
        Column("team", "team", choice(InspectionTeam)),
        Column("outcome", "outcome", choice(InspectionOutcome)),
        Column("fine_vnd", "fine_vnd", {"type": "integer", "minimum": 0}),
        Column("violations", "violations", TEXT),
        Column("notes", "notes", TEXT),
        Column("establishment_name", "establishment__name", TEXT),
        Column("commune_code", "establishment__commune__code", TEXT),
        Column("province_code", "establishment__province__code", TEXT),
    ),
    order=("inspected_on", "pk"),
    filterset=filters.InspectionFilter,
    selector=selectors.inspections_for_list,
    list_url="inspection_list",
    schema_name="Inspection",
)

REPORTS = Kind(
    id="reports",
    model=Report,
    columns=(
        Column("reference", "reference", TEXT),
        Column("kind", "kind__code", TEXT),
        Column("locality_code", "locality__code", TEXT),
        Column("received_on", "received_on", DATE),
        Column("verified_on", "verified_on", NULLABLE_DATE),
        Column("classified_on", "classified_on", NULLABLE_DATE),
        Column("handled_on", "handled_on", NULLABLE_DATE),
        Column("outcome", "outcome", choice(ReportOutcome, blank=True)),
        Column("extended_until", "extended_until", NULLABLE_DATE),
        Column("summary", "summary", TEXT),
        Column("deadline", "deadline", DATE),
        Column("extension_reason", "extension_reason", TEXT),
        Column("locality_name", "locality__name", TEXT),
        Column("province_code", "province__code", TEXT),
    ),
    order=("received_on", "pk"),
    filterset=filters.ReportFilter,
    selector=selectors.reports_for_list,
    list_url="report_list",
    schema_name="Report",
)

CASES = Kind(
    id="cases",
    model=Case,
    columns=(
        Column("reference", "reference", TEXT),
        Column("locality_code", "locality__code", TEXT),
        Column("article", "article", choice(CaseArticle)),
        Column("opened_on", "opened_on", DATE),
        Column("handled_on", "handled_on", NULLABLE_DATE),
        Column("report_reference", "report__reference", NULLABLE_TEXT),
        Column("summary", "summary", TEXT),
        Column("locality_name", "locality__name", TEXT),
        Column("province_code", "province__code", TEXT),
    ),
    order=("opened_on", "pk"),
    filterset=filters.CaseFilter,
    selector=selectors.cases_for_list,
    list_url="case_list",
    schema_name="Case",
)

KINDS: dict[str, Kind] = {kind.id: kind for kind in (ESTABLISHMENTS, INSPECTIONS, REPORTS, CASES)}
