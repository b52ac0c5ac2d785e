"""A province's year, submitted, approved and locked: the figures a ministry can stand behind.

For each plan, province and year (YearApproval):

* a provincial officer of the province *submits* the year: the figures of plan-rules §7 of the
  province and of each of its communes, as of the year's end (or today, if the year has not
  ended), are stored with who and when (the snapshot);
* ministry staff *approve* it, or *return* it with a comment (the province corrects, then
  submits again);
* an administrator may *reopen* an approved year, with a reason (then it is submitted again).

Every step is kept (ApprovalStep: who, when, from which state to which, the comment). Who may
take which step is localities.permissions (``may(user, SUBMIT)`` …); a step the state does not
allow is refused with StepRefused.

While a province's year is submitted or approved it is *locked*: a write that would change its
figures (localities.models.locks says which years a write touches) is refused by
refuse_if_locked(), with a message naming the approval. The records' clean() calls it, so forms,
imports, the admin and commands all meet it; the admin's deletions too. A write and a submission
of the same province are serialised on the database (see "Serialising a write with a
submission" below).
"""

import contextlib
import contextvars
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from localities.models import Level, Locality, Scheme
from localities.models.access import person_name
from localities.permissions import (
    APPROVE,
    REOPEN,
    RETURN,
    SUBMIT,
    OutOfScope,
    may,
    scope_of,
)


