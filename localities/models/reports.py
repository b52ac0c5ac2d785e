"""Reports about prostitution, their legal clock, and the reporter's identity kept apart."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, DateField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localities.models.places import Locality, Scheme
from localities.models.records import LocatedRecord
from localities.models.validation import add_error, not_before, not_in_future, raise_if
from localities.models.versioning import VersionCheckedModel, VersionedModel
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
    # How many successive extensions the law allows, each by its own decision.
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=1)
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
    after D is not yet a handling, an extension decided after D is not yet decided. On D a
    report received by D is *handled* when its handling is dated on or before D (on time when
    also on or before its deadline in force on D, else late); otherwise it is *open*: *overdue*
    when its deadline in force on D is before D, *due soon* when that deadline is D or one of
    the DUE_SOON_DAYS days after it, *pending* otherwise. Report.status(D) says the same of one
    report in Python.

    The deadline in force on D (``deadline_on``) is the base one, or the date set by the latest
    extension counted on D (decided on or before D; one whose decision date is unknown counts
    from the day it was recorded). The stored ``deadline`` is the one in force with every
    recorded extension, and ``extension_counted_from`` the day the latest one counts from: for
    every report whose latest extension counts on D (nearly all of them, and every report
    without one) the stored deadline is the answer and nothing more is read; only the others
    look up their extensions.
    """

    @staticmethod
    def deadline_settled_q(day) -> Q:
        """The stored deadline is the one in force on D."""
        return Q(extension_counted_from__isnull=True) | Q(extension_counted_from__lte=day)

    @staticmethod
    def earlier_deadline(day):
        """For a report whose latest extension does not count yet on D: its deadline on D."""
        counted = ReportExtension.objects.filter(report=OuterRef("pk"), counted_from__lte=day)
        latest = counted.order_by("-sequence").values("extended_until")[:1]
        return Coalesce(Subquery(latest, output_field=DateField()), F("base_deadline"))

    @classmethod
    def deadline_on(cls, day):
        """The deadline in force on D, as an expression (to annotate or order by)."""
        return Case(
            When(cls.deadline_settled_q(day), then=F("deadline")),
            default=cls.earlier_deadline(day),
            output_field=DateField(),
        )

    @classmethod
    def deadline_compared(cls, day, lookup: str, value) -> Q:
        """The deadline in force on D compared with `value` (lookup: lt, lte, gte), written so
        that the common case reads the stored, indexed deadline."""
        lookups = {"lt": LessThan, "lte": LessThanOrEqual, "gte": GreaterThanOrEqual}
        later = Q(extension_counted_from__gt=day) & Q(
            lookups[lookup](cls.earlier_deadline(day), value)
        )
        return (cls.deadline_settled_q(day) & Q(**{f"deadline__{lookup}": value})) | later

    @staticmethod
    def received_by(day) -> Q:
        return Q(received_on__lte=day)

    @staticmethod
    def handled_by(day) -> Q:
        return Q(handled_on__isnull=False, handled_on__lte=day)

    @classmethod
    def handled_on_time_by(cls, day) -> Q:
        return cls.handled_by(day) & cls.deadline_compared(day, "gte", F("handled_on"))

    @staticmethod
    def not_handled_by(day) -> Q:
        return Q(handled_on__isnull=True) | Q(handled_on__gt=day)

    @classmethod
    def open_on_q(cls, day) -> Q:
        return cls.received_by(day) & cls.not_handled_by(day)

    @classmethod
    def overdue_on_q(cls, day) -> Q:
        return cls.open_on_q(day) & cls.deadline_compared(day, "lt", day)

    @classmethod
    def in_time_on_q(cls, day) -> Q:
        """Open on D with the deadline not passed (pending or due soon)."""
        return cls.open_on_q(day) & cls.deadline_compared(day, "gte", day)

    @classmethod
    def due_soon_on_q(cls, day) -> Q:
        return cls.in_time_on_q(day) & cls.deadline_compared(day, "lte", due_soon_until(day))

    def open_on(self, day):
        return self.filter(self.open_on_q(day))

    def overdue_on(self, day):
        return self.filter(self.overdue_on_q(day))

    def due_soon_on(self, day):
        return self.filter(self.due_soon_on_q(day))

    def with_deadline_on(self, day):
        """`deadline_then` on each report: its deadline in force on D (`deadline_then_on`),
        which Report.deadline_on(D) then reads instead of looking it up again."""
        return self.annotate(
            deadline_then=self.deadline_on(day),
            deadline_then_on=Value(day, output_field=DateField()),
        )

    def with_status(self, day):
        """`status_code` on each report: its ReportStatus on D, computed in SQL."""
        return self.annotate(
            status_code=Case(
                When(self.handled_on_time_by(day), then=Value(ReportStatus.HANDLED_ON_TIME)),
                When(self.handled_by(day), then=Value(ReportStatus.HANDLED_LATE)),
                When(self.deadline_compared(day, "lt", day), then=Value(ReportStatus.OVERDUE)),
                When(
                    self.deadline_compared(day, "lte", due_soon_until(day)),
                    then=Value(ReportStatus.DUE_SOON),
                ),
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
    # The latest extension decision (ReportExtension), copied here by Report.apply_extension
    # so that lists and exports read it without a join; only the extension service writes it.
    extended_until = models.DateField(_("extended until"), null=True, blank=True, editable=False)
    extension_decided_on = models.DateField(
        _("extension decided on"), null=True, blank=True, editable=False
    )
    extension_decision_no = models.CharField(
        _("extension decision number"), max_length=60, blank=True, editable=False
    )
    extension_decided_by = models.CharField(
        _("extension decided by"), max_length=200, blank=True, editable=False
    )
    extension_reason = models.CharField(
        _("reason for the extension"), max_length=300, blank=True, editable=False
    )
    # The day the latest extension counts from (its decision date, or the day it was recorded
    # when that date is unknown); empty without an extension.
    extension_counted_from = models.DateField(
        _("extension counted from"), null=True, blank=True, editable=False
    )
    summary = models.TextField(_("summary"), blank=True)
    # Computed from the kind's rule on every save, stored so figures can compare in SQL: the
    # base deadline, and the deadline with every recorded extension (ReportQuerySet.deadline_on
    # says which one is in force on a day).
    base_deadline = models.DateField(_("base deadline"), editable=False)
    deadline = models.DateField(_("deadline"), editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])
    objects = ReportQuerySet.as_manager()
    scope_commune_field = "locality"
    place_field = "locality"
    # The figures count a report in the year of its receipt; its handling, and an extension's
    # decision where the model records one, change the figures of their own years.
    figure_dates = ("received_on", "handled_on", "extension_decided_on")
    free_fields = (
        "reference",
        "verified_on",
        "classified_on",
        "outcome",
        "extension_reason",
        "extension_decision_no",
        "extension_decided_by",
        "summary",
        "locality_code_given",
    )
    derived_fields = (*LocatedRecord.derived_fields, "base_deadline", "deadline")

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
        self.base_deadline = self.kind.base_deadline(self.received_on)
        self.deadline = self.compute_deadline()

    def apply_extension(self, extension: "ReportExtension"):
        """Make `extension`, the latest decision, the report's own deadline (not saved)."""
        self.extended_until = extension.extended_until
        self.extension_decided_on = extension.decided_on
        self.extension_decision_no = extension.decision_no
        self.extension_decided_by = extension.decided_by
        self.extension_reason = extension.reason
        self.extension_counted_from = extension.counted_from or extension.compute_counted_from()

    def deadline_on(self, as_of: datetime.date) -> datetime.date:
        """The deadline in force on `as_of`: the base one, or the date set by the latest
        extension counted on that day (ReportQuerySet.deadline_on is the same rule in SQL)."""
        if "deadline_then" in self.__dict__ and self.__dict__.get("deadline_then_on") == as_of:
            return self.deadline_then
        deadline = self.deadline or self.compute_deadline()
        if self.extension_counted_from is None or self.extension_counted_from <= as_of:
            return deadline
        counted = self.extensions.filter(counted_from__lte=as_of).order_by("-sequence").first()
        if counted is not None:
            return counted.extended_until
        return self.kind.base_deadline(self.received_on)

    def status(self, as_of: datetime.date | None = None) -> str:
        """The report's state on `as_of` (default today): nothing after it has happened yet."""
        as_of = as_of or timezone.localdate()
        deadline = self.deadline_on(as_of)
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
        """Days until the deadline in force on `as_of`; negative when overdue."""
        as_of = as_of or timezone.localdate()
        return (self.deadline_on(as_of) - as_of).days

    def next_stage(self) -> str | None:
        for stage in STAGES:
            if getattr(self, stage) is None:
                return stage
        return None

    def clean(self):
        errors: dict = {}
        self._check_place(errors, "locality", commune_only=False)
        self.refuse_if_locked()
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
        raise_if(errors)


class ReportExtension(VersionedModel):
    """One extension of a report's time limit: a decision with its date, number and authority.

    A report has the successive extensions its kind allows (ReportKind.max_extensions), in
    order (`sequence` 1, 2, ...). Each is decided on or before the deadline it extends (Criminal
    Procedure Code 2015 Art. 147; Law on Denunciations 2018 Art. 30), never in the future, and
    ends after that deadline and within the kind's legal maximum. It counts from the day it was
    decided (`counted_from`): on an earlier day it does not exist. An extension recorded before
    decisions were dated may have no decision date; it then counts from the day it was recorded.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="extensions"
    )
    sequence = models.PositiveSmallIntegerField(_("extension number"))
    extended_until = models.DateField(_("extended until"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)
    counted_from = models.DateField(_("counted from"), editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])
    derived_fields = ("counted_from",)

    class Meta:
        verbose_name = _("report extension")
        verbose_name_plural = _("report extensions")
        ordering = ["report", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "sequence"], name="report_extension_sequence_unique"
            ),
        ]
        indexes = [models.Index(fields=["report", "counted_from"])]

    def __str__(self):
        return f"{self.report_id} #{self.sequence}"

    @property
    def decision_date_unknown(self) -> bool:
        return self.decided_on is None

    def compute_counted_from(self) -> datetime.date:
        return self.decided_on or self.recorded_on

    def set_derived_fields(self):
        super().set_derived_fields()
        self.counted_from = self.compute_counted_from()

    def extended_deadline(self) -> datetime.date:
        """The deadline this extension extends: the base one, or the previous extension's."""
        previous = getattr(self, "previous", None)
        if previous is None and self.sequence and self.sequence > 1:
            previous = self.report.extensions.filter(sequence=self.sequence - 1).first()
        if previous is not None:
            return previous.extended_until
        return self.report.kind.base_deadline(self.report.received_on)

    def clean(self):
        errors: dict = {}
        report = self.report
        short = "SHORT_DATE_FORMAT"
        allowed = report.kind.max_extensions
        if self.sequence and self.sequence > allowed:
            message = gettext(
                "The law allows %(count)s extension(s) for this kind of report, and this one "
                "has them already: no further extension can be recorded."
            ) % {"count": allowed}
            add_error(errors, "extended_until", message, "too_many_extensions")
        if self.decided_on is None:
            message = gettext("An extension is a decision: enter the date it was decided.")
            add_error(errors, "decided_on", message, "decided_on_required")
        if not self.decision_no.strip():
            message = gettext("An extension is a decision: enter its document number.")
            add_error(errors, "decision_no", message, "decision_no_required")
        label = gettext("The extension's decision date")
        not_in_future(errors, "decided_on", self.decided_on, label)
        # The deadlines of a receipt date in the future (refused by the report's own check)
        # mean nothing, and past 31/12/9999 they are no date at all.
        if report.received_on is None or report.received_on > timezone.localdate():
            raise_if(errors)
            return
        not_before(
            errors,
            "decided_on",
            self.decided_on,
            report.received_on,
            label,
            gettext("the receipt date"),
        )
        if self.decided_on and report.handled_on and self.decided_on > report.handled_on:
            message = gettext(
                "The extension was decided on %(decided)s, after the report was handled "
                "(%(handled)s): a handled report is not extended."
            ) % {
                "decided": date_format(self.decided_on, short),
                "handled": date_format(report.handled_on, short),
            }
            add_error(errors, "decided_on", message, "extension_after_handling")
        extended = self.extended_deadline()
        if self.decided_on and self.decided_on > extended:
            message = gettext(
                "The extension was decided on %(decided)s, after the deadline it extends "
                "(%(deadline)s): an extension must be decided on or before that deadline."
            ) % {
                "decided": date_format(self.decided_on, short),
                "deadline": date_format(extended, short),
            }
            add_error(errors, "decided_on", message, "extension_decided_too_late")
        if self.extended_until:
            maximum = report.kind.legal_maximum(report.received_on)
            if self.extended_until <= extended:
                message = gettext(
                    "An extension must end after the deadline it extends (%(base)s): enter a "
                    "later date, or leave it empty if there is no extension."
                ) % {"base": date_format(extended, short)}
                add_error(errors, "extended_until", message, "extension_too_short")
            elif self.extended_until > maximum:
                message = gettext(
                    "The law allows at most until %(max)s for this kind of report: "
                    "enter a date on or before %(max)s."
                ) % {"max": date_format(maximum, short)}
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
