"""Dashboards: the compliance table of the nation or a province, a locality's work lists, the
charts, and the CSV download. Everything is scoped: a locality outside the user's area answers
404; provincial and commune officers are sent to their own area."""

import datetime
import io
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localities.models import Locality, ReportStatus
from localities.querysets import scope_of
from plan_tracker import metrics
from plan_tracker.compliance_io import write_csv
from plan_tracker.models import Metric, Plan
from plan_tracker.status import Status, status_info
from plan_tracker.tables import (
    ComplianceTable,
    record_link,
    records_for,
    sort_text,
    target_cell,
)

WORK_LIST_LIMIT = 100
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


# ---------------------------------------------------------------------------------------------
# Plan, year and as-of date chosen on the page


class SelectionForm(forms.Form):
    plan = forms.TypedChoiceField(label=gettext_lazy("Plan"), coerce=int, required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args, plans, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(p.pk, str(p)) for p in plans]
        self.fields["year"].choices = [(y, str(y)) for y in plan.years]
        for name, bound in self.fields.items():
            css = (
                "form-select form-select-sm" if name != "as_of" else "form-control form-control-sm"
            )
            bound.widget.attrs.setdefault("class", css)


@dataclass
class Selection:
    plan: Plan
    year: int
    as_of: datetime.date
    form: SelectionForm
    notes: list = field(default_factory=list)
    explicit: dict = field(default_factory=dict)

    @property
    def query(self) -> str:
        """The choices as a query string, to carry them from page to page."""
        return urlencode(self.explicit)

    def url(self, name, *args, **extra) -> str:
        params = dict(self.explicit, **{k: v for k, v in extra.items() if v is not None})
        url = reverse(name, args=args)
        return f"{url}?{urlencode(params)}" if params else url

    @property
    def phase(self) -> str:
        return metrics.year_phase(self.year, self.as_of)

    @property
    def elapsed_pct(self) -> float:
        return float(metrics.elapsed_share(self.year, self.as_of) * 100)


def selection(request) -> Selection:
    plans = list(Plan.objects.prefetch_related("targets"))
    if not plans:
        raise Http404("No plan is loaded.")
    by_pk = {p.pk: p for p in plans}
    default = next((p for p in plans if p.is_default), plans[0])
    today = timezone.localdate()
    data = request.GET
    notes = []
    explicit = {}

    plan = default
    raw_plan = data.get("plan", "")
    if raw_plan.isdigit() and int(raw_plan) in by_pk:
        plan = by_pk[int(raw_plan)]
        if plan is not default:
            explicit["plan"] = plan.pk
    year = metrics.default_year(plan, today)
    raw_year = data.get("year", "")
    if raw_year.isdigit():
        wanted = int(raw_year)
        year = min(max(wanted, plan.first_year), plan.last_year)
        if year != wanted:
            notes.append(
                _("The plan covers %(first)s–%(last)s: showing %(year)s.")
                % {"first": plan.first_year, "last": plan.last_year, "year": year}
            )
        explicit["year"] = year
    as_of = today
    raw_as_of = data.get("as_of", "").strip()
    if raw_as_of:
        try:
            as_of = SelectionForm.base_fields["as_of"].clean(raw_as_of)
        except forms.ValidationError:
            notes.append(
                _("“%(text)s” is not a date: write it as dd/mm/yyyy. Showing today.")
                % {"text": raw_as_of}
            )
            as_of = today
        else:
            if as_of > today:
                notes.append(_("The as-of date cannot be in the future: showing today."))
                as_of = today
            else:
                explicit["as_of"] = as_of.strftime("%d/%m/%Y")
    form = SelectionForm(
        initial={"plan": plan.pk, "year": year, "as_of": as_of}, plans=plans, plan=plan
    )
    return Selection(plan=plan, year=year, as_of=as_of, form=form, notes=notes, explicit=explicit)


