"""The compliance table as a file: CSV (one level, as compliance_io writes it) and XLSX (one
sheet per level, always in Vietnamese, with an "About" sheet: the plans, the as-of date and the
definition of every column). The column labels are also the printed report's.

Both hold one row per locality and plan judged (the plans in force in the year for the
selection's locality, or the plan chosen), side by side as compliance_report prints them
(compliance_io.PlansSideBySide): a `plan` column, then a status column per target of any plan."""

import dataclasses
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from localities.models.access import person_name
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.approvals import APPROVED_FIGURES, State, with_approval_columns
from plan_tracker.compliance_io import PlansSideBySide, write_csv
from plan_tracker.formulas import as_text
from plan_tracker.models import Metric
from plan_tracker.selection import Selection
from plan_tracker.status import Status

COLUMN_LABELS = {
    "locality_code": gettext_lazy("Locality code"),
    "locality_name": gettext_lazy("Locality"),
    "level": gettext_lazy("Level"),
    "year": gettext_lazy("Year"),
    "as_of": gettext_lazy("As of"),
    "plan": gettext_lazy("Plan"),
    "establishments_operating": gettext_lazy("Establishments operating in the year"),
    "inspected_in_year": gettext_lazy("Inspected in the year"),
    "inspected_in_year_pct": gettext_lazy("Inspected in the year (%)"),
    "establishments_open_at_end": gettext_lazy("Establishments open at the end"),
    "inspected_since_plan_start": gettext_lazy("Inspected since the plan began"),
    "coverage_pct": gettext_lazy("Coverage since the plan began (%)"),
    "reports_received": gettext_lazy("Reports received"),
    "reports_handled": gettext_lazy("Reports handled"),
    "reports_handled_on_time": gettext_lazy("Reports handled on time"),
    "reports_pending": gettext_lazy("Reports of the year pending, still in time"),
    "reports_overdue": gettext_lazy("Reports of the year overdue"),
    "reports_on_time_pct": gettext_lazy("Reports handled on time (%)"),
    "cases_handled": gettext_lazy("Cases handled"),
    "cases_handled_prev_year": gettext_lazy("Cases handled the year before"),
    "cases_growth_pct": gettext_lazy("Growth of cases handled (%)"),
    "activities_held": gettext_lazy("Activities held"),
    "people_reached": gettext_lazy("People reached"),
    "communes": gettext_lazy("Communes"),
    "communes_with_communication": gettext_lazy("Communes holding communication activities"),
    "communication_pct": gettext_lazy("Communes holding communication activities (%)"),
    "inspections_made": gettext_lazy("Inspections made in the year"),
    "approval_state": gettext_lazy("Approval of the year"),
    "approved_differs": gettext_lazy("Live figures differ from the approved ones"),
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
    "activities_held": gettext_lazy(
        "Communication and training activities held in the locality from 1 January to E."
    ),
    "people_reached": gettext_lazy("The people those activities reached, summed."),
    "communes": gettext_lazy("Communes of the locality (a commune: 1)."),
    "communes_with_communication": gettext_lazy(
        "Of those, the ones that held at least one communication activity from 1 January to E."
    ),
    "communication_pct": gettext_lazy(
        "Communes holding communication activities ÷ communes × 100."
    ),
    "inspections_made": gettext_lazy(
        "Inspections of in-scope establishments of the locality dated from 1 January to E "
        "(two of one establishment count twice)."
    ),
}

FORMULA_NOTE = gettext_lazy(
    "A text that starts with =, +, -, @, a tab or a carriage return is written with an "
    "apostrophe before it, so that no spreadsheet program runs it as a formula."
)

LEVEL_LABELS = {
    "province": gettext_lazy("Province"),
    "commune": gettext_lazy("Commune"),
    "nation": gettext_lazy("Nation"),
}


def column_label(column: str) -> str:
    if column.startswith("approved_") and column.removeprefix("approved_") in APPROVED_FIGURES:
        return _("Approved: %(figure)s") % {
            "figure": COLUMN_LABELS[column.removeprefix("approved_")]
        }
    if column.startswith("status_"):
        metric = column.removeprefix("status_")
        try:
            name = Metric(metric).label
        except ValueError:
            name = metric
        return _("Status: %(target)s") % {"target": name}
    return str(COLUMN_LABELS.get(column, column))


def judged(frame: Frame, sel: Selection, level: str | None = None) -> PlansSideBySide:
    """The selection's table at `level` (default: the selection's), one row per locality and
    plan judged, each row with the approval of its province's year for that plan (a query per
    plan, whatever the number of rows)."""
    if level is not None and level != sel.level:
        sel = dataclasses.replace(sel, level=level)
    return PlansSideBySide(with_approval_columns(table) for table in sel.tables(frame))