class State(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REOPENED = "reopened", _("Reopened")

    @classmethod
    def colour(cls, value) -> str:
        return {
            cls.SUBMITTED: "info",
            cls.APPROVED: "success",
            cls.RETURNED: "warning",
            cls.REOPENED: "secondary",
        }.get(value, "light")


# The states in which the year's records may not change.
LOCKING = (State.SUBMITTED, State.APPROVED)

# Each step: the action that allows it (localities.permissions), the states it starts from,
# the state it leads to, and whether a comment is required.
STEPS = {
    SUBMIT: ((State.NOT_SUBMITTED, State.RETURNED, State.REOPENED), State.SUBMITTED, False),
    APPROVE: ((State.SUBMITTED,), State.APPROVED, False),
    RETURN: ((State.SUBMITTED,), State.RETURNED, True),
    REOPEN: ((State.APPROVED,), State.REOPENED, True),
}


class StepRefused(Exception):
    """A step the user's role or the year's state does not allow; the message says why."""


class YearApprovalQuerySet(models.QuerySet):
    def restrict(self, user):
        """The approvals of the user's area: every province for national users, their own
        province for provincial officers (the province's year is the province's business: a
        commune officer has none)."""
        scope = scope_of(user)
        if scope.empty or scope.commune_id:
            return self.none()
        if scope.national:
            return self
        return self.filter(province_id=scope.province_id)

    def locking(self):
        return self.filter(state__in=LOCKING)


class YearApproval(models.Model):
    plan = models.ForeignKey("plan_tracker.Plan", verbose_name=_("plan"), on_delete=models.PROTECT)
    province = models.ForeignKey(
        Locality,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="year_approvals",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.NOT_SUBMITTED
    )
    # The figures as submitted: {"as_of": ..., "province": {...}, "communes": [{...}, ...]},
    # each row in the columns of the compliance table (plan_tracker.compliance_io.table_json).
    snapshot = models.JSONField(_("figures as submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = YearApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("year approval")
        verbose_name_plural = _("year approvals")
        ordering = ["-year", "province__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "province", "year"], name="year_approval_one_per_year"
            )
        ]
        indexes = [models.Index(fields=["state", "province", "year"])]

    def __str__(self):
        return f"{self.province.name} {self.year}: {self.get_state_display()}"

    @property
    def state_colour(self) -> str:
        return State.colour(self.state)

    @property
    def is_locked(self) -> bool:
        return self.state in LOCKING

    def snapshot_row(self, locality_pk: int | None = None) -> dict | None:
        """The stored figures of the province (None) or of one of its communes."""
        if not self.snapshot:
            return None
        if locality_pk is None or locality_pk == self.province_id:
            return self.snapshot.get("province")
        return self.snapshot.get("communes_by_pk", {}).get(str(locality_pk))

    def lock_message(self) -> str:
        """Why the year's records may not change now, naming the approval."""
        if self.state == State.APPROVED:
            text = gettext(
                "The year %(year)s of %(province)s was approved on %(date)s by %(user)s: "
                "it must be reopened before its figures change."
            )
            user, at = self.decided_by, self.decided_at
        else:
            text = gettext(
                "The year %(year)s of %(province)s was submitted for approval on %(date)s by "
                "%(user)s: the ministry must return it before its figures change."
            )
            user, at = self.submitted_by, self.submitted_at
        return text % {
            "year": self.year,
            "province": self.province.name,
            "date": date_format(timezone.localtime(at), "SHORT_DATE_FORMAT") if at else "",
            "user": person(user),
        }


class ApprovalStep(models.Model):
    approval = models.ForeignKey(YearApproval, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=10)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.approval_id} {self.from_state} → {self.to_state}"


def person(user) -> str:
    """A step's author as the pages and commands name them ("—" for none)."""
    return person_name(user) or "—"


# ---------------------------------------------------------------------------------------------
# The lock


_locks_read = contextvars.ContextVar("plan_tracker_locks_read", default=None)


# Serialising a write with a submission ------------------------------------------------------
#
# A write checks the locks, then writes; a submission stores the figures it reads. Checked
# without a lock, a write could pass its check while a submission of its year is under way,
# then commit after the snapshot was read: a submitted year whose stored figures disagree with
# its records. So the two meet on the database, on the province's own row (localities'
# Locality, which every (plan, province, year) has, even before its approval row exists):
#
# * a write that touches a year of a province takes a *shared* row lock on the province
#   (PostgreSQL's SELECT ... FOR SHARE) inside its transaction, before it reads the locks, and
#   keeps it until it commits: writers of one province never wait for each other;
# * a step takes the province row *for update* (select_for_update(no_key=True), which waits
#   for every shared lock and makes later ones wait) before it reads the state and the
#   figures.
#
# Whichever comes second sees the first committed: a write after a submission is refused by
# its lock, a submission after a write stores it. The province row is locked rather than the
# approval row because a year not submitted yet may have no approval row for a write to lock.
# FOR NO KEY UPDATE leaves the foreign-key checks of the records' inserts (FOR KEY SHARE on
# the same row) free. Django's select_for_update has no shared mode, so the writers' lock is
# one plain statement. SQLite has one writer at a time: the transactions are serialised
# already, and nothing is locked there.


def _share_provinces(province_ids=None) -> None:
    """FOR SHARE on the rows of these provinces (None: every current province) until the
    transaction ends; nothing outside a transaction or on a database other than PostgreSQL."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    table = connection.ops.quote_name(Locality._meta.db_table)
    with connection.cursor() as cursor:
        if province_ids is None:
            cursor.execute(
                f"SELECT id FROM {table} WHERE level = %s AND scheme = %s ORDER BY id FOR SHARE",
                [Level.PROVINCE, Scheme.NEW],
            )
        else:
            cursor.execute(
                f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR SHARE",
                [sorted(province_ids)],
            )


def _lock_province(province: Locality) -> None:
    """The province's row for update, so that no write of its years is under way (see
    above)."""
    list(
        Locality.objects.select_for_update(no_key=True)
        .filter(pk=province.pk)
        .values_list("pk", flat=True)
    )


@contextlib.contextmanager
def locks_read_once():
    """Read the locked years once for a whole block (an import checks each row against them):
    one query instead of one a record. The block should be a transaction of its own: every
    province's row is share-locked until it ends, so no year is submitted while it writes."""
    _share_provinces()
    token = _locks_read.set(_locking_approvals())
    try:
        yield
    finally:
        _locks_read.reset(token)


def nothing_locked() -> bool:
    """Inside locks_read_once(), when no year was submitted or approved as the block began:
    no write can then be refused, and no write's years need working out."""
    return _locks_read.get() == []


def _locking_approvals(pairs=None) -> list[YearApproval]:
    queryset = YearApproval.objects.locking().select_related(
        "province", "submitted_by", "decided_by"
    )
    if pairs is not None:
        queryset = queryset.filter(
            province_id__in={p for p, _ in pairs}, year__in={y for _, y in pairs}
        )
    return list(queryset.order_by("year", "province_id"))


