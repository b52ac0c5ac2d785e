"""The kinds of record that go in and out in bulk: establishments, inspections, reports, cases,
activities.

Each kind is described once, here, and every part of the exchange looks it up in KINDS: the
raw exports and the API read the same columns in the same order, and the OpenAPI description
takes each column's JSON type from the same entry, so none of them can drift from the others.

A kind's columns are the import template's first, so an export can be read side by side with
its template, then facts that help reading it (names, the province, the deadline the app
computes). A column names its values_list path only where that is not its name. The rows a
user may see and their filters are those of the kind's records list (the list view's selector
and FilterSet), so an export or an API page holds exactly what the list shows; the model, the
list's URL name and the OpenAPI schema's name follow from it. The kind's importer
(exchange.imports.importers) says its label, the import template's columns and how a file of
the kind is read.

Each column has a heading too, as the import page and the template's instructions show it:
the model field's verbose name, or the column's own where that would be ambiguous (the code
and the name of a commune). A file's header may name a column by its code or by its heading
in Vietnamese or in English (header_words).
"""

import functools
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from exchange.imports.cells import in_languages, normalise
from exchange.imports.engine import Importer
from exchange.imports.importers import (
    ActivityImporter,
    CaseImporter,
    EstablishmentImporter,
    InspectionImporter,
    ReportImporter,
)
from localities.models import (
    ActivityAudience,
    ActivityKind,
    ActivityMedium,
    AgeBand,
    CaseArticle,
    InspectionOutcome,
    InspectionTeam,
    Line,
    Modus,
    ReportOutcome,
)
from localities.views.lists import (
    ActivityList,
    CaseList,
    EstablishmentList,
    InspectionList,
    RecordList,
    ReportList,
)

# JSON Schema of the values the API answers with (exchange.openapi describes them).
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
BOOLEAN = {"type": "boolean"}


def choice(choices, *, blank=False) -> dict:
    """One of a TextChoices' values (or, with blank, the empty text)."""
    return {"type": "string", "enum": [str(v) for v in choices.values] + ([""] if blank else [])}


class Column(NamedTuple):
    name: str  # the CSV header and the API's key
    schema: dict  # its JSON Schema in the API's answers
    lookup: str = ""  # what values_list reads, where that is not the name
    heading: object = None  # its heading, where the model field's verbose name is not it

    @property
    def path(self) -> str:
        return self.lookup or self.name


@dataclass(frozen=True)
class Kind:
    id: str
    # The records list an export mirrors: its selector gives the rows a user may see (restricted,
    # with the annotations its filters use), its FilterSet the filters.
    records_list: type[RecordList]
    order: tuple[str, ...]  # of the rows of an export or of the API's pages
    columns: tuple[Column, ...]
    importer: type[Importer]

    @property
    def selector(self):
        return self.records_list.selector

    @property
    def filterset(self):
        return self.records_list.filterset_class

    @property
    def model(self):
        return self.filterset._meta.model

    @property
    def list_url(self) -> str:
        """The name of the records list's URL (localities names them <model>_list)."""
        return f"{self.model._meta.model_name}_list"

    @property
    def schema_name(self) -> str:
        """The record's name among the OpenAPI schemas."""
        return self.model.__name__

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def paths(self) -> list[str]:
        return [column.path for column in self.columns]

    @property
    def label(self):
        return self.importer.label

    def heading(self, name: str):
        """The heading of the column `name` (translatable), as the import page shows it."""
        column = next(c for c in self.columns if c.name == name)
        if column.heading is not None:
            return column.heading
        return capfirst(self.model._meta.get_field(column.path.split("__")[0]).verbose_name)

    def header_words(self) -> dict[str, str]:
        """{normalised word: column} for a file's header: each column's code and its heading
        in Vietnamese and in English. ValueError if one word would name two columns."""
        return _header_words(self.id)

    @property
    def import_columns(self) -> list[str]:
        return self.importer.columns

    @property
    def export_only_columns(self) -> list[str]:
        """The columns an export adds after the template's, for reading (names, the province,
        the deadline the app computes): a file exported, edited and imported again may keep
        them; they are ignored, never written."""
        return [name for name in self.column_names if name not in self.import_columns]


@functools.cache
def _header_words(kind_id: str) -> dict[str, str]:
    kind = KINDS[kind_id]
    words: dict[str, str] = {}
    for column in kind.columns:
        for word in (column.name, *in_languages(kind.heading(column.name))):
            if words.setdefault(normalise(word), column.name) != column.name:
                raise ValueError(f"{kind.id}: the heading “{word}” names two columns")
    return words


COMMUNE_CODE = _("Commune code")
PROVINCE_CODE = _("Province code")
PROVINCE_NAME = _("Province name")
LOCALITY_CODE = _("Locality code")
LOCALITY_NAME = _("Locality name")

