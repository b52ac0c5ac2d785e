"""The plan's final review (tổng kết): every target in every year and over the whole plan, the
localities that reached each target every year and those that never did, the trend of each
figure, and what remained at the plan's end — for the nation (its provinces) or a province
(its communes). The page (plan_tracker/dashboards/review_views.py) and the official document
(PDF and DOCX, exchange/documents.py) are drawn from one Review.

Where the figures of a year come from
-------------------------------------
``year_figures`` is the one place that says which figures of a year the review shows. It gives
the live figures (metrics.compliance_table for the year, as of its last day or A if earlier),
marked "live (not approved)"; a year's approved snapshot, where one exists, is to be preferred
there and nowhere else.

Queries: a fixed number per year (one compliance table each), plus two grouped queries for
the remainder — never one per locality.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchange import documents
from exchange.exports import compliance
from localities.models import Level, Locality
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.approvals import approved_row, states_for
from plan_tracker.models import Plan
from plan_tracker.status import Status

# Long lists in the document are summed up: their count, then the largest this many.
LIST_LIMIT = 20
LIVE = "live"
APPROVED = "approved"
PARTLY_APPROVED = "partly approved"


@dataclass
class YearFigures:
    """The figures of one year of a review: a compliance table and where it comes from."""

    year: int
    table: metrics.Table
    source: str  # LIVE, APPROVED (every row from its approved snapshot) or PARTLY_APPROVED
    as_of: datetime.date
    approved_rows: int = 0

    @property
    def approved(self) -> bool:
        return self.source != LIVE

    @property
    def source_label(self) -> str:
        if self.source == APPROVED:
            return _("approved")
        if self.source == PARTLY_APPROVED:
            return _("approved for %(count)s of %(total)s, live for the others") % {
                "count": self.approved_rows,
                "total": len(self.table.rows),
            }
        return _("live (not approved)")


def year_figures(
    plan: Plan,
    year: int,
    frame: Frame,
    *,
    as_of: datetime.date,
    level: str = Level.PROVINCE,
    locality: Locality | None = None,
) -> YearFigures:
    """The figures of `year` for the review, as of the year's last day (or A, if the year has
    not ended at A): each province's (or, in a province's review, each commune's) from its
    approved snapshot where the province's year is approved, the live ones elsewhere."""
    day = metrics.end_of(year, as_of)
    table = metrics.compliance_table(
        frame, year=year, as_of=day, plan=plan, level=level, locality=locality
    )
    # Where a province's year is approved, its figures (the province's, or its communes') are
    # the approved snapshot's: one query for every province of the table.
    provinces = {
        row.locality.pk if row.locality.is_province else row.locality.province_id
        for row in table.rows
        if row.locality is not None
    }
    approvals = states_for(plan=plan, year=year, province_ids=provinces)
    approved_rows = 0
    rows = []
    for row in table.rows:
        place = row.locality
        province_id = place.pk if place.is_province else place.province_id
        approved = approved_row(approvals.get(province_id), place)
        if approved is not None:
            approved_rows += 1
            rows.append(approved)
        else:
            rows.append(row)
    table.rows = rows
    if approved_rows and approved_rows == len(rows):
        source = APPROVED
    elif approved_rows:
        source = PARTLY_APPROVED
    else:
        source = LIVE
    return YearFigures(
        year=year, table=table, source=source, as_of=day, approved_rows=approved_rows
    )


@dataclass
class PlaceReview:
    """One locality (or the whole, locality None) over the plan."""

    locality: Locality | None
    rows: dict[int, metrics.Row]
    targets: dict[str, metrics.PlanTarget]
    never_inspected: int = 0
    reports_overdue: int = 0

    @property
    def name(self) -> str:
        return self.locality.name if self.locality else _("Whole country")

    @property
    def size(self) -> int:
        """Establishments open at the end of the last year reviewed: what "largest" means."""
        last = max(self.rows)
        return self.rows[last].values["establishments_open_at_end"]

    @property
    def has_records(self) -> bool:
        return any(metrics.has_records(row) for row in self.rows.values())


