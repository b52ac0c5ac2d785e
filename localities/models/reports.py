"""Reports about prostitution, their legal clock, and the reporter's identity kept apart."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localities.models.places import Locality, Scheme
from localities.models.records import LocatedRecord
from localities.models.validation import add_error, not_before, not_in_future, raise_if
from localities.models.versioning import VersionCheckedModel
from localities.querysets import ScopedQuerySet

# A report not handled is "due soon" when its deadline is today or within this many days: on its
# status, in the reports filter, on the work lists, in the digest and on the printed report.
DUE_SOON_DAYS = 5

# A report's life, in order (plan-rules §5): received, then verified and classified (in either
# order), then handled; each date none before receipt and none after handling.
LIFE = ("received_on", "verified_on", "classified_on", "handled_on")
STAGES = LIFE[1:]  # the stages recorded after receipt


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months, clamped to the month's last day (31/01 + 1 month = 28 or 29/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


class ReportKind(models.Model):
    """A kind of report and its legal time limits: data, loaded by a migration."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    base_days = models.PositiveIntegerField(_("base time limit (days from receipt)"))
    # The legal maximum with every extension, from receipt: in days or in calendar months.
    max_days = models.PositiveIntegerField(
        _("maximum with extensions (days)"), null=True, blank=True
    )
    max_months = models.PositiveIntegerField(
        _("maximum with extensions (months)"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("report kind")
        verbose_name_plural = _("report kinds")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_days__isnull=False) | Q(max_months__isnull=False),
                name="report_kind_has_maximum",
            )
        ]

    def __str__(self):
        if self.name_en and not (get_language() or "vi").startswith("vi"):
            return self.name_en
        return self.name

    def base_deadline(self, received_on: datetime.date) -> datetime.date:
        return received_on + datetime.timedelta(days=self.base_days)

    def legal_maximum(self, received_on: datetime.date) -> datetime.date:
        if self.max_months:
            return add_months(received_on, self.max_months)
        return received_on + datetime.timedelta(days=self.max_days)


class ReportOutcome(models.TextChoices):
    CASE_OPENED = "case_opened", _("Case opened (khởi tố vụ án)")
    CASE_NOT_OPENED = "case_not_opened", _("Case not opened")
    SUSPENDED = "suspended", _("Suspended (Art. 148)")
    TRANSFERRED = "transferred", _("Transferred to the competent agency")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("Administrative penalty")
    NO_VIOLATION = "no_violation", _("No violation")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DUE_SOON = "due_soon", _("Due within 5 days")
    OVERDUE = "overdue", _("Overdue")
    HANDLED_ON_TIME = "handled_on_time", _("Handled on time")
    HANDLED_LATE = "handled_late", _("Handled late")

    @classmethod
    def colour(cls, value) -> str:
        return _STATUS_COLOURS[value]


_STATUS_COLOURS = {
    ReportStatus.PENDING: "secondary",
    ReportStatus.DUE_SOON: "warning",
    ReportStatus.OVERDUE: "danger",
    ReportStatus.HANDLED_ON_TIME: "success",
    ReportStatus.HANDLED_LATE: "dark",
}


