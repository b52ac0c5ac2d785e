"""The compliance table on a page (django-tables2): one row per locality, one column per
target with its figure, a progress bar against the threshold and a status badge; the total
(nation or province) in the footer. Sortable by name, establishments and each target's figure.
"""

import unicodedata

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2.data import TableListData
from django_tables2.utils import OrderBy

from plan_tracker import metrics
from plan_tracker.models import Metric
from plan_tracker.status import Status, status_info


def sort_text(text: str) -> str:
    """Vietnamese names sorted as readers expect: without tone marks, đ as d, then with them."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold() + "\0" + text


def record_link(name: str, **params) -> str | None:
    """A link to one of the record lists (helper A's), or None while it does not exist."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def pct_text(value) -> str:
    if value is None:
        return _("n/a")
    return number_format(value, 1) + "%"


def signed_pct_text(value) -> str:
    if value is None:
        return _("n/a")
    sign = "+" if value > 0 else ""
    return sign + number_format(value, 1) + "%"


def badge(status: str) -> str:
    info = status_info(status)
    return format_html(
        '<span class="badge badge-status text-bg-{} status-{}">'
        '<span aria-hidden="true">{}</span> {}</span>',
        info["colour"],
        info["id"],
        info["symbol"],
        info["label"],
    )


def clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def progress(metric: str, row: metrics.Row, target, table: metrics.Table) -> dict:
    """Where the bar is filled to, where its goal marker and its final threshold stand (0–100),
    and what the bar says in words (for screen readers and the title)."""
    values = row.values
    goal = metrics.goal_now(
        metric, target.threshold, year=table.year, as_of=table.as_of, plan=table.plan
    )
    threshold = float(target.threshold)
    if metric == Metric.CASES_GROWTH:
        current, previous = values["cases_handled"], values["cases_handled_prev_year"]
        if not previous:
            return {"fill": 0.0, "marker": None, "final": None, "text": _("not applicable")}
        needed_final = previous * (1 + threshold / 100)
        needed_now = previous * (1 + float(goal) / 100)
        scale = max(needed_final, current) or 1
        return {
            "fill": clamp(current / scale * 100),
            "marker": clamp(needed_now / scale * 100),
            "final": clamp(needed_final / scale * 100) if needed_now != needed_final else None,
            "text": _("%(current)s cases handled; %(needed)s keep pace with the target")
            % {"current": current, "needed": number_format(needed_now, 1)},
        }
    pct_name = metrics.TARGET_FIGURES[metric][0]
    value = values[pct_name]
    goal_value = float(goal)
    return {
        "fill": clamp(float(value)) if value is not None else 0.0,
        "marker": clamp(goal_value),
        "final": clamp(threshold) if abs(goal_value - threshold) > 1e-9 else None,
        "text": _("%(value)s against %(goal)s expected")
        % {"value": pct_text(value), "goal": number_format(goal_value, 1) + "%"},
    }


def counts_text(metric: str, values: dict) -> str:
    numerator = values[metrics.TARGET_FIGURES[metric][1]]
    den = metrics.denominator(metric, values)
    if metric == Metric.CASES_GROWTH:
        return _("%(current)s vs %(previous)s last year") % {
            "current": numerator,
            "previous": den,
        }
    return f"{numerator} / {den}"


def target_cell(metric: str, row: metrics.Row, target, table: metrics.Table) -> str:
    values = row.values
    status = row.status(metric)
    pct_name = metrics.TARGET_FIGURES[metric][0]
    value = values[pct_name]
    figure = signed_pct_text(value) if metric == Metric.CASES_GROWTH else pct_text(value)
    bar = progress(metric, row, target, table)
    striped = status in (Status.BEHIND, Status.NOT_MET)
    markers = []
    if bar["marker"] is not None:
        markers.append(
            format_html(
                '<span class="marker" style="left:{}%" title="{}"></span>',
                f"{bar['marker']:.1f}",
                _("expected by now"),
            )
        )
    if bar["final"] is not None:
        markers.append(
            format_html(
                '<span class="marker marker-final" style="left:{}%" title="{}"></span>',
                f"{bar['final']:.1f}",
                _("target"),
            )
        )
    if value is None:
        # Nothing to measure: no bar, so the figures that exist stand out; the badge says n/a.
        figure = "–"
        return format_html(
            '<div class="target-cell" data-status="{status}">'
            '<div class="d-flex justify-content-between align-items-baseline gap-2">'
            '<span class="figure-num text-body-secondary">{figure}</span>{badge}</div>'
            '<div class="small text-body-secondary figure-num">{counts}</div></div>',
            status=status,
            figure=figure,
            badge=badge(status),
            counts=counts_text(metric, values),
        )
    return format_html(
        '<div class="target-cell" data-status="{status}">'
        '<div class="d-flex justify-content-between align-items-baseline gap-2">'
        '<span class="figure-num fw-semibold">{figure}</span>{badge}</div>'
        '<div class="progress target mt-1" role="img" aria-label="{text}" title="{text}">'
        '<div class="progress-bar bg-{colour}{striped}" style="width:{fill}%"></div>{markers}'
        "</div>"
        '<div class="small text-body-secondary figure-num">{counts}</div></div>',
        status=status,
        figure=figure,
        badge=badge(status),
        text=bar["text"],
        colour=Status.colour(status),
        striped=" progress-bar-striped" if striped else "",
        fill=f"{bar['fill']:.1f}",
        markers=mark_safe("".join(markers)),  # noqa: S308 - each marker is format_html'd
        counts=counts_text(metric, values),
    )


class LocalityColumn(tables.Column):
    def render(self, record):
        url = record.get("url")
        code = record["code"]
        name = record["name"]
        if url:
            link = format_html('<a href="{}" class="fw-semibold">{}</a>', url, name)
        else:
            link = format_html('<span class="fw-semibold">{}</span>', name)
        return format_html('{} <span class="text-body-secondary small">{}</span>', link, code)

    def render_footer(self, table):
        total = table.figures.total
        return format_html('<span class="fw-bold">{}</span>', total_label(total))


class CountColumn(tables.Column):
    def render(self, value):
        return format_html('<span class="figure-num">{}</span>', value)

    def render_footer(self, table):
        return format_html(
            '<span class="figure-num fw-bold">{}</span>',
            table.figures.total.values["establishments_operating"],
        )


class TargetColumn(tables.Column):
    def __init__(self, target, **kwargs):
        self.target = target
        # Render n/a (None) too: its cell says "n/a" with its badge, never a bare dash.
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def render(self, record, table):
        return target_cell(self.target.metric, record["row"], self.target, table.figures)

    def render_footer(self, table):
        return target_cell(self.target.metric, table.figures.total, self.target, table.figures)


class LinksColumn(tables.Column):
    empty_values = ()

    def render(self, record):
        links = record.get("links") or []
        if not links:
            return ""
        (first_url, first_label), rest = links[0], links[1:]
        more = format_html_join(" · ", '<a class="text-nowrap" href="{}">{}</a>', rest)
        return format_html(
            '<a class="btn btn-sm btn-outline-primary text-nowrap" href="{}">{}</a>'
            '<div class="small mt-1 row-links">{}</div>',
            first_url,
            first_label,
            more,
        )

    def render_footer(self, table):
        return ""


def total_label(total: metrics.Row) -> str:
    if total.locality is None:
        return _("Whole country")
    return _("Total: %(name)s") % {"name": total.locality.name}


class FigureData(TableListData):
    """List data sorted on one column, a not-applicable figure (None) last in both directions
    (django-tables2 alone would put it first when ascending)."""

    def order_by(self, aliases):
        for alias in reversed(list(aliases)):
            descending = str(alias).startswith("-")
            bound_column = self.table.columns[OrderBy(alias).bare]
            for accessor in reversed(list(bound_column.order_by)):
                key = str(accessor).lstrip("-")
                present = [r for r in self.data if r.get(key) is not None]
                missing = [r for r in self.data if r.get(key) is None]
                present.sort(key=lambda r, key=key: r[key], reverse=descending)
                self.data = present + missing


class ComplianceTable(tables.Table):
    locality = LocalityColumn(
        verbose_name=gettext_lazy("Locality"), accessor="name", order_by=("sort_name",)
    )
    establishments = CountColumn(
        verbose_name=gettext_lazy("Establishments"),
        accessor="establishments",
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )

    class Meta:
        orderable = True
        attrs = {
            "class": "table table-sm align-middle compliance-table",
            "thead": {"class": "table-light"},
            "tfoot": {"class": "table-group-divider fw-semibold"},
        }
        row_attrs = {"data-code": lambda record: record["code"]}

    def __init__(self, figures: metrics.Table, records: list[dict], **kwargs):
        self.figures = figures
        extra = []
        for target in figures.targets:
            if target.metric not in metrics.TARGET_FIGURES:
                continue
            extra.append(
                (
                    f"target_{target.metric}",
                    TargetColumn(
                        target,
                        verbose_name=target.get_metric_display(),
                        accessor=f"sort_{target.metric}",
                        attrs={"th": {"class": "target-col", "title": str(target)}},
                    ),
                )
            )
        extra.append(
            ("links", LinksColumn(verbose_name=gettext_lazy("Next steps"), orderable=False))
        )
        super().__init__(FigureData(records), extra_columns=extra, **kwargs)


def records_for(figures: metrics.Table, url_for, links_for) -> list[dict]:
    """The rows of a metrics.Table as dicts for ComplianceTable (with sort keys)."""
    records = []
    for row in figures.rows:
        place = row.locality
        record = {
            "row": row,
            "name": place.name,
            "code": place.code,
            "sort_name": sort_text(place.short_name or place.name),
            "establishments": row.values["establishments_operating"],
            "url": url_for(place),
            "links": links_for(place),
        }
        for metric, names in metrics.TARGET_FIGURES.items():
            value = row.values[names[0]]
            record[f"sort_{metric}"] = value  # None (n/a) sorts last: see FigureData
        records.append(record)
    return records
