"""Which plan, year, as-of date, locality and level a reading is about.

One validated selection serves the dashboards, the compliance download, the printed report,
the API and ``compliance_report``, with the same defaults and the same bounds:

* ``year``: default: the current year. Offered: every year from the first plan's first year to
  the current year; with a plan chosen, that plan's years (a year outside it is refused).
* ``plan``: a plan's id; default: the plans in force in the year for the locality
  (``Plan.objects.in_force``: the national plans and those of the locality's province), judged
  side by side, the first of them the page's own (``Selection.plan``). A year with no plan in
  force shows its figures against the default plan, every status "not applicable", and says so
  (``Selection.no_plan_in_force``).
* ``as_of``: dd/mm/yyyy or YYYY-MM-DD, from 01/01/2000 to today; default: today. A future date
  is refused (nothing dated after today exists to count).
* ``locality``: a code (bare for the 2025 scheme, ``2004:xxxxx`` for the old one) of the
  user's area; default: the nation for national users, the officer's own area otherwise. A
  code outside the area is refused like an unknown one (the caller answers 404).
* ``level``: ``province`` or ``commune``, the level of the table's rows; default: provinces
  for the nation, communes (or the commune's own row) for a locality.

A refused selection is never replaced by another one silently: pages answer 400 with the
selectors and the reason, the API 400 with the field errors, the command exits with them.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localities.codes import resolve
from localities.models import Level, Locality
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.models import Plan

FIRST_AS_OF = datetime.date(2000, 1, 1)
# Locality errors that must look like "no such locality" to the caller (404, nothing revealed).
HIDDEN_LOCALITY_ERRORS = ("out_of_scope", "unknown_code")


class SelectionForm(forms.Form):
    plan = forms.TypedChoiceField(label=gettext_lazy("Plan"), coerce=int, required=False)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, widget=forms.Select)
    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        required=False,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
    )
    locality = forms.CharField(
        label=gettext_lazy("Locality code (empty = your whole area)"), required=False
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level"), required=False, choices=[("", "---------"), *Level.choices]
    )

    def __init__(self, data=None, *, frame: Frame, plans=None, today=None, **kwargs):
        super().__init__(data, **kwargs)
        self.frame = frame
        self.today = today or timezone.localdate()
        if plans is None:
            # The plans the reader may read: another province's plan is neither offered nor
            # accepted.
            plans = Plan.objects.visible_in(frame.scope).prefetch_related("targets")
        self.plans = list(plans)
        if not self.plans:
            raise Plan.DoesNotExist("No plan is loaded: run the migrations.")
        self.default_plan = next((p for p in self.plans if p.is_default), self.plans[0])
        self.fields["plan"].choices = [("", _("The plans in force"))] + [
            (p.pk, str(p)) for p in self.plans
        ]
        shown = self._plan_named((data or {}).get("plan"))
        self.fields["year"].widget.choices = [(y, str(y)) for y in self.years_for(shown)]
        for bound_field in self.fields.values():
            widget = bound_field.widget
            select = isinstance(widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)

    def offer_localities(self):
        """Offer the locality as a drop-down of the names in the user's area — provinces in
        Vietnamese alphabetical order, each followed by its communes — instead of a code to
        type. The value sent is still the code, read by clean_locality as a typed one is."""
        from localities.querysets import by_name

        places = self.frame.localities.current().select_related("province").order_by(by_name())
        provinces, communes = [], {}
        for place in places:
            if place.is_province:
                provinces.append(place)
            else:
                communes.setdefault(place.province_id, []).append(place)
        choices = [("", _("Your whole area"))]
        for province in provinces:
            whole = _("%(province)s (the whole province)") % {"province": province.name}
            group = [(province.qualified_code, whole)]
            group += [(c.qualified_code, c.name) for c in communes.pop(province.pk, [])]
            choices.append((province.name, group))
        for rest in communes.values():  # a commune officer's area: the commune alone
            choices += [(c.qualified_code, c.name) for c in rest]
        field = self.fields["locality"]
        field.label = _("Locality")
        attrs = {"class": "form-select form-select-sm"}
        if len(choices) > 2:
            # A long list: a search box narrows it (static/js/select-filter.js).
            attrs["data-filter"] = _("Type to search: name or code")
        field.widget = forms.Select(choices=choices, attrs=attrs)
        return self

    @property
    def first_year(self) -> int:
        return min(p.first_year for p in self.plans)

    def years_for(self, plan=None) -> list[int]:
        """The years offered: the chosen plan's, or every year from the first plan's first year
        to the current year."""
        if plan is not None:
            return list(plan.years)
        return list(range(min(self.first_year, self.today.year), self.today.year + 1))

    def _plan_named(self, raw):
        text = str(raw or "").strip()
        return next((p for p in self.plans if str(p.pk) == text), None)

    def clean_plan(self):
        pk = self.cleaned_data.get("plan")
        if pk in (None, ""):
            return None
        return next(p for p in self.plans if p.pk == pk)

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day is None:
            return self.today
        if day > self.today:
            raise ValidationError(
                _(
                    "The as-of date %(day)s is in the future: choose today (%(today)s) or an "
                    "earlier day."
                )
                % {"day": day.strftime("%d/%m/%Y"), "today": self.today.strftime("%d/%m/%Y")},
                code="future",
            )
        if day < FIRST_AS_OF:
            raise ValidationError(
                _("The as-of date must be %(first)s or later.")
                % {"first": FIRST_AS_OF.strftime("%d/%m/%Y")},
                code="too_early",
            )
        return day

    def clean_locality(self):
        text = (self.cleaned_data.get("locality") or "").strip()
        if not text:
            return None
        try:
            return resolve(text, within=self.frame.localities.current()).locality
        except ValidationError as error:
            if error.code == "out_of_scope":
                raise ValidationError(
                    _("No locality with this code in your area: %(code)s") % {"code": text},
                    code="out_of_scope",
                ) from None
            raise

    def clean(self):
        data = super().clean()
        if "plan" not in data:
            return data
        plan = data.get("plan")
        place, level = data.get("locality"), data.get("level")
        if place is not None and place.level == Level.COMMUNE and level == Level.PROVINCE:
            self.add_error(
                "level",
                ValidationError(
                    _("%(place)s is a commune: it has no provincial table, choose “commune”.")
                    % {"place": place},
                    code="commune_as_province",
                ),
            )
        year = data.get("year")
        if year is None:
            data["year"] = metrics.default_year(self.today)
        elif plan is None and year not in self.years_for():
            first, last = self.years_for()[0], self.years_for()[-1]
            self.add_error(
                "year",
                ValidationError(
                    _("Choose a year from %(first)s to %(last)s.") % {"first": first, "last": last},
                    code="outside_years",
                ),
            )
        elif plan is not None and year not in plan.years:
            self.add_error(
                "year",
                ValidationError(
                    _("The plan %(plan)s covers %(first)s–%(last)s: choose one of those years.")
                    % {"plan": plan, "first": plan.first_year, "last": plan.last_year},
                    code="outside_plan",
                ),
            )
        return data

    @property
    def locality_hidden(self) -> bool:
        """The locality was refused as unknown or outside the area: answer 404."""
        errors = self.errors.as_data().get("locality", []) if self.is_bound else []
        return any(error.code in HIDDEN_LOCALITY_ERRORS for error in errors)


@dataclass
class Selection:
    plan: Plan
    year: int
    as_of: datetime.date
    locality: Locality | None
    level: str
    form: SelectionForm
    # What the user chose (not the defaults), to carry from page to page.
    explicit: dict = field(default_factory=dict)
    # The plans judged side by side: the chosen one, or the plans in force (the first is
    # `plan`); empty when no plan is in force in the year for the locality.
    plans: list = field(default_factory=list)

    @property
    def no_plan_in_force(self) -> bool:
        return not self.plans

    @property
    def query(self) -> str:
        return urlencode(self.explicit)

    def url(self, name, *args, **extra) -> str:
        params = dict(self.explicit, **{k: v for k, v in extra.items() if v is not None})
        url = reverse(name, args=args)
        return f"{url}?{urlencode(params)}" if params else url

    @property
    def phase(self) -> str:
        return metrics.year_phase(self.year, self.as_of)

    @property
    def elapsed_pct(self) -> float:
        return float(metrics.elapsed_share(self.year, self.as_of) * 100)

    def table(self, frame: Frame) -> metrics.Table:
        """The table of the page's own plan (`plan`: the chosen one, or the first in force)."""
        return metrics.compliance_table(
            frame,
            year=self.year,
            as_of=self.as_of,
            plan=self.plan,
            level=self.level,
            locality=self.locality,
        )

    def tables(
        self, frame: Frame, years=None, every_figure: bool = True
    ) -> list[metrics.Table] | dict:
        """One table per plan judged (`plans`, or `plan` alone when none is in force), the
        page's own plan first, from one set of grouped queries. With `years`, {year: tables};
        `every_figure=False` for a page showing only what its plans judge (judged_series)."""
        series = metrics.judged_series(
            frame,
            years=years or [self.year],
            as_of=self.as_of,
            plans=self.plans or [self.plan],
            level=self.level,
            locality=self.locality,
            every_figure=every_figure,
        )
        return series if years else series[self.year]


