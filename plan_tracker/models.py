"""A plan and its targets: data, so the next period fits without a code change.

A plan belongs to the nation (no province) or to one province, covers one year or several, and
has a document (number, date, issuing body). Its targets are percentages (as the 2021–2025
programme's) or counts ("at least N in the year"), each applied to every commune or to the
province as a whole. Which plans judge a locality in a year: ``Plan.objects.in_force``.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localities.models.versioning import VersionCheckedModel

# The first year a plan may cover, and how far ahead one may be recorded.
FIRST_PLAN_YEAR = 2000
YEARS_AHEAD = 10
# The provinces of the 2025 scheme exist from 1 July 2025: a province's plan covers 2025 or later.
FIRST_PROVINCE_PLAN_YEAR = 2025


class Metric(models.TextChoices):
    REPORTS_ON_TIME = "reports_on_time", _("Reports handled on time")
    ANNUAL_INSPECTION = "annual_inspection", _("Establishments inspected this year")
    FULL_COVERAGE = "full_coverage", _("Establishments inspected since the plan began")
    CASES_GROWTH = "cases_growth", _("Growth of cases handled")
    COMMUNICATION_COVERAGE = (
        "communication_coverage",
        _("Communes holding communication activities"),
    )
    CASES_HANDLED_COUNT = "cases_handled_count", _("Cases handled in the year (count)")
    INSPECTIONS_COUNT = "inspections_count", _("Inspections made in the year (count)")
    ACTIVITIES_COUNT = "activities_count", _("Activities held in the year (count)")


# What each metric reads, said to whoever writes a target (the plan's form shows it).
METRIC_EXPLAINED = {
    Metric.REPORTS_ON_TIME: _(
        "Percentage: reports handled on or before their deadline, of the reports received in "
        "the year that are handled or overdue (those still in time are left out)."
    ),
    Metric.ANNUAL_INSPECTION: _(
        "Percentage: in-scope establishments operating during the year that had at least one "
        "inspection in the year. In the running year it is compared with the threshold times "
        "the share of the year elapsed."
    ),
    Metric.FULL_COVERAGE: _(
        "Percentage: in-scope establishments open at the end of the period that were inspected "
        "at least once since the plan's first day; compared with a straight line from 0% on "
        "the plan's first day to the threshold on its last day."
    ),
    Metric.CASES_GROWTH: _(
        "Percentage: growth of the criminal cases handled in the year over the previous year."
    ),
    Metric.COMMUNICATION_COVERAGE: _(
        "Percentage: communes of the locality that held at least one communication activity "
        "in the year. In the running year it is compared with the threshold times the share "
        "of the year elapsed."
    ),
    Metric.ACTIVITIES_COUNT: _(
        "Count: communication and training activities held in the year. Met when at least N "
        "at the year's end; in the running year on track when at least N times the share "
        "elapsed."
    ),
    Metric.CASES_HANDLED_COUNT: _(
        "Count: criminal cases about prostitution handled (indictment or closing decision) in "
        "the year. Met when at least N at the year's end; in the running year on track when "
        "at least N times the share of the year elapsed."
    ),
    Metric.INSPECTIONS_COUNT: _(
        "Count: inspections of in-scope establishments dated in the year (each inspection "
        "counts, two of one establishment count twice). Met when at least N at the year's "
        "end; in the running year on track when at least N times the share elapsed."
    ),
}


class Applies(models.TextChoices):
    EACH_COMMUNE = "each_commune", _("Each commune (and the province)")
    WHOLE_PROVINCE = "whole_province", _("The province as a whole")


# The order of the plans in force: national plans first, the default plan first of them, then
# by document date (undated last).
IN_FORCE_ORDER = (
    models.F("province").asc(nulls_first=True),
    models.F("is_default").desc(),
    models.F("document_date").asc(nulls_last=True),
    "pk",
)


class PlanQuerySet(models.QuerySet):
    def covering(self, year: int):
        return self.filter(first_year__lte=year, last_year__gte=year)

    def in_force(self, locality, year: int):
        """The plans that judge `locality` in `year`: the national plans covering the year, and
        the plans of the locality's province covering it (None: the nation, national plans
        only). National plans first, the default plan first of them, then by document date
        (IN_FORCE_ORDER). The same rule for a plan already loaded: Plan.is_in_force."""
        province_id = None
        if locality is not None:
            province_id = locality.pk if locality.is_province else locality.province_id
        whose = Q(province__isnull=True)
        if province_id is not None:
            whose |= Q(province_id=province_id)
        return self.covering(year).filter(whose).order_by(*IN_FORCE_ORDER)

    def visible_in(self, scope):
        """The plans read in a scope (localities.permissions.Scope): the nation's reads every
        plan; an officer's the national plans and those of their province. The plan pages ask
        restrict(user), which reads nothing for a user without a role."""
        if scope.national:
            return self
        if scope.empty:
            # No area (an unassigned user): the national plans, public documents, so that a
            # page can say what they measure; such a user reaches no record.
            return self.filter(province__isnull=True)
        return self.filter(Q(province__isnull=True) | Q(province_id=scope.province_id))

    def restrict(self, user, action: str = "view"):
        """The plans a user may read (view) or manage (change):

        * read: ministry staff and administrators every plan; an officer the national plans
          and those of their province (the plans that can be in force for them);
        * manage: administrators every plan; a provincial officer their own province's plans;
          nobody else any."""
        from localities.permissions import CHANGE, VIEW, Role, role_of, scope_of

        if action not in (VIEW, CHANGE):
            raise ValueError(f"plans are read (view) or managed (change), not {action!r}")
        role, scope = role_of(user), scope_of(user)
        if role is None or scope.empty:
            return self.none()
        if action == VIEW:
            return self.visible_in(scope)
        if role == Role.ADMINISTRATOR:
            return self
        if role == Role.PROVINCIAL_OFFICER:
            return self.filter(province_id=scope.province_id)
        return self.none()


class Plan(VersionCheckedModel):
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    province = models.ForeignKey(
        "localities.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("province"),
        help_text=_("Empty: a national plan, in force in every province."),
    )
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 07/KH-UBND")
    )
    document_date = models.DateField(_("document date"), null=True, blank=True)
    issuing_body = models.CharField(
        _("issuing body"), max_length=200, blank=True, help_text=_("e.g. UBND Thành phố Hà Nội")
    )
    description = models.TextField(_("description"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    is_default = models.BooleanField(_("default plan"), default=False)
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="plan_years_in_order"
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_plan"
            ),
        ]

    def __str__(self):
        name = self.name
        if self.name_en and not (get_language() or "vi").startswith("vi"):
            name = self.name_en
        period = str(self.first_year)
        if self.last_year != self.first_year:
            period = f"{self.first_year}–{self.last_year}"
        return name if period in name else f"{name} ({period})"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.first_year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.last_year, 12, 31)

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def is_national(self) -> bool:
        return self.province_id is None

    @property
    def decision(self) -> str:
        """The document in one line: "07/KH-UBND ngày 07/01/2026, UBND Thành phố Hà Nội"."""
        parts = [self.document_number]
        if self.document_date:
            parts.append(gettext("of %(day)s") % {"day": self.document_date.strftime("%d/%m/%Y")})
        text = " ".join(p for p in parts if p)
        return ", ".join(p for p in (text, self.issuing_body) if p)

    def is_in_force(self, locality, year: int) -> bool:
        """Plan.objects.in_force's rule for one plan already loaded: it covers the year and
        judges the locality."""
        return self.first_year <= year <= self.last_year and self.applies_to(locality)

    def applies_to(self, locality) -> bool:
        """Whether the plan judges this locality (None: the nation): a national plan judges
        every locality; a province's plan its province and the province's communes."""
        if self.province_id is None:
            return True
        if locality is None:
            return False
        return (locality.pk if locality.is_province else locality.province_id) == self.province_id

    def clean(self):
        errors = {}
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = gettext("The last year must be the first year or later.")
        today = timezone.localdate()
        latest = today.year + YEARS_AHEAD
        for name in ("first_year", "last_year"):
            year = getattr(self, name)
            if year and not FIRST_PLAN_YEAR <= year <= latest:
                errors.setdefault(
                    name,
                    gettext("A plan's year must be from %(first)s to %(last)s.")
                    % {"first": FIRST_PLAN_YEAR, "last": latest},
                )
        if self.document_date and self.document_date > today:
            errors["document_date"] = gettext(
                "The document date %(day)s is in the future: a plan is recorded once issued."
            ) % {"day": self.document_date.strftime("%d/%m/%Y")}
        if self.province_id is not None:
            province = self.province
            if not (province.is_current and province.is_province):
                errors["province"] = gettext(
                    "Choose a province of the 2025 scheme (34 provinces and cities)."
                )
            elif self.first_year and self.first_year < FIRST_PROVINCE_PLAN_YEAR:
                errors.setdefault(
                    "first_year",
                    gettext(
                        "%(province)s exists in its present form since 1 July 2025: its plan "
                        "covers %(first)s or later."
                    )
                    % {"province": province.name, "first": FIRST_PROVINCE_PLAN_YEAR},
                )
            if self.is_default:
                errors["is_default"] = gettext("Only a national plan can be the default plan.")
        if errors:
            raise ValidationError(errors)


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=8,
        decimal_places=2,
        help_text=_(
            "A percentage (at most 100) the locality must reach, or for a count the whole "
            "number N it must reach in the year."
        ),
    )
    applies_to = models.CharField(
        _("applies to"),
        max_length=20,
        choices=Applies.choices,
        default=Applies.EACH_COMMUNE,
        help_text=_(
            "Each commune: every commune is judged against the target, and the province too. "
            "The province as a whole: only the province's figure is judged; its communes show "
            "“not applicable”."
        ),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric"], name="target_once_per_plan"),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.goal}"

    @property
    def goal(self) -> str:
        """What the target asks, as people write it: ≥ 100 (a count); ≥ 20%, ≥ 2,5% in
        Vietnamese (no trailing zeros, the language's decimal separator)."""
        if self.is_count:
            return f"≥ {self.threshold:.0f}"
        shown = number_format(self.threshold.quantize(Decimal("0.01")).normalize(), use_l10n=True)
        return f"≥ {shown}%"

    @property
    def is_count(self) -> bool:
        return is_count(self.metric)

    @property
    def per_commune(self) -> bool:
        return self.applies_to != Applies.WHOLE_PROVINCE

    def clean(self):
        if self.threshold is None or not self.metric:
            return
        if self.is_count:
            if self.threshold < 1 or self.threshold != self.threshold.to_integral_value():
                raise ValidationError(
                    {
                        "threshold": gettext(
                            "A count target is a whole number of at least 1 (e.g. 100 cases "
                            "in the year), not %(value)s."
                        )
                        % {"value": self.threshold.normalize()}
                    }
                )
        elif not 0 < self.threshold <= 100:
            raise ValidationError(
                {
                    "threshold": gettext(
                        "A percentage target is above 0 and at most 100, not %(value)s."
                    )
                    % {"value": self.threshold.normalize()}
                }
            )


def is_count(metric: str) -> bool:
    """A count target ("at least N in the year"): its metric counts a figure
    (plan_tracker.metrics.COUNT_FIGURES)."""
    from plan_tracker.metrics import COUNT_FIGURES

    return metric in COUNT_FIGURES


class DigestPreference(models.Model):
    """A user's daily digest: whether they want it, in which language, and the last day it was
    sent (so that a second run on the same day sends nothing twice). A user without a row gets
    the digest in Vietnamese."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    enabled = models.BooleanField(_("send me the daily digest"), default=True)
    language = models.CharField(
        _("language of the digest"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: Vietnamese."),
    )
    last_sent_on = models.DateField(_("last sent on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("daily digest preference")
        verbose_name_plural = _("daily digest preferences")

    def __str__(self):
        return str(self.user)


# The approvals of a province's year live with their rules (plan_tracker.approvals); imported
# here so that Django finds their models.
from plan_tracker.approvals import ApprovalStep, YearApproval  # noqa: E402

__all__ = [
    "Applies",
    "ApprovalStep",
    "DigestPreference",
    "Metric",
    "Plan",
    "Target",
    "YearApproval",
]