class ReportQuerySet(ScopedQuerySet):
    """A report's state on a day D, as conditions (for conditional counts) and as filters.

    Nothing after D has happened yet: a report received after D was not received, a handling
    after D is not yet a handling. On D a report received by D is *handled* when its handling
    is dated on or before D (on time when also on or before its deadline, else late); otherwise
    it is *open*: *overdue* when its deadline is before D, *due soon* when the deadline is D or
    one of the DUE_SOON_DAYS days after it, *pending* otherwise. Report.status(D) says the same
    of one report in Python.
    """

    @staticmethod
    def received_by(day) -> Q:
        return Q(received_on__lte=day)

    @staticmethod
    def handled_by(day) -> Q:
        return Q(handled_on__isnull=False, handled_on__lte=day)

    @classmethod
    def handled_on_time_by(cls, day) -> Q:
        return cls.handled_by(day) & Q(handled_on__lte=F("deadline"))

    @staticmethod
    def not_handled_by(day) -> Q:
        return Q(handled_on__isnull=True) | Q(handled_on__gt=day)

    @classmethod
    def open_on_q(cls, day) -> Q:
        return cls.received_by(day) & cls.not_handled_by(day)

    @classmethod
    def overdue_on_q(cls, day) -> Q:
        return cls.open_on_q(day) & Q(deadline__lt=day)

    @classmethod
    def in_time_on_q(cls, day) -> Q:
        """Open on D with the deadline not passed (pending or due soon)."""
        return cls.open_on_q(day) & Q(deadline__gte=day)

    @classmethod
    def due_soon_on_q(cls, day) -> Q:
        return cls.in_time_on_q(day) & Q(deadline__lte=due_soon_until(day))

    def open_on(self, day):
        return self.filter(self.open_on_q(day))

    def overdue_on(self, day):
        return self.filter(self.overdue_on_q(day))

    def due_soon_on(self, day):
        return self.filter(self.due_soon_on_q(day))

    def with_status(self, day):
        """`status_code` on each report: its ReportStatus on D, computed in SQL."""
        return self.annotate(
            status_code=Case(
                When(self.handled_on_time_by(day), then=Value(ReportStatus.HANDLED_ON_TIME)),
                When(self.handled_by(day), then=Value(ReportStatus.HANDLED_LATE)),
                When(deadline__lt=day, then=Value(ReportStatus.OVERDUE)),
                When(deadline__lte=due_soon_until(day), then=Value(ReportStatus.DUE_SOON)),
                default=Value(ReportStatus.PENDING),
                output_field=models.CharField(),
            )
        )


def due_soon_until(day: datetime.date) -> datetime.date:
    """The last deadline that is "due soon" on `day`."""
    return day + datetime.timedelta(days=DUE_SOON_DAYS)


