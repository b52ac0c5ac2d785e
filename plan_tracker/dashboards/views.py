"""The dashboards' pages: the compliance table of the nation or a province, a locality's work
lists, and the charts. Every page reads a validated selection (plan_tracker.selection) and a
frame of the user's records; a locality outside the user's area answers 404, and provincial
and commune officers are sent to their own area."""

import functools
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localities.models import Level
from localities.models.reports import DUE_SOON_DAYS, due_soon_until
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.approvals import State, approved_row, states_for
from plan_tracker.dashboards import work_rows
from plan_tracker.dashboards.charts import case_kinds_chart, chart_data, map_svg
from plan_tracker.dashboards.glance import at_a_glance
from plan_tracker.dashboards.html_table import ComplianceTable, records_for, target_cell
from plan_tracker.dashboards.links import (
    RowLinks,
    crumbs,
    list_links,
    never_inspected_link,
    scope_landing,
)
from plan_tracker.models import Metric
from plan_tracker.selection import Selection, SelectionRefused, in_force_order, select
from plan_tracker.status import Status, plan_cards, status_info

WORK_LIST_LIMIT = 100
# Query parameters of a page that are not part of the selection but are kept by its form.
KEEP = ("sort", "all", "locality", "approved")


class ToggleForm(forms.Form):
    """?all=1 shows a province's communes with nothing to count too; ?all=0 or none hides
    them."""

    all = forms.ChoiceField(
        label=gettext_lazy("Every commune"), choices=[("0", "0"), ("1", "1")], required=False
    )


class ChartForm(forms.Form):
    """?metric= of the charts: one of the plan's measured targets (default: the first)."""

    metric = forms.ChoiceField(label=gettext_lazy("Target"), required=False)

    def __init__(self, data, *, targets):
        super().__init__(data)
        self.fields["metric"].choices = [(t.metric, t.get_metric_display()) for t in targets]


def refused(request, form):
    """400 with the page's look, the form's errors and a link to the page without them."""
    return render(request, "400.html", {"form": form, "back_url": request.path}, status=400)


