"""What the charts page draws: each target over the plan's years, the localities ranked and
mapped for the chosen year, and the same in tables for readers without the charts."""

from django.utils.translation import gettext as _

from plan_tracker import metrics
from plan_tracker.approvals import State, approved_row, figure_differs
from plan_tracker.dashboards import vietnam_map
from plan_tracker.dashboards.html_table import sort_text
from plan_tracker.status import Status, status_info

# How each status is drawn on the map and in the charts' legends: (Chart.js point style, glyph).
SHAPES = {
    Status.MET: ("circle", "●"),
    Status.ON_TRACK: ("triangle", "▲"),
    Status.BEHIND: ("rectRot", "◆"),
    Status.NOT_MET: ("rect", "■"),
    Status.NOT_APPLICABLE: ("crossRot", "✕"),
}


def _num(value):
    return None if value is None else float(value)


def approval_of(approvals: dict, place_row, pct_name: str, live) -> dict:
    """A ranked locality's approval of the year (its province's), and for an approved year
    its approved figure and whether the live one now differs (plan_tracker.approvals)."""
    approval = approvals.get(place_row.province_id or place_row.pk)
    state = approval.state if approval is not None else State.NOT_SUBMITTED
    approved = approved_row(approval, place_row)
    value = approved.values.get(pct_name) if approved is not None else None
    return {
        "approval": {
            "id": str(state),
            "label": str(State(state).label),
            "colour": State.colour(state),
        },
        "approved": approved is not None,
        "approved_value": _num(value),
        "differs": approved is not None and figure_differs(live, value),
    }


def chart_data(series, sel, targets, metric, place, approvals=None) -> dict:
    """Everything charts.js draws, and the tables that say the same in text.

    `approvals`: the year's approval of each province (approvals.states_for), which the
    ranking's table shows beside each locality with its approved figure."""
    approvals = approvals if approvals is not None else {}
    years = sorted(series)
    over_years = []
    for target in targets:
        pct_name = metrics.TARGET_FIGURES[target.metric][0]
        points = []
        for year in years:
            table = series[year]
            values = table.total.values
            status = table.total.status(target.metric)
            goal = metrics.goal_now(
                target.metric, target.threshold, year=year, as_of=sel.as_of, plan=sel.plan
            )
            points.append(
                {
                    "year": year,
                    "value": _num(values[pct_name]),
                    "goal": round(float(goal), 1),
                    "numerator": values[metrics.TARGET_FIGURES[target.metric][1]],
                    "denominator": metrics.denominator(target.metric, values),
                    "status": status_info(status),
                    "begun": year <= sel.as_of.year,
                }
            )
        over_years.append(
            {
                "metric": target.metric,
                "label": target.get_metric_display(),
                "threshold": float(target.threshold),
                "points": points,
            }
        )

    table = series[sel.year]
    target = next((t for t in targets if t.metric == metric), None)
    pct_name = metrics.TARGET_FIGURES[metric][0]
    ranked, too_few = [], []
    for row in table.rows:
        place_row = row.locality
        entry = {
            "code": place_row.code,
            "name": place_row.short_name or place_row.name,
            "value": _num(row.values[pct_name]),
            "numerator": row.values[metrics.TARGET_FIGURES[metric][1]],
            "denominator": row.denominator(metric),
            "status": status_info(row.status(metric)),
            "establishments": row.values["establishments_operating"],
            "lat": place_row.latitude,
            "lon": place_row.longitude,
            "too_few": row.too_few(metric),
            **approval_of(approvals, place_row, pct_name, row.values[pct_name]),
            "url": (
                sel.url("dashboard_charts", locality=place_row.code, metric=metric)
                if place_row.level == "province"
                else sel.url("work_lists", place_row.pk)
            ),
        }
        (too_few if entry["too_few"] or entry["value"] is None else ranked).append(entry)
    ranked.sort(key=lambda e: (-e["value"], sort_text(e["name"])))
    too_few.sort(key=lambda e: (-e["denominator"], sort_text(e["name"])))
    goal = (
        metrics.goal_now(metric, target.threshold, year=sel.year, as_of=sel.as_of, plan=sel.plan)
        if target
        else None
    )
    if place is not None and place.level == "commune":
        ranked, too_few = [], []  # one commune: nothing to rank or map
    points = [e for e in ranked + too_few if e["lat"] is not None and e["lon"] is not None]
    measured_too_few = [e for e in too_few if e["denominator"] > 0]
    return {
        "years": years,
        "over_years": over_years,
        "metric": metric,
        "threshold": float(target.threshold) if target else None,
        "goal": round(float(goal), 1) if goal is not None else None,
        "ranked": ranked,
        "too_few": too_few,
        "min_comparable": metrics.MIN_COMPARABLE,
        "map": points,
        "rank_height": max(160, 26 * (len(ranked) + len(measured_too_few)) + 70),
        "measured_too_few": measured_too_few,
        "any_approved": any(e["approved"] for e in ranked + too_few),
        "unmeasured": [e for e in too_few if e["denominator"] == 0],
        "shapes": [
            {
                "id": status.value,
                "shape": SHAPES[status][1],
                "style": SHAPES[status][0],
                "label": str(Status(status).label),
            }
            for status in SHAPES
        ],
        "place": place.name if place else _("Whole country"),
        "labels": {
            "threshold": _("Target"),
            "goal": _("Expected by now"),
            "too_few": _("too few to compare"),
            "year": _("Year"),
            "longitude": _("Longitude"),
            "latitude": _("Latitude"),
            "not_begun": _("not begun"),
            "establishments": _("establishments"),
        },
    }


