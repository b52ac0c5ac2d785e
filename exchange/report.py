"""What the printed report shows (exchange/report_print.html): the figures and targets of a
province, the nation or an officer's area, its localities with something recorded, the reports
to handle and the establishments never inspected."""

from django.utils import timezone

from exchange.exports import compliance
from localities.permissions import scope_of
from localities.selectors import Frame
from plan_tracker import metrics


def _report_context(request, params):
    """What the printed report shows, for a province or the nation (or an officer's area)."""
    user = request.user
    locality = params["locality"]
    scope = scope_of(user)
    if locality is None and not scope.national:
        from localities.models import Locality

        locality = Locality.objects.get(pk=scope.commune_id or scope.province_id)
    level = "commune" if locality is not None else "province"
    parts = metrics.compliance_table(
        Frame.of(user),
        year=params["year"],
        as_of=params["as_of"],
        plan=params["plan"],
        level=level,
        locality=locality,
    )
    focus = parts.total
    targets = []
    for target in parts.targets:
        figure = metrics.TARGET_FIGURES.get(target.metric, (None,))[0]
        status = focus.status(target.metric)
        targets.append(
            {
                "target": target,
                "figure": figure,
                "value": focus.values.get(figure) if figure else None,
                "status": status,
                "status_info": metrics_status_info(status),
            }
        )
    figures = [
        {
            "id": f,
            "label": compliance.column_label(f),
            "value": focus.values.get(f),
            "pct": f in metrics.PERCENTAGES,
        }
        for f in metrics.FIGURES
    ]
    threshold = parts.target("annual_inspection")
    # Localities with nothing recorded (most communes of a large province) would fill pages
    # with zeros: the table and the chart show the others, and say how many were left out.
    active_rows = [
        row
        for row in parts.rows
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
    open_reports = metrics.reports_to_handle(
        Frame.of(user), locality=locality, as_of=params["as_of"]
    )
    never = metrics.never_inspected(
        Frame.of(user), locality=locality, plan=params["plan"], as_of=params["as_of"]
    )
    return {
        "table": parts,
        "focus": focus,
        "locality": locality,
        "targets": targets,
        "figures": figures,
        "bars": bars,
        "active_rows": active_rows,
        "quiet_count": len(parts.rows) - len(active_rows),
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
        "never_inspected": list(never[:100]),
        "never_inspected_count": never.count(),
        "params": params,
        "made_at": timezone.localtime(),
    }


def metrics_status_info(value):
    from plan_tracker.status import status_info

    return status_info(value)
