"""The compliance table on a page: one row per locality, one column per target with its figure,
a progress bar against the threshold and a status badge; the total (nation or province) in the
footer. Sortable by name, establishments and each target's figure, n/a always last.

Built for a province of ~170 communes (~1,200 cells) as much as for the nation's 34 provinces:
what is the same on every row — each target's goal and markers, the badges, the translated
words, the number format — is worked out once per table, and each row becomes one HTML string
here, its text escaped as it goes in. The template (plan_tracker/_compliance_table.html) only
loops over the rows: no bound column, per-cell template or format_html per cell.
"""

import html
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from urllib.parse import urlencode

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from localities.collation import sort_key
from plan_tracker import metrics
from plan_tracker.models import Metric
from plan_tracker.status import Status, status_info


def esc(value) -> str:
    """What django.utils.html.escape gives, without its lazy-string wrapper (hot path)."""
    return html.escape(str(value), quote=True)


def sort_text(text: str) -> tuple:
    """Vietnamese names sorted as readers expect, in the alphabet's order (the database's
    collation, localities.collation)."""
    return sort_key(text)


class Numbers:
    """Django's number_format(value, 1) with the active language's separators looked up once
    (number_format looks them up on every call)."""

    def __init__(self):
        lang = get_language()
        self.decimal_sep = get_format("DECIMAL_SEPARATOR", lang, use_l10n=True)
        self.grouping = get_format("NUMBER_GROUPING", lang, use_l10n=True)
        self.thousand_sep = get_format("THOUSAND_SEPARATOR", lang, use_l10n=True)
        self.grouped = settings.USE_THOUSAND_SEPARATOR and self.grouping != 0

    def one(self, value) -> str:
        """One decimal, rounded half up (numberformat alone would cut 163.77 to 163.7)."""
        if type(value) is not Decimal:
            value = _decimal(value)
        value = value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
        if not self.grouped:
            # The figures' percentages come rounded to one decimal: "30.5" -> "30,5", what
            # numberformat gives (which also writes -0.0 as 0,0), ten times faster.
            text = f"{value:f}"
            if text[-2:-1] == "." and len(text) < 100:
                if text == "-0.0":
                    text = "0.0"
                return text[:-2] + self.decimal_sep + text[-1]
        return numberformat.format(
            value, self.decimal_sep, 1, self.grouping, self.thousand_sep, use_l10n=True
        )

    def pct(self, value) -> str:
        if value is None:
            return _("n/a")
        return self.one(value) + "%"

    def signed_pct(self, value) -> str:
        if value is None:
            return _("n/a")
        return ("+" if value > 0 else "") + self.one(value) + "%"


ONE_DECIMAL = Decimal("0.1")


def _decimal(value) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


def badge(status: str) -> str:
    info = status_info(status)
    return SafeString(
        f'<span class="badge badge-status text-bg-{info["colour"]} status-{info["id"]}">'
        f'<span aria-hidden="true">{info["symbol"]}</span> {esc(info["label"])}</span>'
    )


def clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def percent_class(value: float) -> int:
    """The whole percent of static/css/percent.css (pct-N, at-N) nearest a 0–100 value: the
    Content-Security-Policy refuses style attributes, and a bar drawn to the percent is exact
    to the eye."""
    return round(clamp(value))


def markers_html(marker: float | None, final: float | None) -> str:
    """The bar's goal marks: a solid line for what is expected by now, a dashed one for the
    target when it differs (both explained once in the legend above the table)."""
    parts = []
    if marker is not None:
        parts.append(f'<span class="marker at-{percent_class(marker)}"></span>')
    if final is not None:
        parts.append(f'<span class="marker marker-final at-{percent_class(final)}"></span>')
    return "".join(parts)


_STRIPED = {Status.BEHIND.value, Status.NOT_MET.value}