@dataclass
class Review:
    plan: Plan
    locality: Locality | None
    level: str
    as_of: datetime.date
    years: list[YearFigures]
    targets: list
    total: PlaceReview
    places: list[PlaceReview] = field(default_factory=list)

    @property
    def end(self) -> datetime.date:
        return metrics.plan_end(self.plan, self.as_of)

    @property
    def plan_over(self) -> bool:
        return self.as_of >= self.plan.last_day

    @property
    def all_live(self) -> bool:
        return all(not y.approved for y in self.years)

    def largest_first(self, places) -> list[PlaceReview]:
        return sorted(places, key=lambda p: (-p.size, p.locality.code))

    def verdicts(self) -> list[dict]:
        """For each target: the localities that reached it every year judged, and those that
        never did (largest first)."""
        result = []
        for target in self.targets:
            every = [p for p in self.places if p.targets[target.metric].verdict == "every"]
            never = [p for p in self.places if p.targets[target.metric].verdict == "never"]
            result.append(
                {
                    "target": target,
                    "every": self.largest_first(every),
                    "never": self.largest_first(never),
                }
            )
        return result


def build_review(frame: Frame, *, plan: Plan, as_of: datetime.date, locality=None) -> Review:
    """The review of the nation (locality None: its provinces) or of a province (its
    communes)."""
    level = Level.PROVINCE if locality is None else Level.COMMUNE
    targets = [t for t in plan.targets.all() if t.metric in metrics.TARGET_FIGURES]
    years = [
        year_figures(plan, year, frame, as_of=as_of, level=level, locality=locality)
        for year in plan.years
        if metrics.year_start(year) <= as_of
    ]
    if not years:  # the plan has not begun at A: its first year, all n/a
        years = [
            year_figures(plan, plan.first_year, frame, as_of=as_of, level=level, locality=locality)
        ]
    remainder = metrics.remainder_by_locality(
        frame, plan=plan, as_of=as_of, level=level, locality=locality
    )

    def place_review(place, rows):
        pk = place.pk if place is not None else None
        never = remainder["never_inspected"]
        overdue = remainder["reports_overdue"]
        return PlaceReview(
            locality=place,
            rows=rows,
            targets=metrics.whole_plan(rows, plan, targets),
            never_inspected=never.get(pk, 0) if pk else sum(never.values()),
            reports_overdue=overdue.get(pk, 0) if pk else sum(overdue.values()),
        )

    first = years[0].table
    places = []
    for index, row in enumerate(first.rows):
        rows = {y.year: y.table.rows[index] for y in years}
        places.append(place_review(row.locality, rows))
    total = place_review(first.total.locality, {y.year: y.table.total for y in years})
    if locality is not None:
        # The province's own total counts what is placed at the province itself too.
        total.never_inspected = sum(remainder["never_inspected"].values())
        total.reports_overdue = sum(remainder["reports_overdue"].values())
    return Review(
        plan=plan,
        locality=locality,
        level=level,
        as_of=as_of,
        years=years,
        targets=targets,
        total=total,
        places=places,
    )


# ---------------------------------------------------------------------------------------------
# The document


def _status_word(status: str) -> str:
    return str(Status(status).label)


def _verdict_word(verdict: str) -> str:
    return {
        "every": _("reached every year"),
        "never": _("never reached"),
        "some": _("reached some years"),
        "none": _("not applicable"),
    }[verdict]


def _summed_up(places: list[PlaceReview], what: str, url: str) -> list:
    """A list of localities as the document gives it: all of them when short, otherwise their
    count, the LIST_LIMIT largest and where the full list is."""
    if not places:
        return [documents.Paragraph(_("%(what)s: none.") % {"what": what})]
    blocks = [
        documents.Paragraph(
            ngettext(
                "%(what)s: %(count)s locality.", "%(what)s: %(count)s localities.", len(places)
            )
            % {"what": what, "count": len(places)}
        )
    ]
    shown = places[:LIST_LIMIT]
    blocks.append(documents.Items([f"{p.name} ({p.locality.code})" for p in shown]))
    if len(places) > LIST_LIMIT:
        blocks.append(
            documents.Paragraph(
                _("The %(n)s largest are listed; the full table:") % {"n": LIST_LIMIT},
                note=True,
                url=url,
            )
        )
    return blocks


