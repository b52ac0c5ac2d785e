"""Establishments, their inspections, and criminal cases."""

import datetime

from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localities.models.locks import YearLocked, years_between
from localities.models.places import Level, Locality, Scheme
from localities.models.validation import add_error, not_before, not_in_future, raise_if
from localities.models.versioning import VersionedModel
from localities.querysets import ScopedQuerySet
from localities.text import Fold, fold


class Line(models.TextChoices):
    """Business lines prone to prostitution (Decree 96/2016, as amended by Decree 56/2023)."""

    ACCOMMODATION = "accommodation", _("Accommodation (hotel, guesthouse, motel, homestay)")
    KARAOKE = "karaoke", _("Karaoke")
    DISCOTHEQUE = "discotheque", _("Discotheque")
    MASSAGE = "massage", _("Massage")
    RESTAURANT_BAR = "restaurant_bar", _("Restaurant, bar, café with hostesses")
    SAUNA_SPA_BARBER = "sauna_spa_barber", _("Sauna, spa, barber")
    OTHER = "other", _("Other")


class EstablishmentQuerySet(ScopedQuerySet):
    """What "operating" and "inspected" mean, as conditions and as filters (plan-rules §3).

    An establishment is operating on day D when it opened on or before D (or its opening date
    is unknown) and has not closed before D; it operates during [first, last] when it operates
    on at least one day of it. Establishment.is_operating_on(D) says the same in Python.
    """

    @staticmethod
    def operating_between_q(first, last) -> Q:
        return (Q(opened_on__isnull=True) | Q(opened_on__lte=last)) & (
            Q(closed_on__isnull=True) | Q(closed_on__gte=first)
        )

    @classmethod
    def operating_on_q(cls, day) -> Q:
        return cls.operating_between_q(day, day)

    @staticmethod
    def inspected_between_q(first, last) -> Q:
        """At least one inspection dated in [first, last] (an index probe per establishment)."""
        window = Inspection.objects.filter(
            establishment=OuterRef("pk"), inspected_on__gte=first, inspected_on__lte=last
        )
        return Q(Exists(window))

    def operating_between(self, first, last):
        return self.filter(self.operating_between_q(first, last))

    def operating_on(self, day):
        return self.filter(self.operating_on_q(day))

    def never_inspected(self, since, day):
        """In the plan's scope, operating on `day`, with no inspection in [since, day]: what is
        counted as not yet covered since `since` (the plan's first day), and the list of it."""
        return (
            self.filter(in_scope=True)
            .operating_on(day)
            .exclude(self.inspected_between_q(since, day))
        )

    def matching(self, text: str):
        """The establishments whose code, name, address or commune hold every word of `text`,
        tone marks and case aside ("karaoke hoa hong" finds "Karaoke Hoa Hồng")."""
        words = fold(text or "").split()
        if not words:
            return self
        space = Value(" ")
        searched = self.alias(
            folded_text=Fold(
                Concat(
                    "code",
                    space,
                    "name",
                    space,
                    "address",
                    space,
                    "commune__name",
                    output_field=CharField(),
                )
            )
        )
        for word in words:
            searched = searched.filter(folded_text__contains=word)
        return searched