class TargetCells:
    """One target's cells in one table: the goal, markers, badges and words worked out once,
    then `cell(row)` for each row and the total."""

    def __init__(self, target, table: metrics.Table, numbers: Numbers | None = None):
        self.metric = metric = target.metric
        self.pct_name, self.num_name = metrics.TARGET_FIGURES[metric][:2]
        self.numbers = numbers = numbers or Numbers()
        self.growth = metric == Metric.CASES_GROWTH
        goal = float(
            metrics.goal_now(
                metric, target.threshold, year=table.year, as_of=table.as_of, plan=table.plan
            )
        )
        threshold = float(target.threshold)
        self.badges = {s.value: badge(s) for s in Status}
        if self.growth:
            # The bar's scale depends on each row's cases: see bar().
            # Last year's cases times these factors keep pace by A, and by the year's end.
            self.factor_now = float(
                metrics.growth_factor(target.threshold, year=table.year, as_of=table.as_of)
            )
            self.factor_final = float(
                metrics.growth_factor(
                    target.threshold, year=table.year, as_of=metrics.year_end(table.year)
                )
            )
            self.final_differs = self.factor_now != self.factor_final
            self.words = _("%(current)s cases handled; %(needed)s keep pace with the target")
            self.counts_words = _("%(current)s vs %(previous)s last year")
            self.not_applicable = _("not applicable")
        else:
            # The same marks on every row.
            final = clamp(threshold) if abs(goal - threshold) > 1e-9 else None
            self.markers = markers_html(clamp(goal), final)
            self.goal_text = numbers.one(goal) + "%"
            self.words = _("%(value)s against %(goal)s expected")

    def bar(self, values, value) -> tuple[float, str, str]:
        """(fill 0–100, markers, what the bar says in words)."""
        if not self.growth:
            fill = clamp(float(value)) if value is not None else 0.0
            text = self.words % {"value": self.numbers.pct(value), "goal": self.goal_text}
            return fill, self.markers, text
        current, previous = values["cases_handled"], values["cases_handled_prev_year"]
        if not previous:
            return 0.0, "", self.not_applicable
        needed_now = previous * self.factor_now
        needed_final = previous * self.factor_final
        scale = max(needed_final, current) or 1
        marks = markers_html(
            clamp(needed_now / scale * 100),
            clamp(needed_final / scale * 100) if self.final_differs else None,
        )
        text = self.words % {"current": current, "needed": self.numbers.one(needed_now)}
        return clamp(current / scale * 100), marks, text

    def counts(self, values) -> str:
        numerator = values[self.num_name]
        denominator = metrics.denominator(self.metric, values)
        if self.growth:
            return esc(self.counts_words % {"current": numerator, "previous": denominator})
        return f"{numerator} / {denominator}"

    def cell_with_approved(self, row: metrics.Row, approved: metrics.Row | None) -> str:
        """The row's cell; for an approved year the approved figures' cell, and under it,
        marked, the live figure when it now differs from the approved one."""
        if approved is None:
            return self.cell(row)
        cell = self.cell(approved)
        live, then = row.values, approved.values
        if _same(live[self.pct_name], then[self.pct_name]) and self.counts(live) == self.counts(
            then
        ):
            return cell
        figure = self.numbers.pct(live[self.pct_name])
        words = esc(_("The live figure now differs from the approved one"))
        return (
            f'{cell}<div class="tc-live small text-danger" title="{words}">'
            f'<span aria-hidden="true">≠</span> {esc(_("Now"))}: '
            f'<span class="figure-num">{figure}</span> ({self.counts(live)})</div>'
        )

    def cell(self, row: metrics.Row) -> str:
        values = row.values
        status = str(row.status(self.metric))
        value = values[self.pct_name]
        badge_html = self.badges[status]
        counts = self.counts(values)
        if value is None:
            # Nothing to measure: no bar, so the figures that exist stand out; the badge says n/a.
            return (
                f'<div class="target-cell" data-status="{status}"><div class="tc-head">'
                f'<span class="figure-num text-body-secondary">–</span>{badge_html}</div>'
                f'<div class="tc-counts figure-num">{counts}</div></div>'
            )
        figure = self.numbers.signed_pct(value) if self.growth else self.numbers.pct(value)
        fill, marks, text = self.bar(values, value)
        text = esc(text)
        striped = " progress-bar-striped" if status in _STRIPED else ""
        return (
            f'<div class="target-cell" data-status="{status}"><div class="tc-head">'
            f'<span class="figure-num fw-semibold">{figure}</span>{badge_html}</div>'
            f'<div class="progress target" role="img" aria-label="{text}" title="{text}">'
            f'<div class="progress-bar bg-{Status.colour(status)}{striped}'
            f' pct-{percent_class(fill)}"></div>{marks}</div>'
            f'<div class="tc-counts figure-num">{counts}</div></div>'
        )


def _same(live, approved) -> bool:
    """A live percentage (Decimal) and an approved one (as stored: a float), to one decimal."""
    if live is None or approved is None:
        return live is None and approved is None
    return _decimal(live).quantize(ONE_DECIMAL) == _decimal(approved).quantize(ONE_DECIMAL)


