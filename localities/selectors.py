"""Reads that span relations or compute in SQL (the HackSoft habit), shared by lists and pages."""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from localities.models import (
    Case as CriminalCase,
)
from localities.models import (
    Establishment,
    Inspection,
    Report,
    ReportStatus,
)
from localities.models.reports import DUE_SOON_DAYS

PLAN_START_FALLBACK = datetime.date(2021, 1, 1)


def plan_first_day() -> datetime.date:
    """The default plan's first day (the plan is data); 01/01/2021 before any plan exists."""
    from plan_tracker.models import Plan

    plan = Plan.objects.filter(is_default=True).only("first_year").first()
    return plan.first_day if plan else PLAN_START_FALLBACK


def annotate_status(queryset, *, as_of: datetime.date | None = None):
    """`status_code` on each report, computed in SQL exactly as Report.status(as_of)."""
    as_of = as_of or timezone.localdate()
    handled = Q(handled_on__isnull=False, handled_on__lte=as_of)
    return queryset.annotate(
        status_code=Case(
            When(
                handled & Q(handled_on__lte=F("deadline")),
                then=Value(ReportStatus.HANDLED_ON_TIME),
            ),
            When(handled, then=Value(ReportStatus.HANDLED_LATE)),
            When(deadline__lt=as_of, then=Value(ReportStatus.OVERDUE)),
            When(
                deadline__lte=as_of + datetime.timedelta(days=DUE_SOON_DAYS),
                then=Value(ReportStatus.DUE_SOON),
            ),
            default=Value(ReportStatus.PENDING),
            output_field=CharField(),
        )
    )


def establishments_for_list(user):
    return (
        Establishment.objects.restrict(user)
        .select_related("commune", "province")
        # A correlated subquery, not Max() over a join: computed for the 25 rows of the page
        # only (through the (establishment, inspected_on) index), not for every establishment.
        .annotate(
            last_inspected=Subquery(
                Inspection.objects.filter(establishment=OuterRef("pk"))
                .order_by("-inspected_on")
                .values("inspected_on")[:1]
            )
        )
        .order_by("code")
    )


def inspections_for_list(user):
    return (
        Inspection.objects.restrict(user)
        .select_related("establishment", "establishment__commune", "establishment__province")
        .order_by("-inspected_on", "-pk")
    )


def reports_for_list(user, *, as_of=None):
    return annotate_status(
        Report.objects.restrict(user)
        .select_related("kind", "locality", "province")
        .order_by("-received_on", "-pk"),
        as_of=as_of,
    )


def cases_for_list(user):
    return (
        CriminalCase.objects.restrict(user)
        .select_related("locality", "report", "province")
        .order_by("-opened_on", "-pk")
    )


def never_inspected_since(queryset, day: datetime.date):
    recent = Inspection.objects.filter(establishment=OuterRef("pk"), inspected_on__gte=day)
    return queryset.filter(~Exists(recent))


def home_counts(user, *, today: datetime.date | None = None) -> dict:
    """A few counts of the user's area for the home page: one aggregate query per model."""
    today = today or timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    operating = Q(in_scope=True) & (Q(opened_on__isnull=True) | Q(opened_on__lte=today))
    operating &= Q(closed_on__isnull=True) | Q(closed_on__gte=today)
    counts = Establishment.objects.restrict(user).aggregate(
        establishments=Count("pk", filter=operating)
    )
    counts |= Inspection.objects.restrict(user).aggregate(
        inspections_this_year=Count("pk", filter=Q(inspected_on__gte=year_start))
    )
    open_report = Q(handled_on__isnull=True)
    counts |= Report.objects.restrict(user).aggregate(
        reports_pending=Count("pk", filter=open_report & Q(deadline__gte=today)),
        reports_overdue=Count("pk", filter=open_report & Q(deadline__lt=today)),
        reports_this_year=Count("pk", filter=Q(received_on__gte=year_start)),
    )
    counts |= CriminalCase.objects.restrict(user).aggregate(
        cases_handled_this_year=Count("pk", filter=Q(handled_on__gte=year_start)),
        cases_open=Count("pk", filter=Q(handled_on__isnull=True)),
    )
    counts["year"] = today.year
    return counts