class Report(LocatedRecord):
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    kind = models.ForeignKey(
        ReportKind,
        verbose_name=_("kind"),
        to_field="code",
        db_column="kind",
        on_delete=models.PROTECT,
        related_name="reports",
    )
    locality = models.ForeignKey(
        Locality,
        verbose_name=_("locality"),
        on_delete=models.PROTECT,
        related_name="reports",
        limit_choices_to={"scheme": Scheme.NEW},
    )
    received_on = models.DateField(_("received on"))
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
    outcome = models.CharField(
        _("handling decision"), max_length=30, choices=ReportOutcome.choices, blank=True
    )
    extended_until = models.DateField(
        _("extended until"),
        null=True,
        blank=True,
        help_text=_("Only when an extension was decided for a complex matter."),
    )
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Computed from the kind's rule on every save, stored so figures can compare in SQL.
    deadline = models.DateField(_("deadline"), editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])
    objects = ReportQuerySet.as_manager()
    scope_commune_field = "locality"
    derived_fields = (*LocatedRecord.derived_fields, "deadline")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(handled_on__isnull=True) | Q(handled_on__gte=models.F("received_on")),
                name="report_handled_after_received",
            ),
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | Q(verified_on__gte=models.F("received_on")),
                name="report_verified_after_received",
            ),
            models.CheckConstraint(
                condition=Q(classified_on__isnull=True)
                | Q(classified_on__gte=models.F("received_on")),
                name="report_classified_after_received",
            ),
            models.CheckConstraint(
                condition=Q(handled_on__isnull=True) | ~Q(outcome=""),
                name="report_handled_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")),
                name="report_deadline_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "received_on"]),
            models.Index(fields=["locality", "received_on"]),
            models.Index(fields=["deadline"]),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("report_detail", args=[self.pk])

    def _place(self):
        return self.locality if self.locality_id else None

    def compute_deadline(self) -> datetime.date:
        if self.extended_until:
            return self.extended_until
        return self.kind.base_deadline(self.received_on)

    def set_derived_fields(self):
        super().set_derived_fields()
        self.deadline = self.compute_deadline()

    def status(self, as_of: datetime.date | None = None) -> str:
        """The report's state on `as_of` (default today): nothing after it has happened yet."""
        as_of = as_of or timezone.localdate()
        deadline = self.deadline or self.compute_deadline()
        if self.handled_on and self.handled_on <= as_of:
            if self.handled_on <= deadline:
                return ReportStatus.HANDLED_ON_TIME
            return ReportStatus.HANDLED_LATE
        if deadline < as_of:
            return ReportStatus.OVERDUE
        if deadline <= due_soon_until(as_of):
            return ReportStatus.DUE_SOON
        return ReportStatus.PENDING

    def days_left(self, as_of: datetime.date | None = None) -> int:
        """Days until the deadline; negative when overdue."""
        as_of = as_of or timezone.localdate()
        return (self.deadline - as_of).days

    def next_stage(self) -> str | None:
        for stage in STAGES:
            if getattr(self, stage) is None:
                return stage
        return None

    def clean(self):
        errors: dict = {}
        self._check_place(errors, "locality", commune_only=False)
        labels = {
            "received_on": _("The receipt date"),
            "verified_on": _("The verification date"),
            "classified_on": _("The classification date"),
            "handled_on": _("The handling date"),
        }
        for field, label in labels.items():
            not_in_future(errors, field, getattr(self, field), label)
        for field in STAGES:
            not_before(
                errors,
                field,
                getattr(self, field),
                self.received_on,
                labels[field],
                _("the receipt date"),
            )
        for field in ("verified_on", "classified_on"):
            value = getattr(self, field)
            if value and self.handled_on and value > self.handled_on:
                not_before(
                    errors,
                    "handled_on",
                    self.handled_on,
                    value,
                    labels["handled_on"],
                    labels[field].lower(),
                )
        if self.handled_on and not self.outcome:
            message = gettext("A handled report needs its decision: choose the handling decision.")
            add_error(errors, "outcome", message, "outcome_required")
        if self.outcome and not self.handled_on:
            message = gettext("A handling decision needs its date: enter the handling date.")
            add_error(errors, "handled_on", message, "handled_on_required")
        # Only on a receipt date that passed its own check: the deadlines of one in the future
        # mean nothing (and past 31/12/9999 they are no date at all).
        received_ok = self.received_on and "received_on" not in errors
        if self.extended_until and received_ok and self.kind_id:
            base = self.kind.base_deadline(self.received_on)
            maximum = self.kind.legal_maximum(self.received_on)
            if self.extended_until <= base:
                message = gettext(
                    "An extension must end after the base deadline (%(base)s): enter a "
                    "later date, or leave it empty if there is no extension."
                ) % {"base": date_format(base, "SHORT_DATE_FORMAT")}
                add_error(errors, "extended_until", message, "extension_too_short")
            elif self.extended_until > maximum:
                message = gettext(
                    "The law allows at most until %(max)s for this kind of report: "
                    "enter a date on or before %(max)s."
                ) % {"max": date_format(maximum, "SHORT_DATE_FORMAT")}
                add_error(errors, "extended_until", message, "extension_beyond_maximum")
        raise_if(errors)


class ReporterIdentity(VersionCheckedModel):
    """Who reported: a state secret, kept apart from the report and never listed or exported.
    Versioned like the records: of two officers editing it at once, the second is refused."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="reporter")
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    handwriting = models.TextField(
        _("handwriting / signature sample"),
        blank=True,
        help_text=_("Where the original is kept, or a description of it."),
    )

    class Meta:
        verbose_name = _("reporter's identity")
        verbose_name_plural = _("reporters' identities")
        default_permissions = ()

    def __str__(self):
        # Never the name: this string may end up in a log or an admin page.
        return gettext("Reporter of %(report)s") % {"report": self.report_id}


class IdentityAccess(models.Model):
    """Every look at a reporter's identity: who, which report, when, and what they did."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EDIT = "edit", _("edited")
        # A look refused: a role without the right, or an officer of another area.
        REFUSED = "refused", _("refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identity_accesses")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identity access")
        verbose_name_plural = _("identity accesses")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.action} {self.report_id} {self.at:%d/%m/%Y %H:%M}"