class LocatedRecord(YearLocked, VersionedModel):
    """A record placed in a current locality, with its province kept alongside for scoping."""

    province = models.ForeignKey(
        Locality,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The locality code as the officer or the file gave it (e.g. "2004:00001"), kept verbatim.
    locality_code_given = models.CharField(_("code as given"), max_length=12, blank=True)

    derived_fields = ("province",)

    class Meta:
        abstract = True

    def _place(self) -> Locality | None:
        raise NotImplementedError

    def _check_place(self, errors: dict, field: str, *, commune_only: bool):
        place = self._place()
        if place is None:
            return
        if place.scheme != Scheme.NEW:
            message = gettext(
                "%(place)s belongs to the 2004 scheme, which ended on 30/06/2025: "
                "choose the commune it became."
            )
            add_error(errors, field, message % {"place": place}, "old_locality")
        elif commune_only and place.level != Level.COMMUNE:
            message = gettext("%(place)s is a province: choose one of its communes.")
            add_error(errors, field, message % {"place": place}, "not_commune")

    def set_derived_fields(self):
        super().set_derived_fields()
        place = self._place()
        if place is not None:
            self.province_id = place.province_id or place.pk

    def province_for(self, values: dict) -> int | None:
        place = self._place()
        if place is not None and values.get(f"{self.place_field}_id") == place.pk:
            return place.province_id or place.pk
        return values.get("province_id")


class Establishment(LocatedRecord):
    # The registry code this app suggests: "CS" (cơ sở), the commune's 2025 code, a number of
    # at least four digits counting that commune's establishments. Other codes (an older
    # registry's, an import's) stay valid: only their uniqueness is checked.
    CODE_PREFIX = "CS-{commune}-"
    CODE_DIGITS = 4

    code = models.CharField(_("registry code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    line = models.CharField(_("business line"), max_length=20, choices=Line.choices)
    commune = models.ForeignKey(
        Locality,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="establishments",
        limit_choices_to={"scheme": Scheme.NEW, "level": Level.COMMUNE},
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    permit_number = models.CharField(
        _("security and order permit number"),
        max_length=60,
        blank=True,
        help_text=_("Giấy chứng nhận đủ điều kiện về an ninh, trật tự, if it has one."),
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    in_scope = models.BooleanField(_("in the plan's scope"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])
    objects = EstablishmentQuerySet.as_manager()
    scope_commune_field = "commune"
    place_field = "commune"
    figure_dates = ("opened_on", "closed_on")
    free_fields = ("code", "name", "line", "address", "permit_number", "locality_code_given")

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="establishment_closed_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "in_scope"]),
            models.Index(fields=["commune", "in_scope"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("establishment_detail", args=[self.pk])

    def get_line_display(self):
        """The business line's label. Django's generic get_FOO_display hashes every choice's
        lazy label on each call (a translation lookup per choice): a list of a hundred
        establishments paid for seven hundred of them."""
        try:
            return Line(self.line).label
        except ValueError:  # a value outside the choices is shown as it is, as Django does
            return self.line

    def _place(self):
        return self.commune if self.commune_id else None

    @classmethod
    def next_free_code(cls, commune: Locality) -> str:
        """The commune's next code in the suggested format, one past the highest taken (by any
        establishment anywhere: codes are unique nationwide)."""
        prefix = cls.CODE_PREFIX.format(commune=commune.code)
        taken = cls._default_manager.filter(code__startswith=prefix).values_list("code", flat=True)
        numbers = [int(code[len(prefix) :]) for code in taken if code[len(prefix) :].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1:0{cls.CODE_DIGITS}d}"

    def span_years(self, values: dict) -> set[int]:
        """Every year it operates in: its figures count it in each."""
        return years_between(values.get("opened_on"), values.get("closed_on"))

    def date_change_years(self, field: str, old, new) -> set[int]:
        """Moving an opening or a closing changes every year between the two dates."""
        if field == "opened_on":
            return years_between(min(old, new, key=_or_earliest), max(old, new, key=_or_earliest))
        return years_between(min(old, new, key=_or_latest), max(old, new, key=_or_latest))

    def is_operating_on(self, day) -> bool:
        """Opened on or before `day` (or opening unknown) and not closed before `day`."""
        return (self.opened_on is None or self.opened_on <= day) and (
            self.closed_on is None or self.closed_on >= day
        )

    def clean(self):
        errors: dict = {}
        self._check_place(errors, "commune", commune_only=True)
        self.refuse_if_locked()
        not_in_future(errors, "opened_on", self.opened_on, _("The opening date"))
        not_in_future(errors, "closed_on", self.closed_on, _("The closing date"))
        not_before(
            errors,
            "closed_on",
            self.closed_on,
            self.opened_on,
            _("The closing date"),
            _("the opening date"),
        )
        raise_if(errors)


class InspectionTeam(models.TextChoices):
    POLICE = "police", _("Police alone")
    INTERAGENCY = "interagency", _("Inter-agency team (culture, labour-social affairs, health)")


class InspectionOutcome(models.TextChoices):
    NO_VIOLATION = "no_violation", _("No violation")
    VIOLATION = "violation", _("Violation found")


class Inspection(YearLocked, VersionedModel):
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("inspected on"))
    team = models.CharField(_("team"), max_length=20, choices=InspectionTeam.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=InspectionOutcome.choices)
    violations = models.TextField(_("violations found"), blank=True)
    fine_vnd = models.PositiveBigIntegerField(_("administrative fine (VND)"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])
    objects = ScopedQuerySet.as_manager()
    scope_commune_field = "establishment__commune"
    scope_province_field = "establishment__province"
    figure_dates = ("inspected_on",)
    free_fields = ("team", "outcome", "violations", "fine_vnd", "notes")

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "inspected_on"], name="inspection_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(fine_vnd__gte=0), name="inspection_fine_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["inspected_on", "establishment"])]

    def __str__(self):
        return f"{self.establishment} — {self.inspected_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("inspection_detail", args=[self.pk])

    def province_for(self, values: dict) -> int | None:
        establishment_id = values.get("establishment_id")
        if establishment_id is None:
            return None
        if establishment_id == self.establishment_id:
            return self.establishment.province_id
        return (
            Establishment.objects.filter(pk=establishment_id)
            .values_list("province_id", flat=True)
            .first()
        )

    def clean(self):
        if self.establishment_id:
            self.refuse_if_locked()
        raise_if(
            self.rule_errors(
                inspected_on=self.inspected_on,
                opened_on=self.establishment.opened_on if self.establishment_id else None,
                outcome=self.outcome,
                fine_vnd=self.fine_vnd,
                violations=self.violations,
            )
        )

    @staticmethod
    def rule_errors(*, inspected_on, opened_on, outcome, fine_vnd, violations) -> dict:
        """The rules of an inspection's values, {field: [ValidationError]}: clean() checks a
        record by them, and an import checks a new row's plain values by them (the year locks
        aside, which clean() checks first). `opened_on` is the establishment's opening date."""
        errors: dict = {}
        not_in_future(errors, "inspected_on", inspected_on, _("The inspection date"))
        not_before(
            errors,
            "inspected_on",
            inspected_on,
            opened_on,
            _("The inspection date"),
            _("the establishment's opening date"),
        )
        if outcome == InspectionOutcome.NO_VIOLATION and fine_vnd:
            message = gettext(
                "A fine was entered but the outcome is “no violation”: set the outcome "
                "to “violation found” or the fine to 0."
            )
            add_error(errors, "fine_vnd", message, "fine_without_violation")
        if outcome == InspectionOutcome.VIOLATION and not (violations or "").strip():
            message = gettext(
                "The outcome is “violation found” but no violation is described: write the "
                "violations found, or set the outcome to “no violation”."
            )
            add_error(errors, "violations", message, "violation_not_described")
        return errors


class CaseArticle(models.TextChoices):
    BROTHEL = "327", _("Art. 327 — keeping a brothel")
    PROCURING = "328", _("Art. 328 — procuring")
    MINOR = "329", _("Art. 329 — buying sex from a person under 18")
    TRAFFICKING = "150", _("Art. 150 — human trafficking")
    CHILD_TRAFFICKING = "151", _("Art. 151 — trafficking of persons under 16")


class Modus(models.TextChoices):
    """How a case operated: online (three ways), at an establishment, on the street, as call
    girls, or otherwise. The three online ones are ONLINE_MODI (CaseQuerySet.online)."""

    ONLINE_CLOSED_GROUP = "online_closed_group", _("Online: closed group or forum")
    ONLINE_SOCIAL_NETWORK = "online_social_network", _("Online: social network")
    ONLINE_OTT = "online_ott", _("Online: OTT application")
    ESTABLISHMENT = "establishment", _("At a business establishment")
    STREET = "street", _("Street")
    CALL_GIRL = "call_girl", _("Call girl")
    OTHER = "other", _("Other")


# The ways of operating that count as online: the Criminal Police Department's concern, one
# rule for the case list's filter and the charts' share of online cases.
ONLINE_MODI = (Modus.ONLINE_CLOSED_GROUP, Modus.ONLINE_SOCIAL_NETWORK, Modus.ONLINE_OTT)


class AgeBand(models.TextChoices):
    """The youngest minor's age in a case (children of 14 to under 16 are the ministry's
    concern; a minor is under 18)."""

    UNDER_16 = "under_16", _("Under 16")
    AGE_16_17 = "16_17", _("16 or 17")


class CaseQuerySet(ScopedQuerySet):
    @staticmethod
    def online_q() -> Q:
        """The case operated online (one of ONLINE_MODI)."""
        return Q(modus__in=ONLINE_MODI)

    def online(self):
        return self.filter(self.online_q())

    def with_report_seen_by(self, user):
        """`seen_report_id` and `seen_report_reference` on each case: its report's when the
        user may see that report, otherwise None, so that a report outside the viewer's area
        is not even named (lists, exports, the API)."""
        from localities.models.reports import Report
        from localities.permissions import scope_of

        if scope_of(user).national:
            seen = Q(report__isnull=False)
        else:
            seen = Q(report__in=Report.objects.restrict(user).values("pk"))
        return self.annotate(
            seen_report_id=models.Case(models.When(seen, then=models.F("report_id"))),
            seen_report_reference=models.Case(
                models.When(seen, then=models.F("report__reference")),
                output_field=models.CharField(),
            ),
        )


class Case(LocatedRecord):
    reference = models.CharField(_("case reference"), max_length=60, unique=True)
    locality = models.ForeignKey(
        Locality,
        verbose_name=_("locality"),
        on_delete=models.PROTECT,
        related_name="cases",
        limit_choices_to={"scheme": Scheme.NEW},
    )
    article = models.CharField(_("Penal Code article"), max_length=3, choices=CaseArticle.choices)
    opened_on = models.DateField(_("opened on"))
    handled_on = models.DateField(
        _("handled on"),
        null=True,
        blank=True,
        help_text=_("The date of the indictment or the closing decision."),
    )
    report = models.ForeignKey(
        "localities.Report",
        verbose_name=_("born from report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    summary = models.TextField(_("summary"), blank=True)
    # What the ministry watches in a case. Cases recorded before these fields existed have
    # them blank and false (db_default: also what a raw COPY of older columns gets).
    modus = models.CharField(
        _("how the case operated"),
        max_length=30,
        choices=Modus.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "The first three (closed group or forum, social network, OTT application) count "
            "as online."
        ),
    )
    foreign_element = models.BooleanField(
        _("foreign elements involved"), default=False, db_default=False
    )
    minors_involved = models.BooleanField(
        _("minors involved"),
        default=False,
        db_default=False,
        help_text=_(
            "A person under 18 was involved: selling sex, bought for sex, procured or trafficked."
        ),
    )
    youngest_age_band = models.CharField(
        _("youngest minor's age"),
        max_length=10,
        choices=AgeBand.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("Only when minors are involved: the age of the youngest."),
    )
    line_dismantled = models.BooleanField(
        _("brokerage line dismantled"), default=False, db_default=False
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])
    objects = CaseQuerySet.as_manager()
    scope_commune_field = "locality"
    place_field = "locality"
    # The figures count a case in the year of its handling only.
    figure_dates = ("handled_on",)
    # How the case operated, its foreign elements, minors and brokerage line are free too:
    # no figure of plan-rules §7 reads them, so a submitted or approved year stores none of
    # them and its approved figures cannot move when they change. The charts' shares of
    # online cases and of cases with minors do read them, live: a correction to a case of an
    # approved year changes that year's shares (never its approved figures). That is meant:
    # cases recorded before these fields existed are classified afterwards, and locking them
    # would force every approved year to be reopened for a description that approves nothing.
    free_fields = (
        "reference",
        "article",
        "opened_on",
        "report_id",
        "summary",
        "locality_code_given",
        "modus",
        "foreign_element",
        "minors_involved",
        "youngest_age_band",
        "line_dismantled",
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(handled_on__isnull=True) | Q(handled_on__gte=models.F("opened_on")),
                name="case_handled_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(minors_involved=True, youngest_age_band__in=AgeBand.values)
                | Q(minors_involved=False, youngest_age_band=""),
                name="case_age_band_only_with_minors",
            ),
        ]
        indexes = [models.Index(fields=["province", "handled_on"])]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("case_detail", args=[self.pk])

    def _place(self):
        return self.locality if self.locality_id else None

    @property
    def is_online(self) -> bool:
        """It operated online (one of ONLINE_MODI, as CaseQuerySet.online_q says in SQL)."""
        return self.modus in ONLINE_MODI

    def report_seen_by(self, user):
        """The case's report if the user may see it, else None (not even its reference)."""
        from localities.models.reports import Report

        if not self.report_id:
            return None
        if not Report.objects.restrict(user).filter(pk=self.report_id).exists():
            return None
        return self.report

    def report_in_own_province(self) -> bool:
        """Whether the case's report (if any) is of the case's own province: a case may be born
        only from a report of its province, whoever links them (form, import, admin)."""
        if not self.report_id or not self.locality_id:
            return True
        province_id = self.locality.province_id or self.locality_id
        return self.report.province_id == province_id

    def clean(self):
        errors: dict = {}
        self._check_place(errors, "locality", commune_only=False)
        self.refuse_if_locked()
        if not self.report_in_own_province():
            message = gettext(
                "This report is of another province: a case can be born only from a report "
                "of its own province."
            )
            add_error(errors, "report", message, "report_of_another_province")
        not_in_future(errors, "opened_on", self.opened_on, _("The opening date"))
        not_in_future(errors, "handled_on", self.handled_on, _("The handling date"))
        not_before(
            errors,
            "handled_on",
            self.handled_on,
            self.opened_on,
            _("The handling date"),
            _("the opening date"),
        )
        self._check_minors(errors)
        if self.report_id and self.report.received_on and self.opened_on:
            not_before(
                errors,
                "opened_on",
                self.opened_on,
                self.report.received_on,
                _("The opening date"),
                _("the report's receipt date"),
            )
        raise_if(errors)

    def _check_minors(self, errors: dict):
        """The youngest minor's age band is given exactly when minors are involved."""
        if self.minors_involved and not self.youngest_age_band:
            message = gettext(
                "Minors are involved: choose the youngest one's age (under 16, or 16 or 17)."
            )
            add_error(errors, "youngest_age_band", message, "age_band_missing")
        elif self.youngest_age_band and not self.minors_involved:
            message = gettext(
                "An age is chosen but no minor is involved: tick “minors involved”, or leave "
                "the youngest minor's age empty."
            )
            add_error(errors, "youngest_age_band", message, "age_band_without_minors")


def _or_earliest(day):
    """An unknown opening sorts first."""
    return day or datetime.date.min


def _or_latest(day):
    """No closing yet sorts last."""
    return day or datetime.date.max


# The years a summary bit can stand for: bit (year - SUMMARY_FIRST_YEAR) of a signed 64-bit
# integer, bit 63 left unused so that a mask is always positive.
SUMMARY_FIRST_YEAR = 2000
SUMMARY_LAST_YEAR = SUMMARY_FIRST_YEAR + 62


def year_bits(first: int, last: int) -> int:
    """The mask of the years first..last (both counted) in InspectedYears.years."""
    if not SUMMARY_FIRST_YEAR <= first <= last <= SUMMARY_LAST_YEAR:
        raise ValueError(f"years {first}..{last} are outside the summary's range")
    return (1 << (last - SUMMARY_FIRST_YEAR + 1)) - (1 << (first - SUMMARY_FIRST_YEAR))


class InspectedYears(models.Model):
    """The years in which an establishment has at least one inspection, one bit a year.

    A summary of localities_inspection kept by the database itself, in the same transaction as
    every insert, update and delete of an inspection, whoever writes it (a form, an import, the
    admin, a COPY): triggers of migration 0004. Nothing in the app writes it. It exists so that
    "inspected in the year" and "inspected since the plan began" are one scan of the
    establishments instead of an index probe into the inspections per establishment
    (bench/RESULTS.md); plan_tracker.metrics uses it only where it is exact (see there).

    Bit (Y - 2000) stands for year Y, from 2000 to 2062; an inspection outside those years sets
    no bit. An establishment without an inspection year has no row (so it can be deleted
    without touching the summary). `manage.py rebuild_inspected_years` recomputes it from the
    inspections and says whether anything had drifted.
    """

    establishment = models.OneToOneField(
        Establishment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="inspected_years",
    )
    years = models.BigIntegerField(default=0)

    class Meta:
        db_table = "localities_inspected_years"
        default_permissions = ()

    def __str__(self):
        return f"{self.establishment_id}: {self.year_list()}"

    def year_list(self) -> list[int]:
        return [
            SUMMARY_FIRST_YEAR + bit
            for bit in range(SUMMARY_LAST_YEAR - SUMMARY_FIRST_YEAR + 1)
            if self.years >> bit & 1
        ]


class FirstInspection(models.Model):
    """The first inspection date of each year in which an establishment was inspected.

    Kept with InspectedYears by the same triggers, in the same transaction as every write of
    an inspection, for the same years (2000–2062). It answers "inspected in [1 January Y, A]"
    for an as-of date A inside year Y (the first date of Y is on or before A) without a probe
    into the inspections per establishment; InspectedYears answers the whole years before it.

    A page about one year reads that year's rows alone through the index by year (its first
    dates are in the index too, so the table itself is not read): the time does not grow with
    the number of years kept.
    """

    pk = models.CompositePrimaryKey("establishment", "year")
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="first_inspections"
    )
    year = models.SmallIntegerField()
    first_on = models.DateField()

    class Meta:
        db_table = "localities_first_inspections"
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["year", "establishment", "first_on"], name="first_inspections_year"
            ),
        ]

    def __str__(self):
        return f"{self.establishment_id}: {self.year} {self.first_on:%d/%m/%Y}"
