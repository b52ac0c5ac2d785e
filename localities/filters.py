"""List filters (django-filter). Every drop-down of localities offers only the user's area."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localities.forms import BootstrapMixin, place_label
from localities.models import (
    ActivityAudience,
    ActivityKind,
    ActivityMedium,
    AgeBand,
    CaseArticle,
    InspectionOutcome,
    InspectionTeam,
    Line,
    Modus,
)
from localities.models.activities import Activity
from localities.models.places import Locality
from localities.models.records import Case, Establishment, Inspection
from localities.models.reports import Report, ReportKind, ReportStatus
from localities.permissions import scope_of

FIRST_YEAR = 2015
# The case list's choice of the three online ways of operating together (ONLINE_MODI).
ONLINE = "online"
# The digits of the largest id the database holds (a 64-bit integer).
MAX_ID_DIGITS = 19


def year_choices():
    years = [(y, str(y)) for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]
    return [("", "---------"), *years]


def year_range(year) -> tuple[datetime.date, datetime.date]:
    year = int(year)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class PlaceFilter(django_filters.ModelChoiceFilter):
    field_class = forms.ModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Locality.objects.none())
        super().__init__(*args, **kwargs)


class FilterForm(BootstrapMixin, forms.Form):
    pass


class YesNoSelect(forms.NullBooleanSelect):
    """All / yes / no, where Django's default says "unknown" for "all"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "---------"), ("true", _("Yes")), ("false", _("No"))]


class ImportFilter(django_filters.ModelChoiceFilter):
    """`import=<batch id>`: the records one import of the user's created or changed
    (exchange.models.ImportBatch). Only the user's own imports of the list's records are
    valid choices: another's, or another kind's, makes the filter invalid and the list empty.
    The records listed are still those of the list's own restricted queryset."""

    field_class = forms.ModelChoiceField

    def __init__(self, *args, user, model, **kwargs):
        from exchange.models import ImportBatch

        kwargs["queryset"] = ImportBatch.objects.filter(
            user=user if user.pk is not None else None, model=model._meta.label_lower
        )
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("label", _("Import"))
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=value.records.values("record_id"))


class ScopedFilterSet(django_filters.FilterSet):
    """Restricts the locality drop-downs to the user's area.

    `place_filter` names the locality filter; `communes_only` says whether provinces may be
    chosen in it. National users also get a province filter; the locality list then narrows to
    the chosen province (3,321 communes in one list would help nobody). Every list may be
    narrowed to the records of one of the user's imports (`import`, ImportFilter).
    """

    place_filter = "commune"
    communes_only = True
    province_path = "province"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    province = PlaceFilter(label=_("Province"), method="in_province")

    search_fields: tuple = ()

    class Meta:
        form = FilterForm

    def __init__(self, data=None, queryset=None, *, request=None, user=None, **kwargs):
        """`user`, or the request's: whose area the drop-downs offer (a command has no
        request)."""
        super().__init__(data, queryset, request=request, **kwargs)
        user = user if user is not None else request.user
        # "import" is a keyword: the filter cannot be declared on the class by that name.
        self.filters["import"] = ImportFilter(field_name="pk", user=user, model=self._meta.model)
        self.filters["import"].parent = self
        self.scope = scope_of(user)
        places = Locality.objects.restrict(user).current()
        provinces = places.provinces().order_by("code")
        self.filters["province"].queryset = provinces
        if not self.scope.national:
            del self.filters["province"]
        if self.scope.commune_id:
            del self.filters[self.place_filter]
            return
        choices = places.communes() if self.communes_only else places
        self.filters[self.place_filter].queryset = choices.select_related("province").order_by_name(
            "-level", "province__code"
        )
        self._narrowed = False
        if self.scope.national:
            chosen = str((data or {}).get("province") or "")
            # An id in ASCII digits that int() reads (a longer one is no province either: the
            # filter's own field refuses it).
            if chosen.isascii() and chosen.isdecimal() and len(chosen) <= MAX_ID_DIGITS:
                self._narrowed = True
                # Looked up by its id first: an id beyond the database's integers is no province.
                province = provinces.filter(pk=int(chosen)).first()
                place_filter = self.filters[self.place_filter]
                place_filter.queryset = (
                    place_filter.queryset.filter(province=province)
                    if province
                    else place_filter.queryset.none()
                )

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            field = form.fields.get(self.place_filter)
            if field is not None:
                field.label_from_instance = place_label
                if self.scope.national and not self._narrowed:
                    # Valid values stay all communes (a link may carry one); the list waits for
                    # a province.
                    field.widget.choices = [("", _("— choose a province first —"))]
            form.style_fields()
        return self._form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    def in_province(self, queryset, name, value):
        return queryset.filter(**{f"{self.province_path}_id": value.pk})

    def in_year(self, queryset, name, value):
        first, last = year_range(value)
        return queryset.filter(**{f"{name}__range": (first, last)})


