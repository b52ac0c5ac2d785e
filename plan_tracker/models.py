"""A plan and its targets: data, so the next period fits without a code change."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    REPORTS_ON_TIME = "reports_on_time", _("Reports handled on time")
    ANNUAL_INSPECTION = "annual_inspection", _("Establishments inspected this year")
    FULL_COVERAGE = "full_coverage", _("Establishments inspected since the plan began")
    CASES_GROWTH = "cases_growth", _("Growth of cases handled")
    COMMUNICATION_COVERAGE = (
        "communication_coverage",
        _("Communes holding communication activities"),
    )


class Plan(models.Model):
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    is_default = models.BooleanField(_("default plan"), default=False)

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

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError(
                {"last_year": gettext("The last year must be the first year or later.")}
            )


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    threshold = models.DecimalField(
        _("threshold (%)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("The percentage the locality must reach."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric"], name="target_once_per_plan"),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} ≥ {self.threshold}%"


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

__all__ = ["ApprovalStep", "DigestPreference", "Metric", "Plan", "Target", "YearApproval"]
