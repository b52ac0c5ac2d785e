"""Reads that span relations or compute in SQL (the HackSoft habit), shared by lists and pages."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from localities.models import Activity, Case, Establishment, Inspection, Locality, Report
from localities.permissions import SERVER_OPERATOR, VIEW, Scope, scope_of


@dataclass(frozen=True)
class Frame:
    """The records a reading may use, already restricted: what the figures are computed from.

    ``Frame.of(user)`` is what a user may see; ``Frame.nation()`` is every record, what the
    server operator (localities.permissions.SERVER_OPERATOR) reads in its commands. Whoever
    builds a frame decides the scope once; the code that computes from it never asks about
    users again.
    """

    scope: Scope
    localities: QuerySet
    establishments: QuerySet
    inspections: QuerySet
    reports: QuerySet
    cases: QuerySet
    activities: QuerySet

    @classmethod
    def of(cls, user, action: str = VIEW) -> "Frame":
        return cls(
            scope=scope_of(user),
            localities=Locality.objects.restrict(user, action),
            establishments=Establishment.objects.restrict(user, action),
            inspections=Inspection.objects.restrict(user, action),
            reports=Report.objects.restrict(user, action),
            cases=Case.objects.restrict(user, action),
            activities=Activity.objects.restrict(user, action),
        )

    @classmethod
    def nation(cls) -> "Frame":
        """Every record: what the server operator (a command run without a user) reads."""
        return cls.of(SERVER_OPERATOR)


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
    return (
        Report.objects.restrict(user)
        .with_status(as_of or timezone.localdate())
        .select_related("kind", "locality", "province")
        .order_by("-received_on", "-pk")
    )


def cases_for_list(user):
    return (
        Case.objects.restrict(user)
        .with_report_seen_by(user)
        .select_related("locality", "province")
        .order_by("-opened_on", "-pk")
    )


def activities_for_list(user):
    return (
        Activity.objects.restrict(user)
        .select_related("commune", "province")
        .order_by("-held_on", "-pk")
    )