def _with_query(url: str, request) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def scope_landing(user, request):
    """Where an officer's dashboards begin: their province's table, or their commune's lists."""
    scope = scope_of(user)
    if scope.commune_id:
        return _with_query(reverse("work_lists", args=[scope.commune_id]), request)
    if scope.province_id:
        return _with_query(reverse("dashboard_locality", args=[scope.province_id]), request)
    raise Http404(_("You have no area assigned: ask an administrator."))


def locality_in_scope(user, pk) -> Locality:
    return get_object_or_404(
        Locality.objects.restrict(user).current().select_related("province"), pk=pk
    )


# ---------------------------------------------------------------------------------------------
# Links from a row


def _list_prefixes(level: str) -> list[tuple[str, str]]:
    """("/establishments/?commune=", label) of the record lists (helper A's) that exist, for a
    locality of `level`: its pk goes at the end."""
    if level == "province":
        wanted = [
            ("establishment_list", "province", _("Establishments")),
            ("report_list", "province", _("Reports")),
        ]
    else:
        wanted = [
            ("establishment_list", "commune", _("Establishments")),
            ("inspection_list", "commune", _("Inspections")),
            ("report_list", "locality", _("Reports")),
            ("case_list", "locality", _("Cases")),
        ]
    prefixes = []
    for name, key, label in wanted:
        base = record_link(name)
        if base:
            prefixes.append((f"{base}?{key}=", label))
    return prefixes


def list_links(place: Locality) -> list[tuple[str, str]]:
    """(url, label) of the records lists (helper A's) filtered to `place`."""
    return [(f"{prefix}{place.pk}", label) for prefix, label in _list_prefixes(place.level)]


# A pk no locality has, to reverse a URL once and put each row's pk in its place.
_PK_MARK = 987654321


def _pk_url(name: str, query: str):
    """pk -> reverse(name, args=[pk]) + query, reversing only once."""
    url = reverse(name, args=[_PK_MARK])
    head, mark, tail = url.partition(str(_PK_MARK))
    if not mark or str(_PK_MARK) in tail:
        return lambda pk: reverse(name, args=[pk]) + query
    return lambda pk: f"{head}{pk}{tail}{query}"


class RowLinks:
    """Where each row of a table leads: its name to the province's table or the commune's work
    lists (url_for), its "Next steps" to the work lists and, for a commune, its record lists
    (links_for, the same URLs as list_links) — each URL reversed and each label translated once
    for the whole table instead of five times a row."""

    def __init__(self, sel: Selection):
        query = f"?{urlencode(sel.explicit)}" if sel.explicit else ""
        self.work_lists = _pk_url("work_lists", query)
        self.dashboard = _pk_url("dashboard_locality", query)
        self.work_label = _("Work lists")
        self.commune_lists = _list_prefixes("commune")

    def url_for(self, place: Locality) -> str:
        if place.level == "province":
            return self.dashboard(place.pk)
        return self.work_lists(place.pk)

    def links_for(self, place: Locality) -> list[tuple[str, str]]:
        links = [(self.work_lists(place.pk), self.work_label)]
        if place.level == "commune":
            links += [(f"{prefix}{place.pk}", label) for prefix, label in self.commune_lists]
        return links


def build_table(request, figures, sel):
    links = RowLinks(sel)
    records = records_for(figures, links.url_for, links.links_for)
    return ComplianceTable(
        figures, records, order_by=request.GET.get("sort") or None, query=request.GET
    )


def crumbs(user, sel: Selection, place: Locality | None, current: str | None = None):
    """(label, url) from the nation down to `place`, then `current` (the page) if given."""
    scope = scope_of(user)
    items = []
    if scope.national:
        items.append((_("Whole country"), sel.url("dashboard_national")))
    if place is not None:
        if place.level == "commune":
            if not scope.commune_id:
                items.append(
                    (place.province.name, sel.url("dashboard_locality", place.province_id))
                )
            items.append((place.name, sel.url("work_lists", place.pk)))
        else:
            items.append((place.name, sel.url("dashboard_locality", place.pk)))
    if current:
        items.append((current, None))
    return items


