"""The figures of the plan (plan-rules §7) and the status of each target, computed in the
database; the only module that computes a figure. Pages, exports, the API and the commands
call it with a Frame (the records a reader may see, already restricted) and never count
records themselves.

Queries
-------
A whole table (34 provinces, every commune of a province, or every commune of the nation) costs
a constant number of queries, whatever the number of localities and records: the plan and its
targets (skipped when given and prefetched), the rows' localities (with each province's number
of communes), then one grouped query per kind of record (establishments, reports, cases,
activities, and the inspections of in-scope establishments for the inspections made) with
conditional counts, folded into rows in Python. ``compliance_series`` gives the same table for
several years in the same number of queries: each year adds conditional aggregates, not a query.
``judged_series`` judges the same counts against several plans (the plans in force,
``Plan.objects.in_force``) in the same number of queries again: each plan adds its targets'
statuses, computed in Python.

"Inspected" is read from the summaries of inspections (localities.models.InspectedYears, the
years of each establishment, and FirstInspection, the first date of each of those years; kept by
database triggers in the same transaction as every write) for any as-of date: the whole years
from the years, and the year containing A, when an inspection is dated after A in it (one index
probe says so), from its first dates. Only years outside the summaries' range (2000–2062) are
probed establishment by establishment.

Rules that are choices of this module
-------------------------------------
* The definitions of "operating", "inspected in a window" and a report's state on a day are
  the records' own (EstablishmentQuerySet, ReportQuerySet): this module only combines them.
* A larger locality's figures are the sums of the counts, its percentages computed from those
  sums. Records placed at the province itself (a report or a case whose locality is the
  province) count in the province's row and in the total of its communes' table, though in
  none of the commune rows.
* Percentages are ``Decimal`` with one decimal (ROUND_HALF_UP), ``None`` when the denominator
  is 0. Statuses compare exact fractions, never the rounded percentages (19.96% shows as 20.0%
  but does not meet a 20% threshold).
* A year is finished when A ≥ 31/12/Y: an as-of date of 31 December judges the year whole
  (met / not met), not on track / behind.
* In the running year, cases_growth is on track when the year's cases so far reach last year's
  × (1 + threshold) × the elapsed share (``growth_factor``); the figure cases_growth_pct
  itself stays as §7 defines it, so it is usually negative while the status is on track.
* full_coverage is judged against the straight line from 0% on the plan's first day to the
  threshold on its last day until E reaches the last day, also for a finished year before the
  plan's last one (``coverage_line``).
* A count target ("at least N in the year", COUNT_FIGURES) is met when its figure reaches N
  at the end of a finished year; in the running year it is on track when the figure reaches
  N × the elapsed share. inspections_made counts inspections (two of one establishment count
  twice) of in-scope establishments, dated in [1 Jan Y, E].
* A target set for the province as a whole (Target.applies_to) judges no commune row; a
  province's plan judges only that province and its communes.
* A report's deadline at A is the one in force on A (ReportQuerySet.deadline_on): the base
  limit plus the extensions decided on or before A. An extension decided after A does not
  exist at A, like anything else dated after it; one recorded without a decision date (before
  decisions were dated) counts from the day it was recorded.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery, Sum, Window
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from localities.models import Inspection, Level, Locality, Scheme
from localities.models.activities import ActivityQuerySet
from localities.models.records import (
    SUMMARY_FIRST_YEAR,
    SUMMARY_LAST_YEAR,
    CaseQuerySet,
    EstablishmentQuerySet,
    FirstInspection,
    InspectedYears,
    year_bits,
)
from localities.models.reports import ReportQuerySet
from localities.permissions import OutOfScope
from localities.selectors import Frame
from plan_tracker.models import Metric, Plan, Target
from plan_tracker.status import Status

# The figures of plan-rules §7.
RECORD_FIGURES = [
    "establishments_operating",
    "inspected_in_year",
    "inspected_in_year_pct",
    "establishments_open_at_end",
    "inspected_since_plan_start",
    "coverage_pct",
    "reports_received",
    "reports_handled",
    "reports_handled_on_time",
    "reports_pending",
    "reports_overdue",
    "reports_on_time_pct",
    "cases_handled",
    "cases_handled_prev_year",
    "cases_growth_pct",
]
# What count targets read besides (README, "Plans, targets and the plans in force").
PLAN_FIGURES = ["inspections_made"]
# The communication and training activities' figures (README, "Data model and figures").
ACTIVITY_FIGURES = [
    "activities_held",
    "people_reached",
    "communes",
    "communes_with_communication",
    "communication_pct",
]
FIGURES = RECORD_FIGURES + PLAN_FIGURES + ACTIVITY_FIGURES
PERCENTAGES = {
    "inspected_in_year_pct",
    "coverage_pct",
    "reports_on_time_pct",
    "cases_growth_pct",
    "communication_pct",
}
COUNTS = [f for f in FIGURES if f not in PERCENTAGES]
# The counts of records: a row with none of them has nothing recorded (its communes are places,
# not records).
RECORD_COUNTS = [f for f in COUNTS if f != "communes"]
LEADING = ["locality_code", "locality_name", "level", "year", "as_of"]
# The level of the nation's total row (localities are provinces or communes).
NATION_LEVEL = "nation"

# For each target: the percentage that measures it, its numerator and its denominator.
TARGET_FIGURES = {
    Metric.ANNUAL_INSPECTION: (
        "inspected_in_year_pct",
        "inspected_in_year",
        "establishments_operating",
    ),
    Metric.FULL_COVERAGE: (
        "coverage_pct",
        "inspected_since_plan_start",
        "establishments_open_at_end",
    ),
    Metric.REPORTS_ON_TIME: ("reports_on_time_pct", "reports_handled_on_time", "reports_due"),
    Metric.CASES_GROWTH: ("cases_growth_pct", "cases_handled", "cases_handled_prev_year"),
    Metric.COMMUNICATION_COVERAGE: ("communication_pct", "communes_with_communication", "communes"),
}
# The targets whose count grows through the year (establishments inspected, communes that held
# a communication activity): in the running year they are judged against the threshold × the
# elapsed share of the year.
PRO_RATED = {Metric.ANNUAL_INSPECTION, Metric.COMMUNICATION_COVERAGE}
# For each count target ("at least N in the year"): the figure it counts.
COUNT_FIGURES = {
    Metric.CASES_HANDLED_COUNT: "cases_handled",
    Metric.INSPECTIONS_COUNT: "inspections_made",
    Metric.ACTIVITIES_COUNT: "activities_held",
}
# Below this denominator a locality is "too few to compare" in a ranking.
MIN_COMPARABLE = 5
ONE_DECIMAL = Decimal("0.1")
ZERO_PCT = Decimal("0.0")


# ---------------------------------------------------------------------------------------------
# Dates


def year_start(year: int) -> datetime.date:
    return datetime.date(year, 1, 1)


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def end_of(year: int, as_of: datetime.date) -> datetime.date:
    """E = min(A, 31 December Y)."""
    return min(as_of, year_end(year))


def year_phase(year: int, as_of: datetime.date) -> str:
    """ "future" (not begun at A), "running" (contains A and not over), or "past"."""
    if as_of < year_start(year):
        return "future"
    if as_of >= year_end(year):
        return "past"
    return "running"


@functools.lru_cache(maxsize=256)
def elapsed_share(year: int, as_of: datetime.date) -> Fraction:
    """Days from 1 January through A, both counted, over the days of the year (0 to 1)."""
    if as_of < year_start(year):
        return Fraction(0)
    if as_of >= year_end(year):
        return Fraction(1)
    days_in_year = 366 if calendar.isleap(year) else 365
    return Fraction((as_of - year_start(year)).days + 1, days_in_year)


@functools.lru_cache(maxsize=256)
def exact(threshold: Decimal) -> Fraction:
    """A threshold as an exact fraction (remembered: a table judges thousands of rows against
    the same few thresholds)."""
    return Fraction(threshold)


@functools.lru_cache(maxsize=256)
def pro_rated(threshold: Decimal, year: int, as_of: datetime.date) -> Fraction:
    """The threshold times the elapsed share of the year at A."""
    return exact(threshold) * elapsed_share(year, as_of)


def reaches(amount, goal: Fraction, times: int = 1) -> bool:
    """amount ≥ goal × times, exactly, in integers (goal's denominator is positive)."""
    return amount * goal.denominator >= goal.numerator * times


def coverage_line(plan: Plan, threshold: Decimal, day: datetime.date) -> Fraction:
    """The straight line of full coverage: 0% on the plan's first day, threshold on its last."""
    return _coverage_line(plan.first_day, plan.last_day, threshold, day)


@functools.lru_cache(maxsize=256)
def _coverage_line(first_day, last_day, threshold, day) -> Fraction:
    span = (last_day - first_day).days
    done = min(max((day - first_day).days, 0), span)
    return Fraction(threshold) * Fraction(done, span or 1)


@functools.lru_cache(maxsize=4096)
def percentage(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator × 100 with one decimal, half up; None when denominator is 0
    (remembered: the rows of a table of communes share a few thousand small pairs). A fall
    too small to show (e.g. −1 / 3,000) is 0.0, not −0.0: equal values are written alike."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    rounded = value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return rounded if rounded else ZERO_PCT


# ---------------------------------------------------------------------------------------------
# The table


@dataclass
class Row:
    locality: Locality | None  # None for the nation
    values: dict
    level: str = ""

    def __getitem__(self, key):
        return self.values[key]

    @property
    def counts(self) -> dict:
        return {name: self.values[name] for name in COUNTS}

    def status(self, metric: str) -> str:
        return self.values.get(f"status_{metric}", Status.NOT_APPLICABLE)

    def denominator(self, metric: str) -> int:
        return denominator(metric, self.values)

    def too_few(self, metric: str) -> bool:
        """Fewer than MIN_COMPARABLE in the denominator: not comparable in a ranking."""
        return self.denominator(metric) < MIN_COMPARABLE


@dataclass
class Table:
    columns: list[str]
    rows: list[Row]
    total: Row
    plan: Plan
    targets: list[Target]
    year: int
    as_of: datetime.date
    level: str
    locality: Locality | None = None
    extra: dict = field(default_factory=dict)

    def as_dicts(self, *, total: bool = False) -> list[dict]:
        """Plain dicts in column order (as_of as "YYYY-MM-DD"); the total last if asked."""
        columns = self.columns
        return [dict(zip(columns, values, strict=True)) for values in self.value_rows(total=total)]

    def value_rows(self, *, total: bool = False) -> list[list]:
        """The values of as_dicts, as lists in column order."""
        rows = self.rows + ([self.total] if total else [])
        return plain_rows(rows, self.columns)

    def target(self, metric: str) -> Target | None:
        for target in self.targets:
            if target.metric == metric:
                return target
        return None

    @property
    def phase(self) -> str:
        return year_phase(self.year, self.as_of)


def plain_rows(rows, keys) -> list[list]:
    """Each row's values under `keys` (None for a key it lacks), dates as "YYYY-MM-DD". The
    columns holding a date are found column by column, then only their cells converted."""
    lists = [list(map(row.values.get, keys)) for row in rows]
    for at, column in enumerate(zip(*lists, strict=True)):
        if any(issubclass(kind, datetime.date) for kind in set(map(type, column))):
            for values in lists:
                if isinstance(values[at], datetime.date):
                    values[at] = values[at].isoformat()
    return lists


def denominator(metric: str, values: dict) -> int:
    if metric == Metric.REPORTS_ON_TIME:
        return values["reports_received"] - values["reports_pending"]
    names = TARGET_FIGURES.get(metric)
    return values[names[2]] if names else 0


# ---------------------------------------------------------------------------------------------
# Public entry points


def default_plan() -> Plan:
    plan = Plan.objects.filter(is_default=True).prefetch_related("targets").first()
    if plan is None:
        plan = Plan.objects.prefetch_related("targets").first()
    if plan is None:
        raise Plan.DoesNotExist("No plan is loaded: run the migrations.")
    return plan


def default_year(today: datetime.date | None = None) -> int:
    """The year a reading is about when none is asked for: the current year (the plans in force
    in it judge it; with none in force its figures are shown all the same)."""
    return (today or timezone.localdate()).year


def compliance_table(
    frame: Frame, *, year: int, as_of=None, plan=None, level=Level.PROVINCE, locality=None
) -> Table:
    """The figures of every locality of a table, and their total. See the module docstring."""
    return compliance_series(
        frame, years=[year], as_of=as_of, plan=plan, level=level, locality=locality
    )[year]


def compliance_series(
    frame: Frame, *, years, as_of=None, plan=None, level=Level.PROVINCE, locality=None
) -> dict[int, Table]:
    """The same table for several years, in as many queries as one table."""
    if plan is None:
        plan = default_plan()
    series = judged_series(
        frame, years=years, as_of=as_of, plans=[plan], level=level, locality=locality
    )
    return {year: tables[0] for year, tables in series.items()}


def judged_series(
    frame: Frame,
    *,
    years,
    as_of=None,
    plans,
    level=Level.PROVINCE,
    locality=None,
    every_figure: bool = True,
) -> dict[int, list[Table]]:
    """For each year, one table per plan (in the order given): the figures are counted once
    and every plan's targets are applied to them, so judging against several plans costs the
    queries of one table. Each table's inspected_since_plan_start and coverage_pct start on its
    own plan's first day; a province's plan judges only its province and the province's
    communes (the other rows of a national table say not applicable for it).

    `every_figure=False` is for a page that shows only the figures its plans judge:
    inspections_made (a scan of the year's inspections of its own) is then counted only when
    a plan judged has a target on it, and is None otherwise."""
    as_of = as_of or timezone.localdate()
    plans = list(plans)
    if not plans:
        raise ValueError("judged_series needs at least one plan")
    count_inspections = every_figure or any(
        t.metric == Metric.INSPECTIONS_COUNT for plan in plans for t in plan.targets.all()
    )
    years = sorted(set(years))
    rows_qs, total_locality = _rows_and_total(frame, level, locality)
    if level == Level.PROVINCE:
        # Each province's communes, counted with the rows: no query of their own.
        rows_qs = rows_qs.annotate(
            commune_count=Count(
                "members",
                filter=Q(members__level=Level.COMMUNE, members__scheme=Scheme.NEW),
            )
        )
    localities = _localities(rows_qs)
    if locality is None and total_locality is None and not frame.scope.national:
        total_locality = _scope_locality(frame, localities)

    sources = _Sources(frame, level, locality)
    counts = _count(years, as_of, sorted({p.first_year for p in plans}), sources, count_inspections)
    _count_communes(counts, years, localities)

    tables = {}
    for year in years:
        tables[year] = []
        for plan in plans:
            targets = list(plan.targets.all())
            columns = LEADING + FIGURES + [f"status_{t.metric}" for t in targets]
            sources = _value_sources(counts, year, plan)
            rules = _status_rules(plan, targets, year, as_of)
            rows = [
                _row(place, level, year, as_of, plan, rules, _counts_of(sources, place.pk))
                for place in localities
            ]
            total_values = _values(counts, year, None, plan)
            total_level = total_locality.level if total_locality else NATION_LEVEL
            total = _row(total_locality, total_level, year, as_of, plan, rules, total_values)
            tables[year].append(
                Table(
                    columns=columns,
                    rows=rows,
                    total=total,
                    plan=plan,
                    targets=targets,
                    year=year,
                    as_of=as_of,
                    level=level,
                    locality=locality,
                )
            )
    return tables


# ---------------------------------------------------------------------------------------------
# What the table is made of


def _rows_and_total(frame: Frame, level, locality):
    """The localities of the rows, and the locality of the total (None: the nation)."""
    if level not in (Level.PROVINCE, Level.COMMUNE):
        raise ValueError(f"level must be 'province' or 'commune', not {level!r}")
    places = frame.localities.current().select_related("province")
    if locality is not None:
        if not isinstance(locality, Locality):
            raise OutOfScope(_("Unknown locality."))
        if not locality.is_current or not places.filter(pk=locality.pk).exists():
            raise OutOfScope(_("This locality is outside your area."))
    if level == Level.PROVINCE and frame.scope.commune_id:
        # A province's row would hold figures of communes a commune officer may not see.
        raise OutOfScope(_("Your area is one commune: open its own figures."))

    if locality is None:
        rows_qs = places.filter(level=level)
    elif locality.level == Level.PROVINCE:
        if level == Level.PROVINCE:
            rows_qs = places.filter(pk=locality.pk)
        else:
            rows_qs = places.communes().filter(province_id=locality.pk)
    else:
        if level == Level.PROVINCE:
            raise OutOfScope(_("A commune has no provincial table: ask for level “commune”."))
        rows_qs = places.filter(pk=locality.pk)
    return rows_qs.order_by("code"), locality


def _localities(rows_qs) -> list[Locality]:
    """The rows' localities, each with its province (as select_related gives them) and the
    rows' annotations, from one query: each province made once for all its communes' rows
    rather than once per row (a national table of communes names 34 provinces 3,000 times)."""
    fields = [field.attname for field in Locality._meta.concrete_fields]
    annotations = list(rows_qs.query.annotations)
    own, annotated = len(fields), len(fields) + len(annotations)
    province_of = Locality.province.field
    provinces = {}
    places = []
    for values in rows_qs.values_list(
        *fields, *annotations, *(f"province__{name}" for name in fields)
    ):
        place = Locality.from_db(rows_qs.db, fields, values[:own])
        for name, value in zip(annotations, values[own:annotated], strict=True):
            setattr(place, name, value)
        province = None
        if place.province_id is not None:
            province = provinces.get(place.province_id)
            if province is None:
                province = Locality.from_db(rows_qs.db, fields, values[annotated:])
                provinces[place.province_id] = province
        province_of.set_cached_value(place, province)
        places.append(place)
    return places


def _scope_locality(frame: Frame, localities):
    """The locality of an officer's whole scope (the total of their table)."""
    wanted = frame.scope.locality_id
    for place in localities:
        if place.pk == wanted:
            return place
        if place.province_id == wanted and place.province is not None:
            return place.province
    return Locality.objects.filter(pk=wanted).first() if wanted else None


class _Sources:
    """The records a table counts (the frame's, narrowed to the table's locality) and the key
    that groups each kind by the rows' localities (its province, or its commune/locality)."""

    def __init__(self, frame: Frame, level, locality):
        self.querysets = {}
        self.keys = {}
        for name in ("establishments", "inspections", "reports", "cases", "activities"):
            queryset = getattr(frame, name)
            if locality is not None:
                queryset = queryset.in_locality(locality)
            commune_key, province_key = queryset._place_lookups()
            self.querysets[name] = queryset
            self.keys[name] = province_key if level == Level.PROVINCE else commune_key
        # The records of one commune alone: few enough to look each one's summaries up.
        self.one_commune = locality is not None and locality.level == Level.COMMUNE


def _windows(years, as_of):
    """(year, first day, E) for the years that have begun at A."""
    return [(y, year_start(y), end_of(y, as_of)) for y in years if year_start(y) <= as_of]


def _count(years, as_of, plan_first_years, sources: _Sources, inspections=True) -> dict:
    """{(year, figure): {group key: count}} from grouped queries (establishments, inspections,
    reports, activities, cases), whatever the number of plans judged: the establishments
    inspected since each plan's first day are conditional counts of the same query. Without
    `inspections`, inspections_made is NOT_COUNTED."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    windows = _windows(years, as_of)
    if windows:
        _count_establishments(counts, windows, as_of, plan_first_years, sources)
        if inspections:
            _count_inspections(counts, windows, sources)
        else:
            for year, _, _ in windows:
                counts[(year, "inspections_made")] = NOT_COUNTED
        _count_reports(counts, windows, as_of, sources)
        _count_activities(counts, windows, sources)
    case_years = sorted(set(years) | {y - 1 for y in years})
    case_windows = _windows(case_years, as_of)
    if case_windows:
        _count_cases(counts, case_windows, sources)
    return counts


def _fold(counts, queryset, key, aggregates):
    """Group `queryset` by `key` with `aggregates` (named "y<year>__<figure>") and add each
    group's values to counts[(year, figure)][group key]: the names parsed once, each group read
    as a tuple in the aggregates' order."""
    names = list(aggregates)
    slots = []
    for name in names:
        year, figure = name.split("__", 1)
        slots.append(counts[(int(year.lstrip("y")), figure)])
    groups = queryset.order_by().values(key).annotate(**aggregates).values_list(key, *names)
    for place, *values in groups:
        for slot, value in zip(slots, values, strict=True):
            slot[place] += value or 0


def _summary_is_exact(windows, as_of) -> bool:
    """Whether the summaries of inspections give the exact establishment figures: whenever
    every year of the windows is one the summaries keep (2000–2062).

    localities.models.InspectedYears holds, per establishment, the years in which it has an
    inspection, and localities.models.FirstInspection the first date of each of those years
    (both kept by the database on every write, so never older than the last commit). A window
    [1/1/Y, E] is read from the years, and, when A falls inside Y, from the first date of Y."""
    years = [year for year, _, _ in windows]
    return SUMMARY_FIRST_YEAR <= min(years) and max(years) <= SUMMARY_LAST_YEAR


def _year_read_by_first_dates(windows, as_of) -> int | None:
    """The year containing A when its first inspection dates must be read: an inspection is
    dated after A in that year (one index probe, made only when A falls inside a year of the
    windows — e.g. figures asked as of an earlier date). With none after A, the years alone
    are exact and the first dates are not joined (the running year as of today)."""
    last_day = year_end(max(year for year, _, _ in windows))
    if as_of >= last_day:
        return None
    later = Inspection.objects.filter(inspected_on__gt=as_of, inspected_on__lte=last_day)
    return as_of.year if later.exists() else None


# Each establishment's inspected years, and its first inspection date in the year containing A.
INSPECTED_YEARS = "inspected_years_of"
FIRST_INSPECTION_OF_YEAR = "first_inspection_of_year"


def _with_summaries(queryset, by_first_dates: int | None, *, probe: bool):
    """The establishments with INSPECTED_YEARS (and FIRST_INSPECTION_OF_YEAR when the year
    containing A is read by its first dates). For many establishments the summaries are
    joined (one scan of each); for the few of one commune (probe) each establishment's rows
    are looked up by their primary key instead, which spares the scan of the whole summary
    table that PostgreSQL would otherwise choose to hash it."""
    if probe:
        aliases = {
            INSPECTED_YEARS: Subquery(
                InspectedYears.objects.filter(establishment=OuterRef("pk")).values("years")
            )
        }
        if by_first_dates is not None:
            aliases[FIRST_INSPECTION_OF_YEAR] = Subquery(
                FirstInspection.objects.filter(
                    establishment=OuterRef("pk"), year=by_first_dates
                ).values("first_on")
            )
        return queryset.alias(**aliases)
    aliases = {INSPECTED_YEARS: F("inspected_years__years")}
    if by_first_dates is not None:
        aliases[FIRST_INSPECTION_OF_YEAR] = F(f"{FIRST_INSPECTION_OF_YEAR}_join__first_on")
        queryset = queryset.annotate(
            **{
                f"{FIRST_INSPECTION_OF_YEAR}_join": FilteredRelation(
                    "first_inspections", condition=Q(first_inspections__year=by_first_dates)
                )
            }
        )
    return queryset.alias(**aliases)


def _inspected(
    first: datetime.date, last: datetime.date, use_summary: bool, by_first_dates: int | None
) -> Q:
    """The establishment has an inspection in [first, last]: from the summaries of
    inspections when they are exact and the window begins on 1 January — the whole years
    before last's from the inspected years, last's year from them too unless it is the year
    read by its first dates (by_first_dates: the first date of that year is on or before last) —
    else an index probe of the inspections (``Exists``)."""
    if not use_summary or first != year_start(first.year) or first.year < SUMMARY_FIRST_YEAR:
        return EstablishmentQuerySet.inspected_between_q(first, last)
    if last.year != by_first_dates:
        mask = year_bits(first.year, last.year)
        return Q(GreaterThan(F(INSPECTED_YEARS).bitand(mask), 0))
    inspected = Q(**{f"{FIRST_INSPECTION_OF_YEAR}__lte": last})
    if first.year < last.year:
        mask = year_bits(first.year, last.year - 1)
        inspected |= Q(GreaterThan(F(INSPECTED_YEARS).bitand(mask), 0))
    return inspected


def _count_establishments(counts, windows, as_of, plan_first_years, sources: _Sources):
    """Establishments grouped by the key, with the establishment figures of each window.

    From the summaries of inspections (the years, and for an as-of date inside a year with
    inspections after it, the first date of that year): one scan of the establishments joined
    to the summaries, whatever the as-of date. Only for years the summaries do not keep, an
    index probe of the inspections in the window per establishment."""
    key = sources.keys["establishments"]
    queryset = sources.querysets["establishments"].filter(in_scope=True)
    use_summary = _summary_is_exact(windows, as_of)
    by_first_dates = _year_read_by_first_dates(windows, as_of) if use_summary else None
    if use_summary:
        queryset = _with_summaries(queryset, by_first_dates, probe=sources.one_commune)
    aggregates = {}
    for year, start, end in windows:
        operating = EstablishmentQuerySet.operating_between_q(start, end)
        open_at_end = EstablishmentQuerySet.operating_on_q(end)
        aggregates[f"y{year}__establishments_operating"] = Count("pk", filter=operating)
        aggregates[f"y{year}__inspected_in_year"] = Count(
            "pk", filter=operating & _inspected(start, end, use_summary, by_first_dates)
        )
        aggregates[f"y{year}__establishments_open_at_end"] = Count("pk", filter=open_at_end)
        for first_year in plan_first_years:
            first_day = year_start(first_year)
            if first_day <= end:
                aggregates[f"y{year}__inspected_since_{first_year}"] = Count(
                    "pk",
                    filter=open_at_end & _inspected(first_day, end, use_summary, by_first_dates),
                )
    _fold(counts, queryset, key, aggregates)


def _count_inspections(counts, windows, sources: _Sources):
    """Inspections of in-scope establishments grouped by the key, those dated in each window
    (inspections_made: two of one establishment count twice): one scan of the inspections of
    the windows' dates (index on the date), not a probe per establishment."""
    key = sources.keys["inspections"]
    first = min(start for _, start, _ in windows)
    last = max(end for _, _, end in windows)
    queryset = sources.querysets["inspections"].filter(
        establishment__in_scope=True, inspected_on__gte=first, inspected_on__lte=last
    )
    aggregates = {
        # Counting the establishment column (never null) rather than the id lets PostgreSQL
        # answer from the index on (date, establishment) alone.
        f"y{year}__inspections_made": Count(
            "establishment_id", filter=Q(inspected_on__gte=start, inspected_on__lte=end)
        )
        for year, start, end in windows
    }
    _fold(counts, queryset, key, aggregates)


def _count_reports(counts, windows, as_of, sources: _Sources):
    key = sources.keys["reports"]
    first = min(start for _, start, _ in windows)
    queryset = sources.querysets["reports"].filter(received_on__gte=first, received_on__lte=as_of)
    handled = ReportQuerySet.handled_by(as_of)
    on_time = ReportQuerySet.handled_on_time_by(as_of)
    pending = ReportQuerySet.in_time_on_q(as_of)
    overdue = ReportQuerySet.overdue_on_q(as_of)
    aggregates = {}
    for year, start, end in windows:
        received = Q(received_on__gte=start, received_on__lte=end)
        aggregates[f"y{year}__reports_received"] = Count("pk", filter=received)
        aggregates[f"y{year}__reports_handled"] = Count("pk", filter=received & handled)
        aggregates[f"y{year}__reports_handled_on_time"] = Count("pk", filter=received & on_time)
        aggregates[f"y{year}__reports_pending"] = Count("pk", filter=received & pending)
        aggregates[f"y{year}__reports_overdue"] = Count("pk", filter=received & overdue)
    _fold(counts, queryset, key, aggregates)


def _handled_in(start: datetime.date, end: datetime.date) -> Q:
    """A case handled in [start, end]: what cases_handled counts."""
    return Q(handled_on__gte=start, handled_on__lte=end)


def _count_cases(counts, windows, sources: _Sources):
    key = sources.keys["cases"]
    first = min(start for _, start, _ in windows)
    last = max(end for _, _, end in windows)
    queryset = sources.querysets["cases"].filter(handled_on__gte=first, handled_on__lte=last)
    aggregates = {
        f"y{year}__cases_handled": Count("pk", filter=_handled_in(start, end))
        for year, start, end in windows
    }
    _fold(counts, queryset, key, aggregates)


def _count_activities(counts, windows, sources: _Sources):
    """Activities grouped by the key: those held in each window, the people they reached, and
    the distinct communes that held at least one communication activity in it (a commune
    belongs to one group, so the groups' counts add up to the total's)."""
    key = sources.keys["activities"]
    first = min(start for _, start, _ in windows)
    last = max(end for _, _, end in windows)
    queryset = sources.querysets["activities"].filter(ActivityQuerySet.held_between_q(first, last))
    aggregates = {}
    for year, start, end in windows:
        held = ActivityQuerySet.held_between_q(start, end)
        aggregates[f"y{year}__activities_held"] = Count("pk", filter=held)
        aggregates[f"y{year}__people_reached"] = Sum("people_reached", filter=held)
        aggregates[f"y{year}__communes_with_communication"] = Count(
            "commune", distinct=True, filter=held & ActivityQuerySet.communication_q()
        )
    _fold(counts, queryset, key, aggregates)


def _count_communes(counts, years, localities):
    """The communes of each row's locality (a commune is one; a province's were counted with
    the rows), the same every year: no query."""
    for place in localities:
        n = 1 if place.level == Level.COMMUNE else getattr(place, "commune_count", 0)
        for year in years:
            counts[(year, "communes")][place.pk] = n


# ---------------------------------------------------------------------------------------------
# Folding counts into rows


def _value_sources(counts, year: int, plan: Plan) -> list[tuple[str, dict]]:
    """(figure, {group key: count}) for each count of a row of `year`: the year before's
    cases_handled for cases_handled_prev_year, and inspected_since_plan_start from `plan`'s
    first day. Looked up once per table, then read for every row."""
    own = {
        "cases_handled_prev_year": (year - 1, "cases_handled"),
        "inspected_since_plan_start": (year, f"inspected_since_{plan.first_year}"),
    }
    return [(figure, counts.get(own.get(figure, (year, figure)), {})) for figure in COUNTS]


class _NotCounted(dict):
    """The groups of a figure left uncounted: every locality's value, and the total, is None."""

    def get(self, key, default=None):
        return None


NOT_COUNTED = _NotCounted()


def _values(counts, year: int, place_pk, plan: Plan) -> dict:
    """The counts of one locality (place_pk) or of all groups together (None: the total);
    inspected_since_plan_start from `plan`'s first day."""
    if place_pk is None:
        return {
            figure: None if groups is NOT_COUNTED else sum(groups.values())
            for figure, groups in _value_sources(counts, year, plan)
        }
    return _counts_of(_value_sources(counts, year, plan), place_pk)


def _counts_of(sources, place_pk) -> dict:
    return {figure: groups.get(place_pk, 0) for figure, groups in sources}


def _status_rules(plan: Plan, targets, year: int, as_of: datetime.date) -> list:
    """(status column, target, rule) for each target of a table: the rules (status_rule) worked
    out once per table, then applied to every row."""
    return [
        (
            f"status_{target.metric}",
            target,
            status_rule(target.metric, target.threshold, year=year, as_of=as_of, plan=plan),
        )
        for target in targets
    ]


def _row(place, level, year, as_of, plan, rules, counts) -> Row:
    """A row of the table: the leading columns, the figures in FIGURES order (the counts, the
    percentages computed from them), then the status of each target (rules: _status_rules)."""
    percentages = {
        "inspected_in_year_pct": percentage(
            counts["inspected_in_year"], counts["establishments_operating"]
        ),
        "coverage_pct": percentage(
            counts["inspected_since_plan_start"], counts["establishments_open_at_end"]
        ),
        "reports_on_time_pct": percentage(
            counts["reports_handled_on_time"],
            counts["reports_received"] - counts["reports_pending"],
        ),
        "cases_growth_pct": percentage(
            counts["cases_handled"] - counts["cases_handled_prev_year"],
            counts["cases_handled_prev_year"],
        ),
        "communication_pct": percentage(counts["communes_with_communication"], counts["communes"]),
    }
    figures = counts | percentages
    values = {
        "locality_code": place.code if place else "",
        "locality_name": place.name if place else _("Whole country"),
        "level": level,
        "year": year,
        "as_of": as_of,
    }
    values.update(zip(FIGURES, map(figures.__getitem__, FIGURES), strict=True))
    for column, target, rule in rules:
        values[column] = rule(values) if judges(plan, target, place, level) else NOT_APPLICABLE
    return Row(locality=place, values=values, level=level)


def judges(plan: Plan, target: Target, place: Locality | None, level: str) -> bool:
    """Whether `target` of `plan` judges a row: the plan applies to the row's locality (a
    province's plan, to the province and its communes), and a target set for the province as
    a whole judges no commune row."""
    if not plan.applies_to(place):
        return False
    return target.per_commune or level != Level.COMMUNE


# The statuses as the rows hold them (plain strings).
NOT_APPLICABLE = Status.NOT_APPLICABLE.value


def _not_applicable(values) -> str:
    return NOT_APPLICABLE


def status_rule(metric, threshold, *, year, as_of, plan):
    """The status of a target in a year at A, as a function of a row's values: met / not_met /
    not_applicable / on_track / behind (plan-rules §7). What depends on the target, the year
    and A alone (the phase, the goal) is worked out here once; the function compares a row's
    counts with it, exactly, in integers.

    n/a for a year outside the plan, a year not begun at A, or a denominator of 0; met / not
    met for a finished year; on track / behind in the running year, against the threshold
    pro-rated by the elapsed share (annual_inspection, communication_coverage), the threshold
    itself (reports_on_time: each report has its own clock), the cases that keep pace
    (cases_growth), or the coverage line (full_coverage, see coverage_line). A count target
    (COUNT_FIGURES) is met when its count reaches N at the year's end, on track in the running
    year when it reaches N × the elapsed share."""
    phase = year_phase(year, as_of)
    if phase == "future" or year not in plan.years:
        return _not_applicable
    running = phase == "running"
    good, bad = (Status.ON_TRACK, Status.BEHIND) if running else (Status.MET, Status.NOT_MET)
    if metric in COUNT_FIGURES:
        figure = COUNT_FIGURES[metric]
        count_goal = pro_rated(threshold, year, as_of)
        good, bad = good.value, bad.value

        def count_rule(values) -> str:
            return good if reaches(values[figure], count_goal) else bad

        return count_rule
    if metric not in TARGET_FIGURES:
        return _not_applicable
    _pct, numerator_name, _den = TARGET_FIGURES[metric]
    threshold = exact(threshold)
    # numerator × scale ≥ goal × den: the percentage targets compare numerator × 100 with the
    # goal in percent; cases_growth compares this year's cases with the previous year's (den)
    # × the growth factor.
    scale = 100
    if metric == Metric.FULL_COVERAGE:
        day = end_of(year, as_of)
        if day < plan.first_day:
            return _not_applicable
        if day >= plan.last_day:
            goal, good, bad = threshold, Status.MET, Status.NOT_MET
        else:
            goal = coverage_line(plan, threshold, day)
            good, bad = Status.ON_TRACK, Status.BEHIND
    elif metric in PRO_RATED:
        goal = pro_rated(threshold, year, as_of)
    elif metric == Metric.REPORTS_ON_TIME:
        goal = threshold
    else:
        goal, scale = growth_factor(threshold, year=year, as_of=as_of), 1
    good, bad = good.value, bad.value

    def rule(values) -> str:
        den = denominator(metric, values)
        if not den:
            return NOT_APPLICABLE
        return good if reaches(values[numerator_name] * scale, goal, den) else bad

    return rule


@functools.lru_cache(maxsize=256)
def growth_factor(threshold, *, year: int, as_of: datetime.date) -> Fraction:
    """What last year's cases are multiplied by to get the cases that keep pace with the
    growth target at A: (1 + threshold/100) × the elapsed share of the year (the whole share
    for a finished year)."""
    return (1 + exact(threshold) / 100) * elapsed_share(year, as_of)


# ---------------------------------------------------------------------------------------------
# What remains to be done: pace, work lists


@dataclass
class Pace:
    """How many more establishments to inspect, and how many a month that is."""

    target: Target
    needed: int  # establishments still to inspect to reach the threshold
    months_left: int  # calendar months left, the current one included
    until: datetime.date
    done: int
    denominator: int

    @property
    def per_month(self) -> int:
        if self.needed <= 0:
            return 0
        return math.ceil(self.needed / max(self.months_left, 1))


def months_left(as_of: datetime.date, until: datetime.date) -> int:
    """Calendar months from A's month through `until`'s month, both counted."""
    if until < as_of:
        return 0
    return (until.year - as_of.year) * 12 + until.month - as_of.month + 1


def still_needed(done: int, den: int, threshold) -> int:
    """How many more of `den` must be done to reach threshold% (rounding up)."""
    required = math.ceil(Fraction(threshold) * den / 100)
    return max(required - done, 0)


def pace(table: Table) -> dict:
    """For the year containing A and for full coverage: what is still needed, for the total
    of `table` (compute the table for year A.year). Keys: "annual_inspection", "full_coverage"
    (a Pace, or absent when not applicable); the reports still to handle are
    `reports_to_handle`."""
    values = table.total.values
    as_of = table.as_of

    def pace_of(target, until):
        _pct, numerator, _den = TARGET_FIGURES[target.metric]
        done, den = values[numerator], denominator(target.metric, values)
        return Pace(
            target=target,
            needed=still_needed(done, den, target.threshold),
            months_left=months_left(as_of, until),
            until=until,
            done=done,
            denominator=den,
        )

    result = {}
    annual = table.target(Metric.ANNUAL_INSPECTION)
    running = table.year == as_of.year and table.phase == "running"
    if annual and running and table.year in table.plan.years:
        result["annual_inspection"] = pace_of(annual, year_end(table.year))
    coverage = table.target(Metric.FULL_COVERAGE)
    if coverage and table.plan.first_day <= as_of < table.plan.last_day:
        result["full_coverage"] = pace_of(coverage, table.plan.last_day)
    return result


def _in(queryset, locality: Locality | None):
    return queryset if locality is None else queryset.in_locality(locality)


def never_inspected(frame: Frame, *, locality, plan, as_of):
    """In-scope establishments operating on A with no inspection since the plan's first day
    (through A): oldest opening first, an unknown opening first of all (it counts as open
    since always). The establishments list shows the same records for its filter "not
    inspected since" the plan's first day, as of A."""
    return (
        _in(frame.establishments, locality)
        .never_inspected(plan.first_day, as_of)
        .select_related("commune")
        .order_by(F("opened_on").asc(nulls_first=True), "code")
    )


def reports_to_handle(frame: Frame, *, locality, as_of):
    """Every report open on A, whatever year it was received in: overdue first, then the
    nearest deadline (the deadline in force on A, `deadline_then`)."""
    return (
        _in(frame.reports, locality)
        .open_on(as_of)
        .with_deadline_on(as_of)
        .select_related("kind", "locality")
        .order_by("deadline_then", "received_on", "pk")
    )


@dataclass
class WorkList:
    """The first records of a work list, how many it holds in all, and how many of them match
    each condition asked (``counts``)."""

    rows: list
    count: int
    counts: dict[str, int] = field(default_factory=dict)


# The window counts' annotations, apart from any field of a record.
_WORK_LIST_COUNT = "work_list_count_"


def work_list(queryset, *, limit: int, **conditions: Q) -> WorkList:
    """The first `limit` records of `queryset` in its order, with the number of all its
    records and of those matching each of `conditions`, from one statement: the counts are
    window aggregates over the whole filtered set, which the database computes before the
    LIMIT (no second scan of the same records for their count)."""
    windows = {"": Window(Count("pk"))} | {
        name: Window(Count("pk", filter=condition)) for name, condition in conditions.items()
    }
    rows = list(
        queryset.annotate(**{_WORK_LIST_COUNT + name: w for name, w in windows.items()})[:limit]
    )
    first = rows[0] if rows else None

    def count(name):
        return getattr(first, _WORK_LIST_COUNT + name) if first is not None else 0

    return WorkList(rows=rows, count=count(""), counts={name: count(name) for name in conditions})


def never_inspected_list(frame: Frame, *, locality, plan, as_of, limit: int) -> WorkList:
    """never_inspected's first `limit` establishments and their number, in one query."""
    return work_list(never_inspected(frame, locality=locality, plan=plan, as_of=as_of), limit=limit)


def reports_to_handle_list(frame: Frame, *, locality, as_of, limit: int) -> WorkList:
    """reports_to_handle's first `limit` reports, their number, and how many of them are due
    soon and overdue on A (counts "due_soon", "overdue"), in one query."""
    return work_list(
        reports_to_handle(frame, locality=locality, as_of=as_of),
        limit=limit,
        due_soon=ReportQuerySet.due_soon_on_q(as_of),
        overdue=ReportQuerySet.overdue_on_q(as_of),
    )


def home_figures(frame: Frame, *, today: datetime.date | None = None) -> dict:
    """The home page's counts of the user's area on `today`: one aggregate query per kind.

    Establishments operating today in the plan's scope; inspections, reports received and
    cases handled since 1 January; reports open today (pending or due soon, and overdue);
    cases not handled."""
    today = today or timezone.localdate()
    first = year_start(today.year)
    counts = frame.establishments.aggregate(
        establishments=Count(
            "pk", filter=Q(in_scope=True) & EstablishmentQuerySet.operating_on_q(today)
        )
    )
    counts |= frame.inspections.aggregate(
        inspections_this_year=Count("pk", filter=Q(inspected_on__range=(first, today)))
    )
    counts |= frame.reports.aggregate(
        reports_pending=Count("pk", filter=ReportQuerySet.in_time_on_q(today)),
        reports_overdue=Count("pk", filter=ReportQuerySet.overdue_on_q(today)),
        reports_this_year=Count("pk", filter=Q(received_on__range=(first, today))),
    )
    counts |= frame.cases.aggregate(
        cases_handled_this_year=Count("pk", filter=Q(handled_on__range=(first, today))),
        cases_open=Count("pk", filter=Q(handled_on__isnull=True) | Q(handled_on__gt=today)),
    )
    counts["year"] = today.year
    return counts


# ---------------------------------------------------------------------------------------------
# What a status is judged against (for progress bars and charts)


def goal_now(metric: str, threshold, *, year: int, as_of: datetime.date, plan: Plan) -> Fraction:
    """The level of the target's percentage the status of (year, as_of) compares with: the
    threshold for a finished year, its pro-rated share in the running year, the straight line
    for full coverage before the plan's end. For cases_growth, the growth that keeps pace
    (in the running year a negative number: half-way through the year, 51.5% of last year's
    cases, i.e. −48.5%, keeps pace with a 3% target). For a count target, the count: N, or
    N × the elapsed share in the running year."""
    threshold = Fraction(threshold)
    if metric == Metric.FULL_COVERAGE:
        day = end_of(year, as_of)
        return threshold if day >= plan.last_day else coverage_line(plan, threshold, day)
    if year_phase(year, as_of) != "running":
        return threshold
    share = elapsed_share(year, as_of)
    if metric in PRO_RATED or metric in COUNT_FIGURES:
        return threshold * share
    if metric == Metric.CASES_GROWTH:
        return (growth_factor(threshold, year=year, as_of=as_of) - 1) * 100
    return threshold


# ---------------------------------------------------------------------------------------------
# The plan's review: statuses at a glance, the whole plan, what remained at its end

# The order in which statuses are "worst first": a target missed, then behind, then on track,
# met, and last what does not apply.
STATUS_SEVERITY = {
    Status.NOT_MET.value: 0,
    Status.BEHIND.value: 1,
    Status.ON_TRACK.value: 2,
    Status.MET.value: 3,
    Status.NOT_APPLICABLE.value: 4,
}
# Statuses that say a target was reached (or the line to it kept) and that it was not.
GOOD_STATUSES = {Status.MET.value, Status.ON_TRACK.value}
BAD_STATUSES = {Status.NOT_MET.value, Status.BEHIND.value}


def status_counts(rows, metrics_measured) -> dict[str, dict[str, int]]:
    """{metric: {status: how many rows}} over rows already computed (no query), every status
    present (0 when none)."""
    counts = {metric: dict.fromkeys(STATUS_SEVERITY, 0) for metric in metrics_measured}
    for row in rows:
        for metric in metrics_measured:
            counts[metric][str(row.status(metric))] += 1
    return counts


def worst_first_key(row: Row, metrics_measured) -> tuple:
    """Sorts rows worst first: by their worst status, then by how many targets have it."""
    severities = [STATUS_SEVERITY[str(row.status(m))] for m in metrics_measured]
    worst = min(severities, default=STATUS_SEVERITY[Status.NOT_APPLICABLE.value])
    return worst, -severities.count(worst)


def has_records(row: Row) -> bool:
    """The row counts something: an establishment, a report, a case or an activity (any count
    of records above 0)."""
    return any(row.values[name] for name in RECORD_COUNTS)


@dataclass
class PlanTarget:
    """One target of one locality over the whole plan: its figure (from the counts summed over
    the years, see whole_plan) and how many finished years reached it."""

    metric: str
    value: Decimal | None
    numerator: int
    denominator: int
    years_good: list[int]
    years_bad: list[int]

    @property
    def verdict(self) -> str:
        """ "every" year judged reached it, "never" did, "some" did, or "none" was judged."""
        if not self.years_good and not self.years_bad:
            return "none"
        if not self.years_bad:
            return "every"
        if not self.years_good:
            return "never"
        return "some"


def whole_plan(rows_by_year: dict[int, Row], plan: Plan, targets) -> dict[str, PlanTarget]:
    """One locality's targets over the whole plan, from its row of each year:

    * annual_inspection and reports_on_time: the counts summed over the years, the percentage
      computed from the sums (as a larger locality's figure is from its parts');
    * full_coverage: the figure of the plan's last year (or of the last year given), which
      already counts every inspection since the plan's first day;
    * cases_growth: the cases of the last year against those of the year before the plan.

    A year is "good" when its status is met or on track (full coverage before the plan's last
    year is judged against its straight line), "bad" when not met or behind; n/a years count
    in neither."""
    years = sorted(rows_by_year)
    result = {}
    for target in targets:
        metric = target.metric
        if metric not in TARGET_FIGURES:
            continue
        _pct, num_name, _den = TARGET_FIGURES[metric]
        if metric == Metric.FULL_COVERAGE:
            last = rows_by_year[years[-1]].values
            numerator, den = last[num_name], denominator(metric, last)
        elif metric == Metric.CASES_GROWTH:
            numerator = rows_by_year[years[-1]].values["cases_handled"]
            den = rows_by_year[years[0]].values["cases_handled_prev_year"]
        else:
            numerator = sum(rows_by_year[y].values[num_name] for y in years)
            den = sum(denominator(metric, rows_by_year[y].values) for y in years)
        if metric == Metric.CASES_GROWTH:
            value = percentage(numerator - den, den)
        else:
            value = percentage(numerator, den)
        statuses = {y: str(rows_by_year[y].status(metric)) for y in years if y in plan.years}
        result[metric] = PlanTarget(
            metric=metric,
            value=value,
            numerator=numerator,
            denominator=den,
            years_good=[y for y, s in statuses.items() if s in GOOD_STATUSES],
            years_bad=[y for y, s in statuses.items() if s in BAD_STATUSES],
        )
    return result


def plan_end(plan: Plan, as_of: datetime.date) -> datetime.date:
    """The day the plan's remainder is read on: its last day, or A while it still runs."""
    return min(plan.last_day, as_of)


def remainder_by_locality(frame: Frame, *, plan, as_of, level=Level.PROVINCE, locality=None):
    """What remained at the plan's end (plan_end), grouped by the table's rows' localities:
    {"never_inspected": {locality pk: n}, "reports_overdue": {locality pk: n}} — in-scope
    establishments operating that day never inspected since the plan's first day, and reports
    overdue that day (whatever year they were received in). Two grouped queries."""
    day = plan_end(plan, as_of)
    sources = _Sources(frame, level, locality)
    result = {}
    establishments = sources.querysets["establishments"].never_inspected(plan.first_day, day)
    reports = sources.querysets["reports"].overdue_on(day)
    for name, queryset, key in (
        ("never_inspected", establishments, sources.keys["establishments"]),
        ("reports_overdue", reports, sources.keys["reports"]),
    ):
        rows = queryset.order_by().values(key).annotate(n=Count("pk"))
        result[name] = {row[key]: row["n"] for row in rows}
    return result


# ---------------------------------------------------------------------------------------------
# The cases the ministry watches: how they operated, and minors


@dataclass
class CaseKinds:
    """Of the cases handled in [1 Jan Y, E] (those cases_handled counts): how many had their
    way of operating recorded, how many operated online (CaseQuerySet.online_q), how many
    involved minors.

    * ``online_pct`` = cases_online / cases_modus_recorded × 100: a case whose way of operating
      was never recorded (those entered before it was asked) is neither online nor not, so it
      is left out of the share rather than counted as offline;
    * ``with_minors_pct`` = cases_with_minors / cases_handled × 100 (a case without minors
      ticked has none).

    Both are None when their denominator is 0, and a larger locality's are computed from its
    summed counts, as every percentage here. They are read live, never from an approved
    year's snapshot (see Case.free_fields)."""

    cases_handled: int = 0
    cases_modus_recorded: int = 0
    cases_online: int = 0
    cases_with_minors: int = 0

    @property
    def online_pct(self) -> Decimal | None:
        return percentage(self.cases_online, self.cases_modus_recorded)

    @property
    def with_minors_pct(self) -> Decimal | None:
        return percentage(self.cases_with_minors, self.cases_handled)

    @property
    def modus_not_recorded(self) -> int:
        return self.cases_handled - self.cases_modus_recorded


def case_kinds_series(
    frame: Frame, *, years, as_of=None, level=Level.PROVINCE, locality=None
) -> dict[int, dict]:
    """{year: {group key: CaseKinds}} for the frame's cases (narrowed to `locality`), grouped
    as compliance_series groups its rows (a province's id, or a commune's or the locality's at
    level commune), with the total of every group under the key None. One grouped query for
    every year; a year not begun at A has only an empty total."""
    as_of = as_of or timezone.localdate()
    cases = frame.cases if locality is None else frame.cases.in_locality(locality)
    commune_key, province_key = cases._place_lookups()
    key = province_key if level == Level.PROVINCE else commune_key
    windows = _windows(sorted(set(years)), as_of)
    result: dict[int, dict] = {year: {None: CaseKinds()} for year in years}
    if not windows:
        return result
    online = CaseQuerySet.online_q()
    aggregates = {}
    for year, start, end in windows:
        handled = _handled_in(start, end)
        aggregates[f"y{year}__cases_handled"] = Count("pk", filter=handled)
        aggregates[f"y{year}__cases_modus_recorded"] = Count("pk", filter=handled & ~Q(modus=""))
        aggregates[f"y{year}__cases_online"] = Count("pk", filter=handled & online)
        aggregates[f"y{year}__cases_with_minors"] = Count(
            "pk", filter=handled & Q(minors_involved=True)
        )
    first = min(start for _, start, _ in windows)
    last = max(end for _, _, end in windows)
    rows = (
        cases.filter(handled_on__gte=first, handled_on__lte=last)
        .order_by()
        .values(key)
        .annotate(**aggregates)
    )
    for group in rows:
        place = group.pop(key)
        for name, value in group.items():
            year, figure = name.split("__", 1)
            year = int(year.lstrip("y"))
            for target in (place, None):
                kinds = result[year].setdefault(target, CaseKinds())
                setattr(kinds, figure, getattr(kinds, figure) + (value or 0))
    return result