class EstablishmentFilter(ScopedFilterSet):
    search_fields = ("code", "name", "address")

    def search(self, queryset, name, value):
        # The picker's rule: every word, in code, name, address or commune, tone marks aside.
        return queryset.matching(value)

    commune = PlaceFilter(label=_("Commune"), field_name="commune")
    line = django_filters.ChoiceFilter(label=_("Business line"), choices=Line.choices)
    in_scope = django_filters.BooleanFilter(label=_("In the plan's scope"), widget=YesNoSelect)
    as_of = django_filters.DateFilter(
        label=_("As of (default: today)"),
        method="keep",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    operating = django_filters.ChoiceFilter(
        label=_("Operating status"),
        choices=[("operating", _("Operating")), ("closed", _("Closed"))],
        method="by_operating",
    )
    not_inspected_since = django_filters.DateFilter(
        label=_("In the plan's scope, operating, not inspected since"),
        method="by_not_inspected_since",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    class Meta(ScopedFilterSet.Meta):
        model = Establishment
        fields: list = []

    def as_of_day(self):
        """The day the operating and inspection filters are judged on (default today)."""
        data = getattr(self.form, "cleaned_data", {})
        return data.get("as_of") or timezone.localdate()

    def keep(self, queryset, name, value):
        return queryset

    def by_operating(self, queryset, name, value):
        day = self.as_of_day()
        if value == "operating":
            return queryset.operating_on(day)
        if value == "closed":
            return queryset.filter(closed_on__lt=day)
        return queryset

    def by_not_inspected_since(self, queryset, name, value):
        """The establishments the work lists count as never inspected since `value`."""
        return queryset.never_inspected(value, self.as_of_day())


class YearFilter(django_filters.TypedChoiceFilter):
    """A year, from this one back to FIRST_YEAR: the records whose `field_name` falls in it,
    unless another method is given."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("method", "in_year")
        super().__init__(*args, choices=year_choices, coerce=int, **kwargs)


class InspectionFilter(ScopedFilterSet):
    search_fields = ("establishment__code", "establishment__name", "violations")
    province_path = "establishment__province"

    commune = PlaceFilter(label=_("Commune"), field_name="establishment__commune")
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=InspectionOutcome.choices)
    team = django_filters.ChoiceFilter(label=_("Team"), choices=InspectionTeam.choices)
    year = YearFilter(label=_("Year"), field_name="inspected_on")

    class Meta(ScopedFilterSet.Meta):
        model = Inspection
        fields: list = []


class ReferencedRecordFilter(ScopedFilterSet):
    """Reports and cases: placed in a province or a commune, found by reference or summary."""

    place_filter = "locality"
    communes_only = False
    search_fields = ("reference", "summary")

    locality = PlaceFilter(label=_("Locality"), field_name="locality")


class ReportFilter(ReferencedRecordFilter):
    kind = django_filters.ModelChoiceFilter(
        label=_("Kind"), queryset=ReportKind.objects.all(), to_field_name="code"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReportStatus.choices, field_name="status_code"
    )
    year = YearFilter(label=_("Year received"), field_name="received_on")

    class Meta(ScopedFilterSet.Meta):
        model = Report
        fields: list = []


class CaseFilter(ReferencedRecordFilter):
    article = django_filters.ChoiceFilter(label=_("Article"), choices=CaseArticle.choices)
    handled = django_filters.BooleanFilter(
        label=_("Handled"), method="by_handled", widget=YesNoSelect
    )
    year = YearFilter(label=_("Year (opened or handled)"), method="in_case_year")
    modus = django_filters.ChoiceFilter(
        label=_("How the case operated"),
        choices=[(ONLINE, _("Online (any of the three ways)")), *Modus.choices],
        method="by_modus",
        help_text=_(
            "“online”: a closed group or forum, a social network or an OTT application, "
            "any of the three."
        ),
    )
    foreign_element = django_filters.BooleanFilter(
        label=_("Foreign elements involved"), widget=YesNoSelect
    )
    minors_involved = django_filters.BooleanFilter(label=_("Minors involved"), widget=YesNoSelect)
    youngest_age_band = django_filters.ChoiceFilter(
        label=_("Youngest minor's age"), choices=AgeBand.choices
    )
    line_dismantled = django_filters.BooleanFilter(
        label=_("Brokerage line dismantled"), widget=YesNoSelect
    )

    class Meta(ScopedFilterSet.Meta):
        model = Case
        fields: list = []

    def by_modus(self, queryset, name, value):
        """One way of operating, or `online`: any of the three online ones."""
        if value == ONLINE:
            return queryset.online()
        return queryset.filter(modus=value)

    def by_handled(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(handled_on__isnull=not value)

    def in_case_year(self, queryset, name, value):
        first, last = year_range(value)
        return queryset.filter(
            Q(opened_on__range=(first, last)) | Q(handled_on__range=(first, last))
        )


class ActivityFilter(ScopedFilterSet):
    search_fields = ("reference", "title", "notes")

    commune = PlaceFilter(label=_("Commune"), field_name="commune")
    kind = django_filters.ChoiceFilter(label=_("Activity kind"), choices=ActivityKind.choices)
    form = django_filters.ChoiceFilter(label=_("Form"), choices=ActivityMedium.choices)
    audience = django_filters.ChoiceFilter(label=_("Audience"), choices=ActivityAudience.choices)
    year = YearFilter(label=_("Year"), field_name="held_on")

    class Meta(ScopedFilterSet.Meta):
        model = Activity
        fields: list = []