def with_selection(view):
    """Log-in required; the page's frame and selection are passed to the view. A refused
    selection answers 400 with the selectors and the reason; an unknown locality, 404."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        frame = Frame.of(request.user)
        place = None
        if "pk" in kwargs:
            place = get_object_or_404(
                frame.localities.current().select_related("province"), pk=kwargs.pop("pk")
            )
        try:
            sel = select(request.GET, frame, locality=place)
        except SelectionRefused as refusal:
            return render(
                request,
                "plan_tracker/selection_refused.html",
                {"form": refusal.form, "reset_url": request.path},
                status=400,
            )
        return view(request, frame, sel, *args, **kwargs)

    return wrapper


def context_for(request, sel: Selection, place=None, current=None, **extra) -> dict:
    return {
        "sel": sel,
        "place": place,
        "crumbs": crumbs(request.user, sel, place, current),
        "keep": [(k, request.GET[k]) for k in KEEP if request.GET.get(k)],
        "legend": [status_info(s) for s in Status],
        "targets": measured_targets(sel),
        "csv_url": sel.url(
            "export_compliance", "csv", locality=place.qualified_code if place else None
        ),
        **extra,
    }


def measured_targets(sel: Selection):
    return [t for t in sel.plan.targets.all() if t.metric in metrics.TARGET_FIGURES]


def build_table(request, figures, sel, approvals: dict, place=None):
    """The page's table with the approval of each province's year (the nation's table: a
    column of states; a province's: the approved figures of its communes and its total)."""
    links = RowLinks(sel)
    if place is None:

        def approval_for(row_place):
            approval = approvals.get(row_place.pk)
            return approval, approval_url(sel, row_place), approved_row(approval, row_place)

        approved_total = None
    else:
        own = approvals.get(place.pk)

        def approval_for(row_place):
            return own, None, approved_row(own, row_place)

        approved_total = approved_row(own, place)
    records = records_for(figures, links.url_for, links.links_for, approval_for)
    return ComplianceTable(
        figures,
        records,
        order_by=request.GET.get("sort") or None,
        query=request.GET,
        approval_column=place is None,
        approved_total=approved_total,
    )


def approval_url(sel: Selection, province) -> str:
    extra = {"plan": sel.plan.pk} if "plan" in sel.explicit else {}
    url = reverse("approval_detail", args=[sel.year, province.pk])
    return f"{url}?{urlencode(extra)}" if extra else url


def province_ids(place) -> list[int] | None:
    """The provinces whose approval a page about `place` shows (None: every one)."""
    return None if place is None else [place.province_id or place.pk]


def approval_context(frame, sel: Selection, place, approvals: dict) -> dict:
    """What the approval note (plan_tracker/_approval_note.html) shows of a place's year: its
    province's approval and the link to its page (not for a commune officer, whose province's
    year is not theirs to open); for the nation, the link to the approvals' list."""
    if place is None:
        return {"approvals_url": reverse("approval_list")}
    province = place if place.level == Level.PROVINCE else place.province
    own_province = not frame.scope.commune_id
    return {
        "approval": approvals.get(province.pk),
        "approval_page": approval_url(sel, province) if own_province else None,
    }


def render_dashboard(request, sel: Selection, figures, place=None, **extra):
    # One grouped query: the approval of every province of the table (or of the one).
    approvals = states_for(
        plan=sel.plan, year=sel.year, province_ids=None if place is None else [place.pk]
    )
    if place is None and request.GET.get("approved") == "1":
        figures.rows = [
            row
            for row in figures.rows
            if row.locality.pk in approvals and approvals[row.locality.pk].state == State.APPROVED
        ]
    params = dict(request.GET.items())
    params["approved"] = "0" if request.GET.get("approved") == "1" else "1"
    return render(
        request,
        "plan_tracker/dashboard.html",
        context_for(
            request,
            sel,
            place=place,
            figures=figures,
            table=build_table(request, extra.pop("table_figures", figures), sel, approvals, place),
            charts_url=sel.url("dashboard_charts", locality=place.code if place else None),
            approval=approvals.get(place.pk) if place is not None else None,
            approval_page=approval_url(sel, place) if place is not None else None,
            approved_only=request.GET.get("approved") == "1",
            approved_toggle_url=f"{request.path}?{urlencode(params)}",
            approvals_url=reverse("approval_list"),
            **extra,
        ),
    )


@with_selection
def dashboard_national(request, frame, sel):
    if not frame.scope.national:
        return redirect(scope_landing(request.user, request.GET.urlencode()))
    tables = sel.tables(frame, every_figure=False)
    figures = tables[0]
    glance = at_a_glance(figures, sorted_by_user=bool(request.GET.get("sort")))
    return render_dashboard(request, sel, figures, plan_cards=plan_cards(tables), **glance)


@with_selection
def dashboard_locality(request, frame, sel):
    place = sel.locality
    if place.level == Level.COMMUNE:
        return redirect(sel.url("work_lists", place.pk))
    toggle = ToggleForm(request.GET)
    if not toggle.is_valid():
        return refused(request, toggle)
    tables = sel.tables(frame, every_figure=False)
    figures = tables[0]
    show_all = toggle.cleaned_data["all"] == "1"
    hidden = 0
    if not show_all:
        kept = [r for r in figures.rows if metrics.has_records(r)]
        hidden = len(figures.rows) - len(kept)
        figures.rows = kept
    params = dict(request.GET.items())
    params["all"] = "0" if show_all else "1"
    return render_dashboard(
        request,
        sel,
        figures,
        place,
        hidden=hidden,
        show_all=show_all,
        toggle_url=f"{request.path}?{urlencode(params)}",
        work_url=sel.url("work_lists", place.pk),
        record_links=list_links(place),
        plan_cards=plan_cards(tables),
    )


@with_selection
def work_lists(request, frame, sel):
    place = sel.locality
    as_of = sel.as_of
    # The year that contains the as-of date says what is still to be done (pace), under the
    # plans in force in it; the chosen year is summed up at the top, under its plans in force.
    # One set of grouped queries for both.
    now_plans = sel.plans if "plan" in sel.explicit else None
    if now_plans is None:
        now_plans = list(
            in_force_order(p for p in sel.form.plans if p.is_in_force(place, as_of.year))
        )
    judged = sel.plans or [sel.plan]
    # The as-of year's figures serve only the pace of the plans in force in it: with none in
    # force then (a year after the plans' last), only the chosen year is counted.
    years = [as_of.year, sel.year] if now_plans else [sel.year]
    series = metrics.judged_series(
        frame,
        years=years,
        as_of=as_of,
        plans=judged + [p for p in now_plans if p not in judged],
        level=place.level,
        locality=place,
        every_figure=False,
    )
    tables = series[sel.year][: len(judged)]
    figures = tables[0]
    pace = {}
    for table in series.get(as_of.year, []):
        if table.plan in now_plans:
            pace = metrics.pace(table) | pace
    # One query: the approval of the place's province for the year, and its approved figures.
    approvals = states_for(plan=sel.plan, year=sel.year, province_ids=province_ids(place))
    approval_shown = approval_context(frame, sel, place, approvals)
    approved_total = approved_row(approval_shown["approval"], place)
    # Each list with its counts in one query.
    never = metrics.never_inspected_list(
        frame, locality=place, plan=sel.plan, as_of=as_of, limit=WORK_LIST_LIMIT
    )
    todo = metrics.reports_to_handle_list(frame, locality=place, as_of=as_of, limit=WORK_LIST_LIMIT)
    in_province = place.level == Level.PROVINCE
    return render(
        request,
        "plan_tracker/work_lists.html",
        context_for(
            request,
            sel,
            place=place,
            current=_("Work lists") if place.level == Level.PROVINCE else None,
            figures=figures,
            pace=pace,
            plan_cards=plan_cards(tables),
            never_list=never.rows,
            never_rows=work_rows.never_inspected_rows(never.rows, show_commune=in_province),
            never_count=never.count,
            never_link=never_inspected_link(sel, place),
            todo_list=todo.rows,
            todo_rows=work_rows.reports_to_handle_rows(
                todo.rows, as_of=as_of, show_locality=in_province
            ),
            todo_count=todo.count,
            due_soon=todo.counts["due_soon"],
            due_soon_days=DUE_SOON_DAYS,
            overdue=todo.counts["overdue"],
            soon_end=due_soon_until(as_of),
            limit=WORK_LIST_LIMIT,
            dashboard_url=(
                sel.url("dashboard_locality", place.pk) if place.level == Level.PROVINCE else None
            ),
            charts_url=sel.url("dashboard_charts", locality=place.code),
            record_links=list_links(place),
            summary_cells=[
                (t, target_cell(t, figures.total, figures, approved_total))
                for t in figures.targets
                if t.metric in metrics.TARGET_FIGURES
            ],
            **approval_shown,
        ),
    )


@with_selection
def dashboard_charts(request, frame, sel):
    place = sel.locality
    targets = measured_targets(sel)
    chosen = ChartForm(request.GET, targets=targets)
    if not chosen.is_valid():
        return refused(request, chosen)
    metric = chosen.cleaned_data["metric"] or Metric.ANNUAL_INSPECTION
    if metric not in {t.metric for t in targets}:
        metric = targets[0].metric if targets else Metric.ANNUAL_INSPECTION
    # One set of grouped queries for every year of the plan: the rows rank and map the
    # chosen year; the totals make the chart over the years.
    series = metrics.compliance_series(
        frame,
        # The plan's years and the chosen one (a year with no plan in force is charted after
        # the default plan's).
        years=sorted(set(sel.plan.years) | {sel.year}),
        as_of=sel.as_of,
        plan=sel.plan,
        level=sel.level,
        locality=place,
    )
    if place is None:
        back_url = sel.url("dashboard_national")
    elif place.level == Level.PROVINCE:
        back_url = sel.url("dashboard_locality", place.pk)
    else:
        back_url = sel.url("work_lists", place.pk)
    # One query: the year's approval of every province shown (the place's own, or all).
    approvals = states_for(plan=sel.plan, year=sel.year, province_ids=province_ids(place))
    chart = chart_data(series, sel, targets, metric, place, approvals)
    # The cases the ministry watches: one more grouped query, for every year and row.
    kinds = metrics.case_kinds_series(
        frame, years=list(sel.plan.years), as_of=sel.as_of, level=sel.level, locality=place
    )
    chart["cases"] = case_kinds_chart(kinds, series, sel, place)
    return render(
        request,
        "plan_tracker/charts.html",
        context_for(
            request,
            sel,
            place=place,
            current=_("Charts"),
            metric=metric,
            metric_label=dict(Metric.choices).get(metric, metric),
            chart=chart,
            map_svg=map_svg(chart, place),
            target_choices=[(t.metric, t.get_metric_display()) for t in targets],
            back_url=back_url,
            **approval_context(frame, sel, place, approvals),
        ),
    )