def locks_among(pairs: set[tuple[int, int]]) -> list[YearApproval]:
    """The submitted or approved years among (province id, year) `pairs`."""
    if not pairs:
        return []
    known = _locks_read.get()
    if known is not None:
        approvals = known
    else:
        _share_provinces({province for province, _year in pairs})
        approvals = _locking_approvals(pairs)
    return [a for a in approvals if (a.province_id, a.year) in pairs]


def refuse_if_locked(pairs: set[tuple[int, int]]) -> None:
    """ValidationError naming the approval when any of `pairs` is a submitted or approved
    year: the one home of the locked-year rule (the records' clean() and the admin's
    deletions call it)."""
    locks = locks_among(pairs)
    if locks:
        raise ValidationError(locks[0].lock_message(), code="year_locked")


# ---------------------------------------------------------------------------------------------
# The steps


def approval_for(*, plan, province: Locality, year: int, lock: bool = False) -> YearApproval:
    """The year's approval row, created (not submitted) when there is none yet."""
    queryset = YearApproval.objects.select_related("province", "submitted_by", "decided_by")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    approval = queryset.filter(plan=plan, province=province, year=year).first()
    if approval is None:
        approval, _created = YearApproval.objects.get_or_create(
            plan=plan, province=province, year=year
        )
    return approval


def snapshot_as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The year's end, or today while the year runs."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def take_snapshot(*, plan, province: Locality, year: int) -> dict:
    """The §7 figures of the province and of each of its communes, as of snapshot_as_of()."""
    from localities.selectors import Frame
    from plan_tracker.compliance_io import table_json
    from plan_tracker.metrics import compliance_table

    as_of = snapshot_as_of(year)
    frame = Frame.nation()
    own = compliance_table(
        frame, year=year, as_of=as_of, plan=plan, level=Level.PROVINCE, locality=province
    )
    communes = compliance_table(
        frame, year=year, as_of=as_of, plan=plan, level=Level.COMMUNE, locality=province
    )
    commune_rows = table_json(communes)
    pks = [row.locality.pk for row in communes.rows]
    return {
        "as_of": as_of.isoformat(),
        "columns": own.columns,
        "province": table_json(own)[0],
        "communes_by_pk": {str(pk): row for pk, row in zip(pks, commune_rows, strict=True)},
    }


def take_step(
    *, user, action: str, plan, province: Locality, year: int, comment: str = ""
) -> YearApproval:
    """Take one step of the year's approval for `user`, or StepRefused saying why not.

    OutOfScope (404) when the province is not the user's to see."""
    if action not in STEPS:
        raise ValueError(f"unknown step {action!r}")
    if not may(user) or not (scope_of(user).national or scope_of(user).province_id == province.pk):
        raise OutOfScope(gettext("This province is outside your area."))
    if province.level != Level.PROVINCE or not province.is_current:
        raise StepRefused(gettext("Only a province of the 2025 scheme has years to approve."))
    if year not in plan.years:
        raise StepRefused(
            gettext("%(year)s is not a year of the plan %(plan)s.") % {"year": year, "plan": plan}
        )
    if not may(user, action):
        raise StepRefused(_refusal_for_role(action))
    starts, leads_to, needs_comment = STEPS[action]
    comment = (comment or "").strip()
    if needs_comment and not comment:
        raise StepRefused(gettext("Say why in a comment: this step needs one."))
    with transaction.atomic():
        _lock_province(province)
        approval = approval_for(plan=plan, province=province, year=year, lock=True)
        if approval.state not in starts:
            raise StepRefused(
                gettext("The year %(year)s of %(province)s is %(state)s: it cannot be %(step)s.")
                % {
                    "year": year,
                    "province": province.name,
                    "state": approval.get_state_display().lower(),
                    "step": str(STEP_PARTICIPLES[action]),
                }
            )
        now = timezone.now()
        before = approval.state
        if action == SUBMIT:
            approval.snapshot = take_snapshot(plan=plan, province=province, year=year)
            approval.submitted_by, approval.submitted_at = user, now
            approval.decided_by = approval.decided_at = None
        elif action in (APPROVE, RETURN):
            approval.decided_by, approval.decided_at = user, now
        approval.state = leads_to
        approval.save()
        ApprovalStep.objects.create(
            approval=approval,
            action=action,
            user=user,
            at=now,
            from_state=before,
            to_state=leads_to,
            comment=comment,
        )
    return approval