def approval_badge(approval) -> str:
    """The state of a province's year, as a badge (absent: not submitted)."""
    from plan_tracker.approvals import State

    state = approval.state if approval is not None else State.NOT_SUBMITTED
    return (
        f'<span class="badge text-bg-{State.colour(state)} approval-state" '
        f'data-state="{state}">{esc(State(state).label)}</span>'
    )


def target_cell(
    target, row: metrics.Row, table: metrics.Table, approved: metrics.Row | None = None
) -> str:
    """One target's cell on its own (the work lists' summary); for an approved year, the
    approved figures' cell with the live figure under it where it now differs."""
    return SafeString(TargetCells(target, table).cell_with_approved(row, approved))


def total_label(total: metrics.Row) -> str:
    if total.locality is None:
        return _("Whole country")
    return _("Total: %(name)s") % {"name": total.locality.name}


def bare(alias: str) -> str:
    """A sort alias without its direction ("-locality" -> "locality")."""
    return alias[1:] if alias.startswith("-") else alias


class Column:
    """A column's header: `name` is its sort alias (?sort=name or -name), `keys` the record
    keys it sorts on (None: not sortable)."""

    def __init__(self, name, label, keys=None, th_class="", title=""):
        self.name, self.label, self.keys = name, label, keys
        self.th_class, self.title = th_class, title


