"""The importers of the four kinds of file: each says its label, its columns and an example row,
how a row is parsed, its key and what it refers to; exchange.kinds names each kind's importer.
Below them, the help and blank templates (CSV, and XLSX with its instructions) shown on the
import page, for a kind of exchange.kinds."""

import csv
import io
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.imports.cells import (
    choices_text,
    normalise,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_count,
    parse_date,
)
from exchange.imports.engine import Importer
from localities.forms import (
    CASE_KIND_FIELDS,
    ActivityForm,
    CaseForm,
    EstablishmentForm,
    InspectionForm,
    ReportForm,
)
from localities.models import (
    Activity,
    ActivityAudience,
    ActivityKind,
    ActivityMedium,
    AgeBand,
    Case,
    CaseArticle,
    Establishment,
    Inspection,
    InspectionOutcome,
    InspectionTeam,
    Line,
    Modus,
    Report,
    ReportExtension,
    ReportKind,
    ReportOutcome,
)
from localities.models.reports import LIFE
from localities.services import EXTENSION_FIELDS, report_extensions_record

if TYPE_CHECKING:
    from exchange.kinds import Kind


class EstablishmentImporter(Importer):
    kind = "establishments"
    label = gettext_lazy("Establishments")
    columns = [
        "code",
        "name",
        "line",
        "commune_code",
        "address",
        "permit_number",
        "opened_on",
        "closed_on",
        "in_scope",
    ]
    examples = {
        "code": "HN-KS-0001",
        "name": "Khách sạn Hoa Sen",
        "line": "accommodation",
        "commune_code": "00004",
        "address": "12 Phố Đội Cấn",
        "permit_number": "123/GCN-ANTT",
        "opened_on": "15/03/2019",
        "closed_on": "",
        "in_scope": "true",
    }
    model = Establishment
    key_column = "code"
    taken_message = EstablishmentForm._meta.error_messages["code"]["unique"]
    field_columns = {"commune": "commune_code", "locality_code_given": "commune_code"}
    fields = [
        "name",
        "line",
        "commune",
        "locality_code_given",
        "address",
        "permit_number",
        "opened_on",
        "closed_on",
        "in_scope",
    ]
    checked_here = ["commune"]
    validated_here = ["line", "opened_on", "closed_on", "in_scope"]

    def parse(self, row):
        t = row.text
        code = t.get("code", "")
        if not code:
            self.error(row, "code", _("Required: enter the establishment's registry code."))
        commune, given = self.place(row, "commune_code", communes_only=True)
        row.values = {
            "code": code,
            "name": t.get("name", ""),
            "line": self.cell(row, "line", parse_choice, Line),
            "commune": commune,
            "locality_code_given": given,
            "address": t.get("address", ""),
            "permit_number": t.get("permit_number", ""),
            "opened_on": self.cell(row, "opened_on", parse_date),
            "closed_on": self.cell(row, "closed_on", parse_date),
            "in_scope": self.cell(row, "in_scope", parse_bool, True),
        }
        if code:
            row.key = code

    def existing(self, keys):
        objects = Establishment.objects.filter(code__in=keys).select_related("commune")
        return {o.code: o for o in objects}


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


class FoundEstablishment:
    """An establishment a row refers to, as read: its key and opening date, and the record
    itself (as the database's, Model.from_db) made only when asked for."""

    __slots__ = ("id", "opened_on", "names", "values", "made")

    def __init__(self, names: list[str], values: tuple):
        self.names = names
        self.values = values
        self.id = values[names.index(Establishment._meta.pk.attname)]
        self.opened_on = values[names.index("opened_on")]
        self.made = None

    def record(self) -> Establishment:
        """The record, one for all the rows that refer to it."""
        if self.made is None:
            self.made = Establishment.from_db(connection.alias, self.names, self.values)
        return self.made