def legend():
    return [status_info(s) for s in Status]


KEEP = ("sort", "all", "locality")


def context_for(request, sel: Selection, place=None, current=None, **extra) -> dict:
    return {
        "sel": sel,
        "place": place,
        "crumbs": crumbs(request.user, sel, place, current),
        "keep": [(k, request.GET[k]) for k in KEEP if request.GET.get(k)],
        "legend": legend(),
        "targets": [t for t in sel.plan.targets.all() if t.metric in metrics.TARGET_FIGURES],
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Pages


@login_required
def dashboard_national(request):
    if not scope_of(request.user).national:
        return redirect(scope_landing(request.user, request))
    sel = selection(request)
    figures = metrics.compliance_table(
        user=request.user, year=sel.year, as_of=sel.as_of, plan=sel.plan, level="province"
    )
    return render(
        request,
        "plan_tracker/dashboard.html",
        context_for(
            request,
            sel,
            figures=figures,
            table=build_table(request, figures, sel),
            csv_url=sel.url("dashboard_csv"),
            charts_url=sel.url("dashboard_charts"),
        ),
    )


@login_required
def dashboard_locality(request, pk):
    place = locality_in_scope(request.user, pk)
    if place.level == "commune":
        return redirect(_with_query(reverse("work_lists", args=[place.pk]), request))
    sel = selection(request)
    figures = metrics.compliance_table(
        user=request.user,
        year=sel.year,
        as_of=sel.as_of,
        plan=sel.plan,
        level="commune",
        locality=place,
    )
    show_all = request.GET.get("all") == "1"
    hidden = 0
    if not show_all:
        kept = [r for r in figures.rows if any(r.values[name] for name in metrics.COUNTS)]
        hidden = len(figures.rows) - len(kept)
        figures.rows = kept
    params = dict(request.GET.items())
    params["all"] = "0" if show_all else "1"
    return render(
        request,
        "plan_tracker/dashboard.html",
        context_for(
            request,
            sel,
            figures=figures,
            table=build_table(request, figures, sel),
            place=place,
            hidden=hidden,
            show_all=show_all,
            toggle_url=f"{request.path}?{urlencode(params)}",
            work_url=sel.url("work_lists", place.pk),
            csv_url=sel.url("dashboard_csv", locality=place.pk),
            charts_url=sel.url("dashboard_charts", locality=place.pk),
            record_links=list_links(place),
        ),
    )


@login_required
def work_lists(request, pk):
    place = locality_in_scope(request.user, pk)
    sel = selection(request)
    as_of = sel.as_of
    # The year that contains the as-of date says what is still to be done (pace); the chosen
    # year is summed up at the top. One set of grouped queries for both.
    series = metrics.compliance_series(
        user=request.user,
        years=[as_of.year, sel.year],
        as_of=as_of,
        plan=sel.plan,
        level=place.level,
        locality=place,
    )
    figures = series[sel.year]
    pace = metrics.pace(series[as_of.year])
    never = metrics.never_inspected(user=request.user, locality=place, plan=sel.plan, as_of=as_of)
    todo = metrics.reports_to_handle(user=request.user, locality=place, as_of=as_of)
    soon_end = as_of + datetime.timedelta(days=metrics.DUE_SOON_WINDOW)
    todo_list = list(todo[:WORK_LIST_LIMIT])
    for report in todo_list:
        report.days_left_now = (report.deadline - as_of).days
        report.days_overdue = -report.days_left_now
        state = report.status(as_of)
        report.state_label = ReportStatus(state).label
        report.state_colour = ReportStatus.colour(state)
        report.due_soon = as_of <= report.deadline <= soon_end
    if place.level == "commune":
        never_link = record_link("establishment_list", commune=place.pk, never_inspected="on")
    else:
        never_link = record_link("establishment_list", province=place.pk, never_inspected="on")
    return render(
        request,
        "plan_tracker/work_lists.html",
        context_for(
            request,
            sel,
            place=place,
            current=_("Work lists") if place.level == "province" else None,
            figures=figures,
            pace=pace,
            never_list=list(never[:WORK_LIST_LIMIT]),
            never_count=never.count(),
            never_link=never_link,
            todo_list=todo_list,
            todo_count=todo.count(),
            due_soon=metrics.reports_due_soon(
                user=request.user, locality=place, as_of=as_of
            ).count(),
            overdue=todo.filter(deadline__lt=as_of).count(),
            soon_end=soon_end,
            limit=WORK_LIST_LIMIT,
            dashboard_url=(
                sel.url("dashboard_locality", place.pk) if place.level == "province" else None
            ),
            csv_url=sel.url("dashboard_csv", locality=place.pk),
            charts_url=sel.url("dashboard_charts", locality=place.pk),
            record_links=list_links(place),
            summary_cells=summary_cells(figures),
        ),
    )


def summary_cells(figures):
    return [
        (t, target_cell(t, figures.total, figures))
        for t in figures.targets
        if t.metric in metrics.TARGET_FIGURES
    ]


def _table_for(user, sel, locality_pk):
    """The table a download or a chart is about: the nation, a province's communes, or a
    commune's own row; an officer without a locality gets their own area."""
    place = None
    if locality_pk:
        if not str(locality_pk).isdigit():
            raise Http404
        place = locality_in_scope(user, int(locality_pk))
    elif not scope_of(user).national:
        scope = scope_of(user)
        if scope.empty:
            raise Http404
        place = locality_in_scope(user, scope.commune_id or scope.province_id)
    if place is None:
        level = "province"
    else:
        level = "commune"
    return place, level


@login_required
def dashboard_csv(request):
    sel = selection(request)
    place, level = _table_for(request.user, sel, request.GET.get("locality"))
    figures = metrics.compliance_table(
        user=request.user,
        year=sel.year,
        as_of=sel.as_of,
        plan=sel.plan,
        level=level,
        locality=place,
    )
    buffer = io.StringIO()
    write_csv(figures, buffer, total=True)
    where = place.code if place else "VN"
    filename = (
        f"compliance_{where}_{sel.year}_as-of-{sel.as_of.isoformat()}_"
        f"plan-{sel.plan.first_year}-{sel.plan.last_year}.csv"
    )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The plan and as-of date, also in headers for programs that read them.
    response["X-Plan"] = f"{sel.plan.first_year}-{sel.plan.last_year} #{sel.plan.pk}"
    response["X-As-Of"] = sel.as_of.isoformat()
    return response


@login_required
def dashboard_charts(request):
    sel = selection(request)
    place, _level = _table_for(request.user, sel, request.GET.get("locality"))
    targets = [t for t in sel.plan.targets.all() if t.metric in metrics.TARGET_FIGURES]
    metric = request.GET.get("metric") or Metric.ANNUAL_INSPECTION
    if metric not in {t.metric for t in targets}:
        metric = targets[0].metric if targets else Metric.ANNUAL_INSPECTION
    # One set of grouped queries for every year of the plan: the rows rank and map the
    # chosen year; the totals make the chart over the years.
    level = "province" if place is None else "commune"
    series = metrics.compliance_series(
        user=request.user,
        years=list(sel.plan.years),
        as_of=sel.as_of,
        plan=sel.plan,
        level=level,
        locality=place,
    )
    data = chart_data(series, sel, targets, metric, place)
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
            chart=data,
            target_choices=[(t.metric, t.get_metric_display()) for t in targets],
            csv_url=sel.url("dashboard_csv", locality=place.pk if place else None),
            back_url=(
                sel.url("dashboard_locality", place.pk)
                if place and place.level == "province"
                else sel.url("work_lists", place.pk)
                if place
                else sel.url("dashboard_national")
            ),
        ),
    )


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


def chart_data(series, sel, targets, metric, place) -> dict:
    """Everything charts.js draws, and the tables that say the same in text."""
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
            "url": (
                sel.url("dashboard_charts", locality=place_row.pk, metric=metric)
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