class SelectionRefused(Exception):
    def __init__(self, form: SelectionForm):
        super().__init__("; ".join(m for ms in form.errors.values() for m in ms))
        self.form = form


def select(data, frame: Frame, *, plans=None, today=None, locality=None) -> Selection:
    """The selection asked for by `data` (a QueryDict or dict), or SelectionRefused.

    `locality`, when given, is the locality the page is about (from its URL): it wins over a
    locality code in `data`. Raises OutOfScope when the locality code is unknown or outside
    the frame's area."""
    form = SelectionForm(data or None, frame=frame, plans=plans, today=today)
    if form.is_bound and not form.is_valid():
        if form.locality_hidden:
            from localities.permissions import OutOfScope

            raise OutOfScope(_("No locality with this code in your area."))
        raise SelectionRefused(form)
    cleaned = form.cleaned_data if form.is_bound else {}
    chosen = cleaned.get("plan")
    as_of = cleaned.get("as_of") or form.today
    year = cleaned.get("year") or metrics.default_year(form.today)
    place = locality or cleaned.get("locality")
    if place is None and not frame.scope.national:
        place = frame.localities.filter(pk=frame.scope.locality_id).first()
    level = cleaned.get("level") or (Level.PROVINCE if place is None else Level.COMMUNE)
    if chosen is not None:
        in_force = [chosen]
    else:
        # Plan.objects.in_force's rule, read from the plans already loaded (no query).
        in_force = [p for p in in_force_order(form.plans) if p.is_in_force(place, year)]
    plan = chosen or (in_force[0] if in_force else form.default_plan)
    explicit = {}
    if chosen is not None:
        explicit["plan"] = plan.pk
    if cleaned.get("year"):
        explicit["year"] = year
    if form.is_bound and (data or {}).get("as_of"):
        explicit["as_of"] = as_of.strftime("%d/%m/%Y")
    bound = SelectionForm(
        initial={
            "plan": chosen.pk if chosen else "",
            "year": year,
            "as_of": as_of,
            "locality": cleaned.get("locality") and cleaned["locality"].qualified_code,
            "level": cleaned.get("level"),
        },
        frame=frame,
        plans=form.plans,
        today=form.today,
    )
    bound.fields["year"].widget.choices = [(y, str(y)) for y in form.years_for(chosen)]
    return Selection(
        plan=plan,
        year=year,
        as_of=as_of,
        locality=place,
        level=level,
        form=bound,
        explicit=explicit,
        plans=in_force,
    )


def in_force_order(plans):
    """Plans in the order of Plan.objects.in_force (IN_FORCE_ORDER): national first, the
    default plan first of them, then by document date, undated last."""
    return sorted(
        plans,
        key=lambda p: (
            p.province_id is not None,
            not p.is_default,
            p.document_date is None,
            p.document_date or datetime.date.min,
            p.pk,
        ),
    )