def map_svg(chart: dict, place):
    """The map of chart_data's localities, drawn server-side (vietnam_map); None with nothing
    to draw."""
    if not chart["map"]:
        return None
    styles = {shape["id"]: shape["style"] for shape in chart["shapes"]}
    return vietnam_map.render(chart["map"], styles, national=place is None)


def _shares(kinds) -> dict:
    """A metrics.CaseKinds as the page shows it: cases handled, the two shares with their
    counts, the cases whose way of operating is not recorded."""
    return {
        "handled": kinds.cases_handled,
        "not_recorded": kinds.modus_not_recorded,
        "online": {
            "value": _num(kinds.online_pct),
            "numerator": kinds.cases_online,
            "denominator": kinds.cases_modus_recorded,
        },
        "minors": {
            "value": _num(kinds.with_minors_pct),
            "numerator": kinds.cases_with_minors,
            "denominator": kinds.cases_handled,
        },
    }


def case_kinds_chart(kinds: dict, series, sel, place) -> dict:
    """The cases the ministry watches, for charts.js and its tables: each year's share of
    online cases and of cases with minors for the page's place (metrics.case_kinds_series's
    totals), and for the chosen year each row locality of the table (the provinces of the
    nation, the communes of a province) that handled a case."""
    years = sorted(kinds)
    over_years = []
    for year in years:
        over_years.append(
            {"year": year, "begun": year <= sel.as_of.year, **_shares(kinds[year][None])}
        )
    rows, quiet = [], 0
    chosen = kinds.get(sel.year, {})
    if place is None or place.level != "commune":
        for row in series[sel.year].rows:
            found = chosen.get(row.locality.pk)
            if found is None or not found.cases_handled:
                quiet += 1
                continue
            rows.append(
                {
                    "code": row.locality.code,
                    "name": row.locality.short_name or row.locality.name,
                    "url": (
                        sel.url("dashboard_charts", locality=row.locality.code)
                        if row.locality.level == "province"
                        else None
                    ),
                    **_shares(found),
                }
            )
        rows.sort(key=lambda e: sort_text(e["name"]))
    return {
        "over_years": over_years,
        "rows": rows,
        "quiet": quiet,
        "labels": {
            "online": _("Online cases"),
            "minors": _("Cases with minors"),
            "not_begun": _("not begun"),
        },
    }