def review_document(review: Review, *, today: datetime.date, urls: dict) -> documents.Document:
    """The review as an official document. `urls` (absolute): "table" (the full compliance
    table), "never_inspected" (the establishments never inspected), "reports" (the reports)."""
    plan = review.plan
    where = review.locality.name if review.locality else _("the whole country")
    parts = _("communes") if review.locality else _("provinces")
    head = documents.letterhead_for(review.locality, today, symbol="BC")
    blocks = []
    years_text = ", ".join(f"{y.year}: {y.source_label}, {y.as_of:%d/%m/%Y}" for y in review.years)
    blocks.append(
        documents.Paragraph(
            _(
                "The figures of each year are those as of its last day (or as of %(day)s for a "
                "year not yet over), by the rules of the plan's figures. Where a year's figures "
                "have been approved they are used and said so; otherwise they are the live "
                "figures. Years: %(years)s."
            )
            % {"day": review.as_of.strftime("%d/%m/%Y"), "years": years_text},
            note=True,
        )
    )

    # I. The targets, year by year and over the whole plan.
    blocks.append(documents.Heading(_("I. The targets, year by year and over the plan")))
    header = [_("Target"), _("Threshold")] + [str(y.year) for y in review.years]
    header += [_("Whole plan"), _("Years reached")]
    rows = []
    for target in review.targets:
        pct_name = metrics.TARGET_FIGURES[target.metric][0]
        cells = [target.get_metric_display(), f"≥ {documents.display(target.threshold)}%"]
        for y in review.years:
            row = review.total.rows[y.year]
            value = row.values[pct_name]
            status = _status_word(row.status(target.metric))
            cells.append(
                f"{documents.display(value)}% ({status})" if value is not None else f"– ({status})"
            )
        whole = review.total.targets[target.metric]
        cells.append(f"{documents.display(whole.value)}%" if whole.value is not None else "–")
        cells.append(_verdict_word(whole.verdict))
        rows.append(cells)
    blocks.append(documents.Table(header=header, rows=rows, id="review-targets"))
    blocks.append(
        documents.Paragraph(
            _(
                "Whole plan: annual inspection and reports on time from the counts summed over "
                "the years; coverage at the plan's end; growth of cases: the last year against "
                "the year before the plan."
            ),
            note=True,
        )
    )

    # II. Who reached each target every year, who never did.
    if review.places:
        blocks.append(
            documents.Heading(
                _("II. The %(parts)s that reached each target every year, and those that never did")
                % {"parts": parts}
            )
        )
        for verdict in review.verdicts():
            target = verdict["target"]
            blocks.append(documents.Heading(target.get_metric_display(), level=2))
            blocks += _summed_up(verdict["every"], _("Reached every year"), urls["table"])
            blocks += _summed_up(verdict["never"], _("Never reached"), urls["table"])

    # III. The trend of each figure.
    blocks.append(documents.Heading(_("III. The trend of each figure")))
    trend_rows = []
    for name in metrics.FIGURES:
        values = [(y.year, review.total.rows[y.year].values[name]) for y in review.years]
        trend_rows.append([compliance.column_label(name), documents.Trend(values)])
    blocks.append(
        documents.Table(
            header=[_("Figure"), " → ".join(str(y.year) for y in review.years)],
            rows=trend_rows,
            id="review-trend",
        )
    )

    # IV. What remained at the plan's end.
    end = review.end.strftime("%d/%m/%Y")
    blocks.append(documents.Heading(_("IV. What remained on %(day)s") % {"day": end}))
    blocks.append(
        documents.Paragraph(
            ngettext(
                "%(count)s establishment operating on %(day)s was never inspected since the "
                "plan began.",
                "%(count)s establishments operating on %(day)s were never inspected since the "
                "plan began.",
                review.total.never_inspected,
            )
            % {"count": documents.display(review.total.never_inspected), "day": end},
            url=urls["never_inspected"],
        )
    )
    blocks.append(
        documents.Paragraph(
            ngettext(
                "%(count)s report was overdue on %(day)s.",
                "%(count)s reports were overdue on %(day)s.",
                review.total.reports_overdue,
            )
            % {"count": documents.display(review.total.reports_overdue), "day": end}
        )
    )
    blocks.append(
        documents.Paragraph(
            _("The reports list shows those overdue today:"), note=True, url=urls["reports"]
        )
    )
    left = [p for p in review.places if p.never_inspected or p.reports_overdue]
    if left:
        left.sort(key=lambda p: (-(p.never_inspected + p.reports_overdue), p.locality.code))
        shown = left[:LIST_LIMIT]
        blocks.append(
            documents.Table(
                header=[_("Locality"), _("Never inspected"), _("Reports overdue")],
                rows=[[p.name, p.never_inspected, p.reports_overdue] for p in shown],
                id="review-remainder",
            )
        )
        if len(left) > LIST_LIMIT:
            blocks.append(
                documents.Paragraph(
                    _(
                        "%(shown)s of the %(count)s localities with something left are listed, "
                        "the most first."
                    )
                    % {"shown": LIST_LIMIT, "count": len(left)},
                    note=True,
                )
            )
    return documents.Document(
        letterhead=head,
        kind=_("Report").upper(),
        title=_("Final review of %(plan)s: %(where)s") % {"plan": plan, "where": where},
        blocks=blocks,
    )