class ComplianceTable:
    """The rows of a compliance table (records_for), sorted as asked, rendered once each."""

    def __init__(
        self,
        figures: metrics.Table,
        records: list[dict],
        *,
        order_by=None,
        query=None,
        approval_column: bool = False,
        approved_total: metrics.Row | None = None,
    ):
        """`approval_column`: a column with each row's approval state (the records carry
        "approval", and "approved" for an approved year's figures). `approved_total`: the
        total's approved figures (a province's approved year)."""
        self.figures = figures
        self.approval_column = approval_column
        self.approved_total = approved_total
        self.query = query if query is not None else {}
        self.numbers = Numbers()
        self.targets = [t for t in figures.targets if t.metric in metrics.TARGET_FIGURES]
        self.cells = [TargetCells(t, figures, self.numbers) for t in self.targets]
        self.columns = [
            Column("locality", _("Locality"), ("sort_name",)),
            *([Column("approval", _("Approval"), ("sort_approval",))] if approval_column else []),
            Column("establishments", _("Establishments"), ("establishments",), "text-end"),
            *(
                Column(
                    f"target_{t.metric}",
                    t.get_metric_display(),
                    (f"sort_{t.metric}",),
                    "target-col",
                    str(t),
                )
                for t in self.targets
            ),
            Column("links", _("Next steps")),
        ]
        self.order_by = self._valid_order(order_by)
        self.data = self._sorted(records)
        # Each cell's column named on the cell itself: on a phone a row becomes a card with no
        # header above its cells, and the stylesheet writes these names (data-label) instead.
        self.establishments_td = f'<td class="text-end" data-label="{esc(_("Establishments"))}">'
        self.target_tds = [f'<td data-label="{esc(t.get_metric_display())}">' for t in self.targets]
        self.approval_td = f'<td data-label="{esc(_("Approval"))}">'

    # --- sorting (as django-tables2 did: ?sort=a or -a, several comma-separated; unknown
    # names ignored), a figure that does not apply (None) last in both directions.

    def _valid_order(self, order_by) -> list[str]:
        if not order_by:
            return []
        aliases = order_by.split(",") if isinstance(order_by, str) else list(order_by)
        sortable = {c.name for c in self.columns if c.keys}
        return [alias for alias in aliases if bare(alias) in sortable]

    def _sorted(self, records: list[dict]) -> list[dict]:
        by_name = {c.name: c for c in self.columns}
        data = list(records)
        for alias in reversed(self.order_by):
            descending = alias.startswith("-")
            for key in reversed(by_name[bare(alias)].keys):
                present = [r for r in data if r.get(key) is not None]
                missing = [r for r in data if r.get(key) is None]
                present.sort(key=lambda r, key=key: r[key], reverse=descending)
                data = present + missing
        return data

    # --- what the template draws

    @cached_property
    def header(self) -> list[dict]:
        """Each column's <th>: its classes, title, sort link and aria-sort."""
        current = {
            bare(alias): ("desc" if alias.startswith("-") else "asc") for alias in self.order_by
        }
        # The page's query string kept (every value of a repeated key), its sort replaced.
        query = self.query
        params = dict(query.lists()) if hasattr(query, "lists") else dict(query)
        cells = []
        for column in self.columns:
            classes = set(column.th_class.split())
            href = aria_sort = None
            if column.keys:
                classes.add("orderable")
                direction = current.get(column.name)
                if direction:
                    classes.add(direction)
                    aria_sort = "ascending" if direction == "asc" else "descending"
                # Sorted ascending: the link sorts descending; otherwise ascending.
                next_alias = f"-{column.name}" if direction == "asc" else column.name
                href = "?" + urlencode({**params, "sort": next_alias}, doseq=True)
            cells.append(
                {
                    "label": column.label,
                    "class": " ".join(sorted(classes)),
                    "title": column.title,
                    "href": href,
                    "aria_sort": aria_sort,
                }
            )
        return cells

    @cached_property
    def rows(self) -> list[tuple[str, str]]:
        """(code, the row's cells as HTML) for each row, in order."""
        return [(record["code"], SafeString(self._row(record))) for record in self.data]

    def _row(self, record: dict) -> str:
        row = record["row"]
        url = record.get("url")
        name = esc(record["name"])
        if url:
            link = f'<a href="{esc(url)}" class="fw-semibold">{name}</a>'
        else:
            link = f'<span class="fw-semibold">{name}</span>'
        parts = [
            f'<td>{link} <span class="text-body-secondary small">{esc(record["code"])}</span></td>'
        ]
        if self.approval_column:
            state = approval_badge(record.get("approval"))
            url = record.get("approval_url")
            if url:
                state = f'<a href="{esc(url)}">{state}</a>'
            parts.append(f"{self.approval_td}{state}</td>")
        parts.append(
            f"{self.establishments_td}"
            f'<span class="figure-num">{record["establishments"]}</span></td>'
        )
        approved = record.get("approved")
        for td, cells in zip(self.target_tds, self.cells, strict=True):
            parts.append(f"{td}{cells.cell_with_approved(row, approved)}</td>")
        parts.append(f"<td>{self._links(record.get('links'))}</td>")
        return "".join(parts)

    @staticmethod
    def _links(links) -> str:
        if not links:
            return ""
        (first_url, first_label), rest = links[0], links[1:]
        first = (
            f'<a class="btn btn-sm btn-outline-primary text-nowrap" href="{esc(first_url)}">'
            f"{esc(first_label)}</a>"
        )
        if not rest:
            return first
        more = " · ".join(
            f'<a class="text-nowrap" href="{esc(url)}">{esc(label)}</a>' for url, label in rest
        )
        return f'{first}<div class="small mt-1 row-links">{more}</div>'

    @cached_property
    def footer(self) -> str:
        total = self.figures.total
        parts = [
            f'<td><span class="fw-bold">{esc(total_label(total))}</span></td>'
            + ("<td></td>" if self.approval_column else "")
            + f'{self.establishments_td}<span class="figure-num fw-bold">'
            f"{total.values['establishments_operating']}</span></td>"
        ]
        for td, cells in zip(self.target_tds, self.cells, strict=True):
            parts.append(f"{td}{cells.cell_with_approved(total, self.approved_total)}</td>")
        parts.append("<td></td>")
        return SafeString("".join(parts))


def records_for(figures: metrics.Table, url_for, links_for, approval_for=None) -> list[dict]:
    """The rows of a metrics.Table as dicts for ComplianceTable (with sort keys).

    `approval_for(place)`, when given: (the year's approval or None, its page's URL, the
    approved figures of the row as a metrics.Row or None)."""
    records = []
    sort_keys = [(f"sort_{metric}", names[0]) for metric, names in metrics.TARGET_FIGURES.items()]
    for row in figures.rows:
        place = row.locality
        values = row.values
        record = {
            "row": row,
            "name": place.name,
            "code": place.code,
            "sort_name": sort_text(place.short_name or place.name),
            "establishments": values["establishments_operating"],
            "url": url_for(place),
            "links": links_for(place),
        }
        for key, name in sort_keys:
            record[key] = values[name]  # None (n/a) sorts last: see ComplianceTable._sorted
        if approval_for is not None:
            approval, url, approved = approval_for(place)
            record["approval"], record["approval_url"], record["approved"] = approval, url, approved
            record["sort_approval"] = approval.state if approval is not None else ""
        records.append(record)
    return records
