"""Exports: the compliance table (CSV, XLSX), and raw records streamed for administrators.

Raw exports keep memory flat whatever their size: rows come from `values_list(...)
.iterator(chunk_size=2000)` (a server-side cursor on PostgreSQL), and both CSV and XLSX
(exchange.xlsx_stream) are streamed to the client in blocks as the rows are read. The
reporter's identity (ReporterIdentity) is never among the columns: it is another table, and no
path below reaches it.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from exchange.models import ExportLog
from localities.models import Case, Establishment, Inspection, Report
from plan_tracker import metrics
from plan_tracker.compliance_io import write_csv
from plan_tracker.models import Metric
from plan_tracker.status import Status

STREAM_CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# -- the compliance table ----------------------------------------------------------------------

COLUMN_LABELS = {
    "locality_code": gettext_lazy("Locality code"),
    "locality_name": gettext_lazy("Locality"),
    "level": gettext_lazy("Level"),
    "year": gettext_lazy("Year"),
    "as_of": gettext_lazy("As of"),
    "establishments_operating": gettext_lazy("Establishments operating in the year"),
    "inspected_in_year": gettext_lazy("Inspected in the year"),
    "inspected_in_year_pct": gettext_lazy("Inspected in the year (%)"),
    "establishments_open_at_end": gettext_lazy("Establishments open at the end"),
    "inspected_since_plan_start": gettext_lazy("Inspected since the plan began"),
    "coverage_pct": gettext_lazy("Coverage since the plan began (%)"),
    "reports_received": gettext_lazy("Reports received"),
    "reports_handled": gettext_lazy("Reports handled"),
    "reports_handled_on_time": gettext_lazy("Reports handled on time"),
    "reports_pending": gettext_lazy("Reports pending, still in time"),
    "reports_overdue": gettext_lazy("Reports overdue"),
    "reports_on_time_pct": gettext_lazy("Reports handled on time (%)"),
    "cases_handled": gettext_lazy("Cases handled"),
    "cases_handled_prev_year": gettext_lazy("Cases handled the year before"),
    "cases_growth_pct": gettext_lazy("Growth of cases handled (%)"),
}

DEFINITIONS = {
    "establishments_operating": gettext_lazy(
        "In-scope establishments of the locality operating on some day from 1 January of the "
        "year to E (E = the as-of date, or 31 December if earlier)."
    ),
    "inspected_in_year": gettext_lazy(
        "Of those, the ones with at least one inspection dated from 1 January to E."
    ),
    "inspected_in_year_pct": gettext_lazy(
        "Inspected in the year ÷ establishments operating × 100."
    ),
    "establishments_open_at_end": gettext_lazy("In-scope establishments operating on E."),
    "inspected_since_plan_start": gettext_lazy(
        "Of those, the ones with at least one inspection from the plan's first day to E."
    ),
    "coverage_pct": gettext_lazy(
        "Inspected since the plan began ÷ establishments open at the end × 100."
    ),
    "reports_received": gettext_lazy("Reports received from 1 January to E."),
    "reports_handled": gettext_lazy("Of those, handled on or before the as-of date."),
    "reports_handled_on_time": gettext_lazy("Of those, handled on or before their deadline."),
    "reports_pending": gettext_lazy(
        "Received, not handled by the as-of date, deadline not yet passed."
    ),
    "reports_overdue": gettext_lazy("Received, not handled by the as-of date, deadline passed."),
    "reports_on_time_pct": gettext_lazy("Handled on time ÷ (received − pending) × 100."),
    "cases_handled": gettext_lazy("Cases of the locality handled from 1 January to E."),
    "cases_handled_prev_year": gettext_lazy(
        "Cases of the locality handled in the year before (up to the as-of date)."
    ),
    "cases_growth_pct": gettext_lazy(
        "(Cases handled − cases handled the year before) ÷ cases handled the year before × 100."
    ),
}

LEVEL_LABELS = {
    "province": gettext_lazy("Province"),
    "commune": gettext_lazy("Commune"),
    "nation": gettext_lazy("Nation"),
}


def column_label(column: str) -> str:
    if column.startswith("status_"):
        metric = column.removeprefix("status_")
        try:
            name = Metric(metric).label
        except ValueError:
            name = metric
        return _("Status: %(target)s") % {"target": name}
    return str(COLUMN_LABELS.get(column, column))


def compliance_tables(*, user, year, as_of=None, plan=None, locality=None, level=None) -> dict:
    """The tables an export holds, by level: the provinces (with the nation's or the scope's
    total) and the communes. A commune officer gets only the commune level.

    With `level` (a CSV holds one table), only that level's table is computed: "commune", or
    else the provinces — the communes where there is no province level (a commune, a commune
    officer)."""

    def table(of):
        return metrics.compliance_table(
            user=user, year=year, as_of=as_of, plan=plan, level=of, locality=locality
        )

    if level == "commune" or (locality is not None and locality.level == "commune"):
        return {"commune": table("commune")}
    tables = {}
    try:
        tables["province"] = table("province")
    except metrics.OutOfScope:
        if locality is not None:
            raise
    if level is None or not tables:
        tables["commune"] = table("commune")
    return tables


def compliance_csv(table) -> bytes:
    out = io.StringIO()
    write_csv(table, out, total=True)
    return out.getvalue().encode("utf-8")


def _xlsx_value(column, value):
    if value is None:
        return None
    if column == "as_of" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if isinstance(value, Decimal):
        return float(value)
    if column == "level":
        return str(LEVEL_LABELS.get(value, value))
    if column.startswith("status_"):
        try:
            return str(Status(value).label)
        except ValueError:
            return value
    return value


def compliance_xlsx(tables: dict, *, user) -> bytes:
    """A workbook: one sheet per level, frozen Vietnamese header row, number formats, and an
    "About" sheet with the as-of date, the plan and the definitions. Always in Vietnamese."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    any_table = next(iter(tables.values()))
    with override("vi"):
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        bold = Font(bold=True)
        header_fill = PatternFill("solid", fgColor="F2DCDB")
        sheet_names = {"province": _("Provinces"), "commune": _("Communes")}
        for level, table in tables.items():
            sheet = workbook.create_sheet(sheet_names[level])
            sheet.append([column_label(c) for c in table.columns])
            for cell in sheet[1]:
                cell.font = bold
                cell.fill = header_fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[1].height = 48
            for row in table.as_dicts(total=True):
                sheet.append([_xlsx_value(c, row[c]) for c in table.columns])
            last = sheet.max_row
            for cell in sheet[last]:
                cell.font = bold
            for index, column in enumerate(table.columns, start=1):
                letter = sheet.cell(row=1, column=index).column_letter
                if column in metrics.PERCENTAGES:
                    number_format = "0.0"
                elif column in metrics.COUNTS or column == "year":
                    number_format = "#,##0" if column != "year" else "0"
                elif column == "as_of":
                    number_format = "dd/mm/yyyy"
                else:
                    number_format = None
                if number_format:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                        cell.number_format = number_format
                width = 34 if column == "locality_name" else 14
                sheet.column_dimensions[letter].width = width
            sheet.freeze_panes = "C2"
            sheet.auto_filter.ref = sheet.dimensions

        about = workbook.create_sheet(_("About"))
        about.column_dimensions["A"].width = 38
        about.column_dimensions["B"].width = 100
        facts = [
            (_("Report"), _("Compliance with the prostitution prevention and control plan")),
            (_("Plan"), str(any_table.plan)),
            (_("Year"), any_table.year),
            (_("As of"), any_table.as_of),
            (
                _("Area"),
                str(any_table.locality) if any_table.locality else _("Your whole area"),
            ),
            (_("Made on"), date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")),
            (_("Made by"), user.get_username() if user is not None else ""),
        ]
        for label, value in facts:
            about.append([label, value])
            about.cell(row=about.max_row, column=1).font = bold
        about.cell(row=4, column=2).number_format = "dd/mm/yyyy"
        about.append([])
        about.append([_("Targets"), ""])
        about.cell(row=about.max_row, column=1).font = bold
        for target in any_table.targets:
            about.append([target.get_metric_display(), f"≥ {target.threshold}%"])
        about.append([])
        about.append([_("Column"), _("Definition")])
        for cell in about[about.max_row]:
            cell.font = bold
        for column in metrics.FIGURES:
            about.append([column_label(column), str(DEFINITIONS[column])])
            about.cell(row=about.max_row, column=2).alignment = Alignment(wrap_text=True)
        about.append(
            [
                _("Percentages"),
                _(
                    "Empty when the denominator is 0 (not applicable). A larger locality's "
                    "percentage is computed from its summed counts, never as a mean of its "
                    "parts' percentages."
                ),
            ]
        )
        about.append(
            [
                _("Statuses"),
                _(
                    "Met, not met, on track, behind (the year is not over: judged against the "
                    "share of the year elapsed), n/a (nothing to judge)."
                ),
            ]
        )
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()


# -- raw records -------------------------------------------------------------------------------

# (column, path for values_list); the import columns first, so a file can be read side by side
# with its template, then facts that help reading it.
RAW_COLUMNS = {
    "establishments": [
        ("code", "code"),
        ("name", "name"),
        ("line", "line"),
        ("commune_code", "commune__code"),
        ("address", "address"),
        ("permit_number", "permit_number"),
        ("opened_on", "opened_on"),
        ("closed_on", "closed_on"),
        ("in_scope", "in_scope"),
        ("commune_name", "commune__name"),
        ("province_code", "province__code"),
        ("province_name", "province__name"),
        ("locality_code_given", "locality_code_given"),
    ],
    "inspections": [
        ("establishment_code", "establishment__code"),
        ("inspected_on", "inspected_on"),
        ("team", "team"),
        ("outcome", "outcome"),
        ("fine_vnd", "fine_vnd"),
        ("violations", "violations"),
        ("notes", "notes"),
        ("establishment_name", "establishment__name"),
        ("commune_code", "establishment__commune__code"),
        ("province_code", "establishment__province__code"),
    ],
    "reports": [
        ("reference", "reference"),
        ("kind", "kind_id"),
        ("locality_code", "locality__code"),
        ("received_on", "received_on"),
        ("verified_on", "verified_on"),
        ("classified_on", "classified_on"),
        ("handled_on", "handled_on"),
        ("outcome", "outcome"),
        ("extended_until", "extended_until"),
        ("summary", "summary"),
        ("deadline", "deadline"),
        ("extension_reason", "extension_reason"),
        ("locality_name", "locality__name"),
        ("province_code", "province__code"),
    ],
    "cases": [
        ("reference", "reference"),
        ("locality_code", "locality__code"),
        ("article", "article"),
        ("opened_on", "opened_on"),
        ("handled_on", "handled_on"),
        ("report_reference", "report__reference"),
        ("summary", "summary"),
        ("locality_name", "locality__name"),
        ("province_code", "province__code"),
    ],
}
RAW_MODELS = {
    "establishments": Establishment,
    "inspections": Inspection,
    "reports": Report,
    "cases": Case,
}
RAW_ORDER = {
    "establishments": ["code"],
    "inspections": ["inspected_on", "pk"],
    "reports": ["received_on", "pk"],
    "cases": ["opened_on", "pk"],
}


def filterset_class(kind: str):
    """The records list's own FilterSet (localities.filters), so an export is filtered exactly
    like its list."""
    from localities import filters

    return {
        "establishments": filters.EstablishmentFilter,
        "inspections": filters.InspectionFilter,
        "reports": filters.ReportFilter,
        "cases": filters.CaseFilter,
    }[kind]


def list_queryset(kind: str, user):
    """The records list's own selector (restricted to the user, with the annotations its
    filters use, e.g. a report's status)."""
    from localities import selectors

    return {
        "establishments": selectors.establishments_for_list,
        "inspections": selectors.inspections_for_list,
        "reports": selectors.reports_for_list,
        "cases": selectors.cases_for_list,
    }[kind](user)


def filtered_records(kind: str, request, data=None):
    """(queryset restricted to the user and filtered like the list, the filterset)."""
    queryset = list_queryset(kind, request.user)
    filterset = filterset_class(kind)(
        data if data is not None else request.GET, queryset=queryset, request=request
    )
    if filterset.is_bound and not filterset.is_valid():
        return queryset.none(), filterset
    return filterset.qs, filterset


def used_filters(filterset, *, ignore=("format", "page", "sort", "limit", "offset")) -> dict:
    """The filters that were really applied, as plain JSON-able values for the log."""
    if not filterset.is_bound:
        return {}
    result = {}
    for name, value in filterset.data.items():
        if name in ignore or value in ("", None):
            continue
        if name in filterset.filters:
            values = filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else [value]
            result[name] = values[0] if len(values) == 1 else values
    return result


def raw_rows(kind: str, queryset):
    """Tuples in RAW_COLUMNS order, streamed in chunks (constant memory)."""
    paths = [path for _column, path in RAW_COLUMNS[kind]]
    return queryset.order_by(*RAW_ORDER[kind]).values_list(*paths).iterator(chunk_size=STREAM_CHUNK)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def stream_csv(kind: str, rows, log: ExportLog):
    """The CSV in blocks of STREAM_CHUNK rows; the log gets the row count at the end."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write("\ufeff")  # so Excel reads UTF-8
    writer.writerow([column for column, _path in RAW_COLUMNS[kind]])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        count += 1
        if count % STREAM_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
    ExportLog.objects.filter(pk=log.pk).update(row_count=count)


def stream_xlsx(kind: str, rows, log: ExportLog):
    """The workbook in blocks as the rows come (see xlsx_stream); the log gets the row count
    at the end."""
    from exchange.xlsx_stream import stream_xlsx as workbook

    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    yield from workbook([column for column, _path in RAW_COLUMNS[kind]], counted(), sheet_name=kind)
    ExportLog.objects.filter(pk=log.pk).update(row_count=count)


def log_export(*, user, what: str, file_format: str, filters: dict, row_count=None) -> ExportLog:
    return ExportLog.objects.create(
        user=user, what=what, file_format=file_format, filters=filters, row_count=row_count
    )