def compliance_tables(frame: Frame, sel: Selection) -> dict:
    """The tables of an XLSX export, by level: the provinces (with the nation's or the area's
    total) and the communes of the selection's locality; only the communes where there is no
    province level (a commune, a commune officer)."""
    tables = {}
    if not frame.scope.commune_id and (sel.locality is None or sel.locality.is_province):
        tables["province"] = judged(frame, sel, "province")
    tables["commune"] = judged(frame, sel, "commune")
    return tables


def compliance_csv(table) -> bytes:
    """The table and its totals (one per plan), with a byte-order mark so that spreadsheet
    programs read the Vietnamese names as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    write_csv(table, out, total=True)
    return out.getvalue().encode("utf-8")


def file_name(sel: Selection, fmt: str) -> str:
    """compliance_<where>_<year>_as-of-<date>_plan-<first>-<last>.<fmt> for one plan judged;
    ..._plans-in-force.<fmt> for several."""
    where = sel.locality.code if sel.locality else "VN"
    plans = f"plan-{sel.plan.first_year}-{sel.plan.last_year}"
    if len(sel.plans) > 1:
        plans = "plans-in-force"
    return f"compliance_{where}_{sel.year}_as-of-{sel.as_of.isoformat()}_{plans}.{fmt}"


def _xlsx_value(column, value):
    if value is None:
        return None
    if column == "as_of" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if isinstance(value, Decimal):
        return float(value)
    if column == "level":
        return str(LEVEL_LABELS.get(value, value))
    if column == "approval_state":
        return str(State(value).label) if value else None
    if column == "approved_differs":
        return _("yes") if value else _("no")
    if column.startswith("status_"):
        try:
            return str(Status(value).label)
        except ValueError:
            pass
    # openpyxl writes a text starting with "=" as a formula.
    return as_text(value) if isinstance(value, str) else value


def threshold_text(threshold, *, count: bool = False) -> str:
    """A target's threshold as the active language writes it: "≥ 100,00%" in Vietnamese; a
    count target's "≥ 100"."""
    if count:
        return f"≥ {number_format(threshold, 0)}"
    return f"≥ {number_format(threshold, 2)}%"


def status_definition(column: str, plans) -> str:
    """What a status column judges: its target in each plan that sets it."""
    metric = column.removeprefix("status_")
    goals = [
        f"{plan}: {threshold_text(target.threshold, count=target.is_count)}"
        for plan in plans
        for target in plan.targets.all()
        if target.metric == metric
    ]
    return _(
        "The status of the target in the row's plan (%(goals)s); empty when the row's plan sets "
        "no such target."
    ) % {"goals": "; ".join(goals)}


def compliance_xlsx(tables: dict, *, user) -> bytes:
    """A workbook: one sheet per level (`tables`: PlansSideBySide by level), frozen Vietnamese
    header row, number formats, and an "About" sheet with the as-of date, every plan reported
    (its document) with its targets, and the definitions of the columns, the `plan` column and
    each target's status column among them. Always in Vietnamese."""
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
            # The totals, one per plan, close the sheet.
            for row_cells in sheet.iter_rows(min_row=sheet.max_row - len(table.tables) + 1):
                for cell in row_cells:
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
            (_("Plans"), "; ".join(str(plan) for plan in any_table.plans)),
            (_("Year"), any_table.year),
            (_("As of"), any_table.as_of),
            (
                _("Area"),
                str(any_table.locality) if any_table.locality else _("Your whole area"),
            ),
            (_("Made on"), date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")),
            (_("Made by"), person_name(user)),
        ]
        for label, value in facts:
            about.append([label, value])
            about.cell(row=about.max_row, column=1).font = bold
        about.cell(row=4, column=2).number_format = "dd/mm/yyyy"
        about.append([])
        about.append([_("Plans reported"), _("Document, targets")])
        for cell in about[about.max_row]:
            cell.font = bold
        for plan in any_table.plans:
            about.append([str(plan), plan.decision or _("No document recorded")])
            about.cell(row=about.max_row, column=1).font = bold
            about.cell(row=about.max_row, column=1).alignment = Alignment(wrap_text=True)
            for target in plan.targets.all():
                about.append(
                    [
                        target.get_metric_display(),
                        threshold_text(target.threshold, count=target.is_count),
                    ]
                )
        about.append([])
        about.append([_("Column"), _("Definition")])
        for cell in about[about.max_row]:
            cell.font = bold
        definitions = [
            (
                "plan",
                _(
                    "The plan the row's statuses judge: each locality has one row per plan "
                    "reported (its figures are the same in each, but for the coverage since the "
                    "plan began)."
                ),
            ),
            *((column, str(DEFINITIONS[column])) for column in metrics.FIGURES),
            *(
                (column, status_definition(column, any_table.plans))
                for column in any_table.columns
                if column.startswith("status_")
            ),
        ]
        for column, definition in definitions:
            about.append([column_label(column), definition])
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
        about.append([_("Text cells"), str(FORMULA_NOTE)])
        about.cell(row=about.max_row, column=2).alignment = Alignment(wrap_text=True)
        out = io.BytesIO()
        workbook.save(out)
    return out.getvalue()