ESTABLISHMENT_COLUMNS = (
    Column("code", TEXT),
    Column("name", TEXT),
    Column("line", choice(Line)),
    Column("commune_code", TEXT, "commune__code", COMMUNE_CODE),
    Column("address", TEXT),
    Column("permit_number", TEXT),
    Column("opened_on", NULLABLE_DATE),
    Column("closed_on", NULLABLE_DATE),
    Column("in_scope", BOOLEAN),
    Column("commune_name", TEXT, "commune__name", _("Commune name")),
    Column("province_code", TEXT, "province__code", PROVINCE_CODE),
    Column("province_name", TEXT, "province__name", PROVINCE_NAME),
    Column("locality_code_given", TEXT),
)
INSPECTION_COLUMNS = (
    Column("establishment_code", TEXT, "establishment__code", _("Establishment code")),
    Column("inspected_on", DATE),
    Column("team", choice(InspectionTeam)),
    Column("outcome", choice(InspectionOutcome)),
    Column("fine_vnd", {"type": "integer", "minimum": 0}),
    Column("violations", TEXT),
    Column("notes", TEXT),
    Column("establishment_name", TEXT, "establishment__name", _("Establishment name")),
    Column("commune_code", TEXT, "establishment__commune__code", COMMUNE_CODE),
    Column("province_code", TEXT, "establishment__province__code", PROVINCE_CODE),
)
REPORT_COLUMNS = (
    Column("reference", TEXT),
    Column("kind", TEXT, "kind__code", _("Report kind")),
    Column("locality_code", TEXT, "locality__code", LOCALITY_CODE),
    Column("received_on", DATE),
    Column("verified_on", NULLABLE_DATE),
    Column("classified_on", NULLABLE_DATE),
    Column("handled_on", NULLABLE_DATE),
    Column("outcome", choice(ReportOutcome, blank=True)),
    Column("extended_until", NULLABLE_DATE),
    Column("extension_decided_on", NULLABLE_DATE),
    Column("extension_decision_no", TEXT),
    Column("extension_decided_by", TEXT),
    Column("summary", TEXT),
    Column("deadline", DATE),
    Column("extension_reason", TEXT),
    Column("locality_name", TEXT, "locality__name", LOCALITY_NAME),
    Column("province_code", TEXT, "province__code", PROVINCE_CODE),
)
CASE_COLUMNS = (
    Column("reference", TEXT),
    Column("locality_code", TEXT, "locality__code", LOCALITY_CODE),
    Column("article", choice(CaseArticle)),
    Column("opened_on", DATE, "", _("Date the case was opened")),
    Column("handled_on", NULLABLE_DATE),
    # Only a report the reader may see (CaseQuerySet.with_report_seen_by on the list's rows).
    Column("report_reference", NULLABLE_TEXT, "seen_report_reference", _("Report reference")),
    Column("modus", choice(Modus, blank=True)),
    Column("foreign_element", BOOLEAN),
    Column("minors_involved", BOOLEAN),
    Column("youngest_age_band", choice(AgeBand, blank=True)),
    Column("line_dismantled", BOOLEAN),
    Column("summary", TEXT),
    Column("locality_name", TEXT, "locality__name", LOCALITY_NAME),
    Column("province_code", TEXT, "province__code", PROVINCE_CODE),
)

ACTIVITY_COLUMNS = (
    Column("reference", TEXT),
    Column("commune_code", TEXT, "commune__code", COMMUNE_CODE),
    Column("held_on", DATE),
    Column("kind", choice(ActivityKind)),
    Column("form", choice(ActivityMedium)),
    Column("audience", choice(ActivityAudience)),
    Column("people_reached", {"type": "integer", "minimum": 0}),
    Column("title", TEXT),
    Column("notes", TEXT),
    Column("commune_name", TEXT, "commune__name", _("Commune name")),
    Column("province_code", TEXT, "province__code", PROVINCE_CODE),
    Column("locality_code_given", TEXT),
)

KINDS: dict[str, Kind] = {
    kind.id: kind
    for kind in (
        Kind(
            "establishments",
            EstablishmentList,
            ("code",),
            ESTABLISHMENT_COLUMNS,
            EstablishmentImporter,
        ),
        Kind(
            "inspections",
            InspectionList,
            ("inspected_on", "pk"),
            INSPECTION_COLUMNS,
            InspectionImporter,
        ),
        Kind("reports", ReportList, ("received_on", "pk"), REPORT_COLUMNS, ReportImporter),
        Kind("cases", CaseList, ("opened_on", "pk"), CASE_COLUMNS, CaseImporter),
        Kind("activities", ActivityList, ("held_on", "pk"), ACTIVITY_COLUMNS, ActivityImporter),
    )
}