class InspectionImporter(Importer):
    kind = "inspections"
    label = gettext_lazy("Inspections")
    columns = [
        "establishment_code",
        "inspected_on",
        "team",
        "outcome",
        "fine_vnd",
        "violations",
        "notes",
    ]
    examples = {
        "establishment_code": "HN-KS-0001",
        "inspected_on": "20/05/2025",
        "team": "interagency",
        "outcome": "violation",
        "fine_vnd": "7500000",
        "violations": "Không đăng ký lưu trú",
        "notes": "",
    }
    model = Inspection
    key_column = "establishment_code"
    taken_message = InspectionForm._meta.error_messages[NON_FIELD_ERRORS]["unique_together"]
    field_columns = {"establishment": "establishment_code"}
    fields = ["team", "outcome", "fine_vnd", "violations", "notes"]
    checked_here = ["establishment"]
    validated_here = ["inspected_on", "team", "outcome"]
    plain_new = True

    def rule_errors(self, row, values):
        return Inspection.rule_errors(
            inspected_on=values["inspected_on"],
            opened_on=row.values["establishment"].opened_on,
            outcome=values["outcome"],
            fine_vnd=values["fine_vnd"],
            violations=values["violations"],
        )

    def parse(self, row):
        t = row.text
        inspected_on = self.cell(row, "inspected_on", parse_date)
        if not t.get("inspected_on"):
            self.error(row, "inspected_on", _("Required: enter the inspection date."))
        if not t.get("establishment_code"):
            self.error(row, "establishment_code", _("Required: enter the establishment's code."))
        row.values = {
            "inspected_on": inspected_on,
            "team": self.cell(row, "team", parse_choice, InspectionTeam),
            "outcome": self.cell(row, "outcome", parse_choice, InspectionOutcome),
            "fine_vnd": self.cell(row, "fine_vnd", parse_amount),
            "violations": t.get("violations", ""),
            "notes": t.get("notes", ""),
        }

    def resolve_refs(self, rows):
        codes = {r.text.get("establishment_code") for r in rows if r.text.get("establishment_code")}
        # Read as bare values: a new row's checks need only the key and the opening date, and
        # a record is made (make_records) only for a row checked as one, from the fields its
        # checks read (the rest would be read if ever asked for, as a deferred field is).
        # In the order of the model's fields, as from_db takes them.
        wanted = {"id", "code", "name", "opened_on", "province_id"}
        names = [f.attname for f in Establishment._meta.concrete_fields if f.attname in wanted]
        code = names.index("code")
        scoped = self.scoped(Establishment)
        if connection.vendor == "postgresql":
            # The codes as one array parameter rather than a placeholder each.
            column = f"{quote(Establishment._meta.db_table)}.{quote('code')}"
            scoped = scoped.filter(
                RawSQL(f"{column} = ANY(%s)", (list(codes),), output_field=BooleanField())
            )
        else:
            scoped = scoped.filter(code__in=codes)
        found = {
            values[code]: FoundEstablishment(names, values) for values in scoped.values_list(*names)
        }
        for row in rows:
            code = row.text.get("establishment_code")
            if not code:
                continue
            establishment = found.get(code)
            if establishment is None:
                self.error(
                    row,
                    "establishment_code",
                    _("No establishment has the registry code %(code)s in your area.")
                    % {"code": code},
                )
                continue
            row.values["establishment"] = establishment
            if row.values["inspected_on"]:
                row.key = (establishment.id, row.values["inspected_on"])
                row.refs["code"] = code

    def make_records(self, row):
        found = row.values.get("establishment")
        if isinstance(found, FoundEstablishment):
            row.values["establishment"] = found.record()

    def describe_key(self, row):
        return f"{row.refs.get('code')} {row.values['inspected_on']:%d/%m/%Y}"

    def key_text(self, key):
        establishment_id, inspected_on = key
        return f"{establishment_id}:{inspected_on.isoformat()}"

    def existing(self, keys):
        if not keys:
            return {}
        if connection.vendor == "postgresql":
            # The exact pairs, joined to the pairs wanted as two arrays.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT i.id FROM {Inspection._meta.db_table} i "
                    "JOIN unnest(%s::bigint[], %s::date[]) AS k (establishment_id, inspected_on) "
                    "ON i.establishment_id = k.establishment_id "
                    "AND i.inspected_on = k.inspected_on",
                    [[k[0] for k in keys], [k[1] for k in keys]],
                )
                pks = [pk for (pk,) in cursor.fetchall()]
        else:
            wanted = set(keys)
            # The establishments × the dates is a cross product of the pairs wanted (~2.5 rows
            # a key): read it as bare tuples, and whole records only for the pairs in the file.
            pairs = (
                Inspection.objects.filter(
                    establishment_id__in={k[0] for k in keys},
                    inspected_on__in={k[1] for k in keys},
                )
                .order_by()
                .values_list("pk", "establishment_id", "inspected_on")
            )
            pks = [pk for pk, establishment_id, day in pairs if (establishment_id, day) in wanted]
        if not pks:
            return {}
        objects = Inspection.objects.filter(pk__in=pks).order_by()
        return {(o.establishment_id, o.inspected_on): o for o in objects}

    def in_scope_pks(self, objects):
        # The key holds the establishment, already found within the scope.
        return {o.pk for o in objects}


