"""What the printed report shows (exchange/report_print.html): the figures and targets of a
province, the nation or an officer's area, its localities with something recorded, the reports
to handle and the establishments never inspected."""

from django.utils import timezone

from exchange.documents import letterhead_for
from exchange.exports import compliance
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.approvals import State, approved_row, figure_differs, with_approval_columns
from plan_tracker.models import Metric
from plan_tracker.selection import Selection
from plan_tracker.status import plan_cards


def report_context(frame: Frame, sel: Selection) -> dict:
    """What the printed report shows, for a province or the nation (or an officer's area)."""
    # Every plan in force for the locality in the year, the report's own plan first, judged
    # from one set of grouped queries; the figures and parts below are the own plan's table.
    tables = sel.tables(frame)
    # Each row's approval of the year (one query for every province).
    compliance_table = with_approval_columns(tables[0])
    total = compliance_table.total
    approval = approved_total = None
    if sel.locality is not None:
        province_id = sel.locality.province_id or sel.locality.pk
        approval = compliance_table.extra["approvals"].get(province_id)
        approved_total = approved_row(approval, sel.locality)
    figures = [
        {
            "id": f,
            "label": compliance.column_label(f),
            "value": total.values.get(f),
            "pct": f in metrics.PERCENTAGES,
            # An approved year: the approved value, and whether the live one now differs.
            "approved": approved_total.values.get(f) if approved_total else None,
            "differs": bool(
                approved_total and figure_differs(total.values.get(f), approved_total.values.get(f))
            ),
        }
        for f in metrics.FIGURES
    ]
    threshold = compliance_table.target(Metric.ANNUAL_INSPECTION)
    # Localities with nothing recorded (most communes of a large province) would fill pages
    # with zeros: the table and the chart show the others, and say how many were left out.
    active_rows = [
        row
        for row in compliance_table.rows
        if row.values["establishments_operating"]
        or row.values["establishments_open_at_end"]
        or row.values["reports_received"]
        or row.values["reports_overdue"]
        or row.values["cases_handled"]
        or row.values["cases_handled_prev_year"]
    ]
    bars = [
        {
            "name": row.locality.name,
            "code": row.locality.code,
            "pct": row.values.get("inspected_in_year_pct"),
            "coverage": row.values.get("coverage_pct"),
            "status": row.status("annual_inspection"),
        }
        for row in active_rows
        if row.values["establishments_operating"]
    ]
    # Every report open on A whatever year it came in (the figures count the year's only).
    open_reports = metrics.reports_to_handle(frame, locality=sel.locality, as_of=sel.as_of)
    never = metrics.never_inspected(frame, locality=sel.locality, plan=sel.plan, as_of=sel.as_of)
    return {
        "table": compliance_table,
        "total": total,
        "approval": approval,
        "approval_states": State.choices,
        "approved_total": approved_total,
        "locality": sel.locality,
        "plans": plan_cards(tables),
        "figures": figures,
        "bars": bars,
        "active_rows": active_rows,
        "quiet_count": len(compliance_table.rows) - len(active_rows),
        "threshold": threshold.threshold if threshold else None,
        "part_columns": [
            "establishments_operating",
            "inspected_in_year_pct",
            "coverage_pct",
            "reports_received",
            "reports_overdue",
            "reports_on_time_pct",
            "cases_handled",
            "cases_growth_pct",
        ],
        "open_reports": list(open_reports[:100]),
        "open_reports_count": open_reports.count(),
        "open_reports_overdue": open_reports.overdue_on(sel.as_of).count(),
        "never_inspected": list(never[:100]),
        "never_inspected_count": never.count(),
        "sel": sel,
        "made_at": timezone.localtime(),
        # The official layout (Decree 30/2020/NĐ-CP): letterhead, place and date, recipients
        # and signature block, the same as the plan's review.
        "letterhead": letterhead_for(sel.locality, timezone.localdate(), symbol="BC"),
    }