STEP_NAMES = {
    SUBMIT: _("Submit"),
    APPROVE: _("Approve"),
    RETURN: _("Return"),
    REOPEN: _("Reopen"),
}
STEP_PARTICIPLES = {
    SUBMIT: _("submitted"),
    APPROVE: _("approved"),
    RETURN: _("returned"),
    REOPEN: _("reopened"),
}


def _refusal_for_role(action: str) -> str:
    return {
        SUBMIT: gettext("Only a provincial officer of the province submits its year."),
        APPROVE: gettext("Only ministry staff approve a submitted year."),
        RETURN: gettext("Only ministry staff return a submitted year."),
        REOPEN: gettext("Only an administrator reopens an approved year."),
    }[action]


def steps_allowed(user, approval: YearApproval) -> list[str]:
    """The steps `user` may take now on the year (the page's buttons)."""
    return [
        action
        for action, (starts, _to, _comment) in STEPS.items()
        if approval.state in starts and may(user, action)
    ]


# ---------------------------------------------------------------------------------------------
# Reading the states with the figures


def states_for(*, plan, year: int, province_ids=None) -> dict[int, YearApproval]:
    """The approval of each province of the year (absent: not submitted), in one query."""
    queryset = YearApproval.objects.filter(plan=plan, year=year).select_related(
        "submitted_by", "decided_by"
    )
    if province_ids is not None:
        queryset = queryset.filter(province_id__in=list(province_ids))
    return {approval.province_id: approval for approval in queryset}


def approved_row(approval: YearApproval | None, place):
    """The approved figures of `place` (the province or one of its communes) as a row of the
    compliance table, or None when the year is not approved."""
    from plan_tracker import metrics

    if approval is None or approval.state != State.APPROVED:
        return None
    values = approval.snapshot_row(place.pk if place is not None else None)
    if values is None:
        return None
    return metrics.Row(locality=place, values=values, level=values.get("level", ""))


# The columns an export adds to the compliance table: the year's state, whether the live
# figures now differ from the approved ones, and the approved percentage of each target.
APPROVED_FIGURES = [
    "inspected_in_year_pct",
    "coverage_pct",
    "reports_on_time_pct",
    "cases_growth_pct",
]
APPROVAL_COLUMNS = [
    "approval_state",
    "approved_differs",
    *(f"approved_{name}" for name in APPROVED_FIGURES),
]


def with_approval_columns(table):
    """The compliance table with APPROVAL_COLUMNS after its own, for each row and its total
    (the state of the row's province; for an approved year its approved percentages and
    whether any live figure of the row now differs). One query for every province."""
    from plan_tracker import metrics

    approvals = states_for(plan=table.plan, year=table.year)
    for row in [*table.rows, table.total]:
        place = row.locality
        approval = None
        if place is not None:
            approval = approvals.get(place.province_id or place.pk)
        if place is None:
            row.values["approval_state"] = None  # the nation's total: no one year to approve
        else:
            row.values["approval_state"] = approval.state if approval else State.NOT_SUBMITTED
        approved = approved_row(approval, place) if place is not None else None
        for name in APPROVED_FIGURES:
            row.values[f"approved_{name}"] = approved.values.get(name) if approved else None
        if approved is None:
            row.values["approved_differs"] = None
        else:
            row.values["approved_differs"] = any(
                _differs(row.values.get(name), approved.values.get(name))
                for name in metrics.FIGURES
                # A figure added after the year was approved was not approved: nothing to differ.
                if name in approved.values
            )
    table.columns = [*table.columns, *APPROVAL_COLUMNS]
    table.extra["approvals"] = approvals
    return table


def figure_differs(live, approved) -> bool:
    """Whether a live figure differs from its approved value (percentages to one decimal)."""
    return _differs(live, approved)


def _differs(live, approved) -> bool:
    if live is None or approved is None:
        return (live is None) != (approved is None)
    return round(float(live), 1) != round(float(approved), 1)