class ReportImporter(Importer):
    kind = "reports"
    label = gettext_lazy("Reports")
    columns = [
        "reference",
        "kind",
        "locality_code",
        *LIFE,
        "outcome",
        "extended_until",
        "extension_decided_on",
        "extension_decision_no",
        "extension_decided_by",
        "summary",
    ]
    examples = {
        "reference": "TB-2025-001",
        "kind": "crime_denunciation",
        "locality_code": "00004",
        "received_on": "02/06/2025",
        "verified_on": "05/06/2025",
        "classified_on": "06/06/2025",
        "handled_on": "18/06/2025",
        "outcome": "case_opened",
        "extended_until": "",
        "extension_decided_on": "",
        "extension_decision_no": "",
        "extension_decided_by": "",
        "summary": "",
    }
    model = Report
    key_column = "reference"
    taken_message = ReportForm._meta.error_messages["reference"]["unique"]
    field_columns = {
        "locality": "locality_code",
        "locality_code_given": "locality_code",
        # The extension decision's fields (ReportExtension) and their columns.
        "decided_on": "extension_decided_on",
        "decision_no": "extension_decision_no",
        "decided_by": "extension_decided_by",
    }
    fields = [
        "kind",
        "locality",
        "locality_code_given",
        *LIFE,
        "outcome",
        "summary",
    ]
    # A new extension is copied onto its report (Report.apply_extension) and written with it.
    also_written = EXTENSION_FIELDS
    checked_here = ["locality", "kind"]
    validated_here = [*LIFE, "outcome"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        kinds = list(ReportKind.objects.all())
        # A kind by its code, or by its name in Vietnamese or in English (compared as the
        # choices are: exchange.imports.cells.normalise).
        self.kinds = {}
        for kind in kinds:
            for word in (kind.name_en, kind.name, kind.code):
                if word:
                    self.kinds[normalise(word)] = kind
        self.kind_choices = _report_kinds_text(kinds)
        # The latest extension of each report of the chunk, and the chunk's new decisions.
        self.latest: dict = {}
        self.new_extensions: list[ReportExtension] = []

    def parse(self, row):
        t = row.text
        reference = t.get("reference", "")
        if not reference:
            self.error(row, "reference", _("Required: enter the report's reference."))
        kind = self.kinds.get(normalise(t.get("kind", "")))
        if kind is None:
            self.error(
                row,
                "kind",
                _("“%(value)s” is not allowed here: write one of %(choices)s.")
                % {"value": t.get("kind", ""), "choices": self.kind_choices},
            )
        locality, given = self.place(row, "locality_code", communes_only=False)
        received_on = self.cell(row, "received_on", parse_date)
        if not t.get("received_on"):
            self.error(row, "received_on", _("Required: enter the date the report was received."))
        outcome = t.get("outcome", "")
        row.values = {
            "reference": reference,
            "kind": kind,
            "locality": locality,
            "locality_code_given": given,
            "received_on": received_on,
            "verified_on": self.cell(row, "verified_on", parse_date),
            "classified_on": self.cell(row, "classified_on", parse_date),
            "handled_on": self.cell(row, "handled_on", parse_date),
            "outcome": self.cell(row, "outcome", parse_choice, ReportOutcome) if outcome else "",
            "summary": t.get("summary", ""),
        }
        extended_until = self.cell(row, "extended_until", parse_date)
        decision = {
            "decided_on": self.cell(row, "extension_decided_on", parse_date),
            "decision_no": t.get("extension_decision_no", ""),
            "decided_by": t.get("extension_decided_by", ""),
        }
        if extended_until:
            row.refs["extension"] = {"extended_until": extended_until, **decision}
        elif any(decision.values()):
            self.error(
                row,
                "extended_until",
                _("Enter the date the extension runs to, or leave the decision empty."),
            )
        if reference:
            row.key = reference

    def existing(self, keys):
        found = {o.reference: o for o in Report.objects.filter(reference__in=keys)}
        self.latest = {}
        self.new_extensions = []
        extensions = ReportExtension.objects.filter(report__in=list(found.values()))
        for extension in extensions.order_by("sequence"):
            self.latest[extension.report_id] = extension
        return found

    def other_changes(self, obj, row):
        """The file holds a report's latest extension: a date other than the one recorded is
        a new extension decision (the next one); the same date changes nothing, whatever its
        decision columns say. An empty date never removes an extension."""
        extension = row.refs.get("extension")
        if extension and extension["extended_until"] != obj.extended_until:
            return ["extended_until"]
        if not extension and obj.extended_until:
            self.error(
                row,
                "extended_until",
                _(
                    "This report has an extension until %(date)s: an import adds extensions "
                    "but never removes one. Keep the date as it is."
                )
                % {"date": date_format(obj.extended_until, "SHORT_DATE_FORMAT")},
            )
        return []

    def check_row(self, obj, row):
        extension = row.refs.get("extension")
        if not extension or extension["extended_until"] == obj.extended_until:
            return
        previous = self.latest.get(obj.pk) if obj.pk else None
        decision = ReportExtension(
            report=obj,
            sequence=previous.sequence + 1 if previous else 1,
            decided_on=extension["decided_on"],
            decision_no=extension["decision_no"],
            decided_by=extension["decided_by"],
            extended_until=extension["extended_until"],
        )
        decision.previous = previous
        decision.full_clean(exclude=["report", "counted_from"], validate_unique=False)
        obj.apply_extension(decision)
        self.new_extensions.append(decision)

    def written(self, new, changed):
        """The chunk's new extension decisions, through the one service that writes them."""
        decisions, self.new_extensions = self.new_extensions, []
        report_extensions_record(user=self.user, extensions=decisions, reports_written=True)


class CaseImporter(Importer):
    kind = "cases"
    label = gettext_lazy("Cases")
    columns = [
        "reference",
        "locality_code",
        "article",
        "opened_on",
        "handled_on",
        "report_reference",
        *CASE_KIND_FIELDS,
    ]
    examples = {
        "reference": "VA-2025-001",
        "locality_code": "00004",
        "article": "327",
        "opened_on": "18/06/2025",
        "handled_on": "",
        "report_reference": "TB-2025-001",
        "modus": "online_social_network",
        "foreign_element": "không",
        "minors_involved": "có",
        "youngest_age_band": "under_16",
        "line_dismantled": "có",
    }
    model = Case
    key_column = "reference"
    taken_message = CaseForm._meta.error_messages["reference"]["unique"]
    field_columns = {
        "locality": "locality_code",
        "locality_code_given": "locality_code",
        "report": "report_reference",
    }
    fields = [
        "locality",
        "locality_code_given",
        "article",
        "opened_on",
        "handled_on",
        "report",
        *CASE_KIND_FIELDS,
    ]
    checked_here = ["locality", "report"]
    validated_here = ["article", "opened_on", "handled_on", *CASE_KIND_FIELDS]

    def parse(self, row):
        t = row.text
        reference = t.get("reference", "")
        if not reference:
            self.error(row, "reference", _("Required: enter the case reference."))
        locality, given = self.place(row, "locality_code", communes_only=False)
        opened_on = self.cell(row, "opened_on", parse_date)
        if not t.get("opened_on"):
            self.error(row, "opened_on", _("Required: enter the date the case was opened."))
        row.values = {
            "reference": reference,
            "locality": locality,
            "locality_code_given": given,
            "article": self.cell(row, "article", parse_choice, CaseArticle),
            "opened_on": opened_on,
            "handled_on": self.cell(row, "handled_on", parse_date),
            "report": None,
            "modus": self.cell(row, "modus", parse_choice, Modus) if t.get("modus") else "",
            "foreign_element": self.cell(row, "foreign_element", parse_bool, False),
            "minors_involved": self.cell(row, "minors_involved", parse_bool, False),
            "youngest_age_band": (
                self.cell(row, "youngest_age_band", parse_choice, AgeBand)
                if t.get("youngest_age_band")
                else ""
            ),
            "line_dismantled": self.cell(row, "line_dismantled", parse_bool, False),
        }
        if reference:
            row.key = reference

    def resolve_refs(self, rows):
        references = {r.text["report_reference"] for r in rows if r.text.get("report_reference")}
        found = {
            r.reference: r
            for r in self.scoped(Report)
            .filter(reference__in=references)
            .only("pk", "reference", "received_on", "locality_id", "province_id")
        }
        for row in rows:
            reference = row.text.get("report_reference")
            if not reference:
                continue
            report = found.get(reference)
            if report is None:
                self.error(
                    row,
                    "report_reference",
                    _("No report has the reference %(reference)s in your area.")
                    % {"reference": reference},
                )
            row.values["report"] = report

    def existing(self, keys):
        return {o.reference: o for o in Case.objects.filter(reference__in=keys)}


class ActivityImporter(Importer):
    kind = "activities"
    label = gettext_lazy("Activities")
    columns = [
        "reference",
        "commune_code",
        "held_on",
        "kind",
        "form",
        "audience",
        "people_reached",
        "title",
        "notes",
    ]
    examples = {
        "reference": "TT-2026-001",
        "commune_code": "00004",
        "held_on": "15/03/2026",
        "kind": "communication",
        "form": "meeting",
        "audience": "residents",
        "people_reached": "120",
        "title": "Họp tổ dân phố về phòng, chống mại dâm",
        "notes": "",
    }
    model = Activity
    key_column = "reference"
    taken_message = ActivityForm._meta.error_messages["reference"]["unique"]
    field_columns = {"commune": "commune_code", "locality_code_given": "commune_code"}
    fields = [
        "commune",
        "locality_code_given",
        "held_on",
        "kind",
        "form",
        "audience",
        "people_reached",
        "title",
        "notes",
    ]
    checked_here = ["commune"]
    validated_here = ["held_on", "kind", "form", "audience"]

    def parse(self, row):
        t = row.text
        reference = t.get("reference", "")
        if not reference:
            self.error(row, "reference", _("Required: enter the activity reference."))
        commune, given = self.place(row, "commune_code", communes_only=True)
        held_on = self.cell(row, "held_on", parse_date)
        if not t.get("held_on"):
            self.error(row, "held_on", _("Required: enter the date the activity was held."))
        if not t.get("title"):
            self.error(row, "title", _("Required: enter the activity's title."))
        row.values = {
            "reference": reference,
            "commune": commune,
            "locality_code_given": given,
            "held_on": held_on,
            "kind": self.cell(row, "kind", parse_choice, ActivityKind),
            "form": self.cell(row, "form", parse_choice, ActivityMedium),
            "audience": self.cell(row, "audience", parse_choice, ActivityAudience),
            "people_reached": self.cell(row, "people_reached", parse_count),
            "title": t.get("title", ""),
            "notes": t.get("notes", ""),
        }
        if reference:
            row.key = reference

    def existing(self, keys):
        return {o.reference: o for o in Activity.objects.filter(reference__in=keys)}


def column_help(kind: "Kind") -> list[tuple[str, str, str]]:
    """(column, its heading, what to write) for the import page and the template's
    instructions; a choice lists its codes with their labels, either of which may be written."""
    date = _("date, dd/mm/yyyy or YYYY-MM-DD")
    locality = _(
        "locality code: 5 digits for a commune or 2 for a province (2025 scheme); an old code "
        "as 2004:xxxxx"
    )
    texts = {
        "code": _("registry code, unique nationwide (required)"),
        "name": _("name (required)"),
        "line": choices_text(Line.choices),
        "commune_code": _("commune code: 5 digits (2025 scheme), or 2004:xxxxx for an old one"),
        "address": _("address"),
        "permit_number": _("security and order permit number, if any"),
        "opened_on": date,
        "closed_on": date,
        "in_scope": _("có or không, or true or false (empty = có)"),
        "establishment_code": _("the establishment's registry code (required)"),
        "inspected_on": date + " " + _("(required)"),
        "team": choices_text(InspectionTeam.choices),
        "outcome": choices_text(InspectionOutcome.choices)
        if kind.id == "inspections"
        else choices_text(ReportOutcome.choices) + " " + _("(with handled_on)"),
        "fine_vnd": _("administrative fine in VND, a whole number (empty = 0)"),
        "violations": _("violations found"),
        "notes": _("notes"),
        "reference": _("reference, unique nationwide (required)"),
        "kind": _report_kinds_text(),
        "locality_code": locality,
        "received_on": date + " " + _("(required)"),
        "verified_on": date,
        "classified_on": date,
        "handled_on": date,
        "extended_until": date
        + " "
        + _(
            "(only with a decided extension): the latest extension. A date other than the "
            "one recorded adds the report's next extension, with its decision in the next "
            "three columns; the same date changes nothing; an extension is never removed "
            "by an import."
        ),
        "extension_decided_on": date
        + " "
        + _(
            "the extension's decision date (required with a new extension): on or before "
            "the deadline it extends."
        ),
        "extension_decision_no": _(
            "the extension decision's number (required with a new extension)"
        ),
        "extension_decided_by": _("the authority that decided the extension"),
        "summary": _("summary (never the reporter's identity)"),
        "article": choices_text(CaseArticle.choices),
        "report_reference": _("reference of the report the case was born from, if any"),
        "modus": choices_text(Modus.choices)
        + " "
        + _("(empty = not recorded; the first three count as online)"),
        "foreign_element": _("có or không, or true or false (empty = không)"),
        "minors_involved": _("có or không, or true or false (empty = không)"),
        "youngest_age_band": choices_text(AgeBand.choices)
        + " "
        + _("(required when minors are involved, empty otherwise)"),
        "line_dismantled": _("có or không, or true or false (empty = không)"),
        "held_on": date + " " + _("(required)"),
        "form": choices_text(ActivityMedium.choices),
        "audience": choices_text(ActivityAudience.choices),
        "people_reached": _("people reached, a whole number (empty = 0)"),
        "title": _("title (required)"),
    }
    if kind.id == "activities":
        texts["kind"] = choices_text(ActivityKind.choices)
    return [
        (column, str(kind.heading(column)), str(texts[column])) for column in kind.import_columns
    ]


def _report_kinds_text(kinds=None) -> str:
    """The report kinds as an error message and the instructions list them: each code with
    its name in the user's language."""
    english = (translation.get_language() or "").startswith("en")
    return choices_text(
        (k.code, (k.name_en or k.name) if english else k.name)
        for k in (kinds if kinds is not None else ReportKind.objects.all())
    )


def template_csv(kind: "Kind") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(kind.import_columns)
    # A BOM, so Excel opens the file as UTF-8 and shows the diacritics.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: "Kind") -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = kind.id
    sheet.append(kind.import_columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(kind.import_columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
        # Codes and dates as text, so Excel keeps leading zeros ("00004") and the day first.
        if column.endswith(("code", "_on", "_no")) or column == "extended_until":
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    guide = workbook.create_sheet(_("Instructions"))
    guide.append([_("Column"), _("Heading"), _("What to write"), _("Example")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column, heading, text in column_help(kind):
        guide.append([column, heading, text, kind.importer.examples.get(column, "")])
    guide.append([])
    guide.append(
        [
            _(
                "Fill the first sheet from its second row. Its header row may name each column "
                "by its code or by its heading, in Vietnamese or in English; a choice may be "
                "written as its code or its label. Only the first sheet is read."
            )
        ]
    )
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 30
    guide.column_dimensions["C"].width = 90
    guide.column_dimensions["D"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
