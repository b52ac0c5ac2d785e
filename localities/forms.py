"""Data-entry forms. Every choice of a locality, an establishment or a report offers only the
user's area; a locality may also be given by its code, old (2004:xxxxx) or new."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from localities.codes import resolve
from localities.models import (
    Activity,
    AgeBand,
    Case,
    Establishment,
    Inspection,
    Locality,
    Modus,
    Report,
    ReporterIdentity,
    ReportKind,
    ReportOutcome,
)
from localities.models.reports import LIFE, STAGES
from localities.permissions import scope_of

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
BAD_DATE = _("Enter the date as dd/mm/yyyy, for example 31/12/2024.")


class DateInput(forms.DateInput):
    """A plain text box showing dd/mm/yyyy (the officers' habit); ISO dates are accepted too."""

    def __init__(self, attrs=None):
        defaults = {"placeholder": _("dd/mm/yyyy"), "autocomplete": "off", "class": "date"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class BootstrapMixin:
    """Bootstrap classes on every widget; `is-invalid` on fields with errors."""

    def style_fields(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, forms.DateField):
                field.input_formats = DATE_INPUT_FORMATS
                field.error_messages["invalid"] = BAD_DATE
                if not isinstance(widget, DateInput):
                    field.widget = widget = DateInput()
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class RecordForm(BootstrapMixin, forms.ModelForm):
    """A record's form: knows its user, carries the version it was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        self.initial_from_caller = dict(kwargs.get("initial") or {})
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.setup_fields()
        self.style_fields()

    def setup_fields(self):
        """Where a form replaces or adjusts its fields (its user is known); styled after."""

    @property
    def expected_version(self) -> int | None:
        if not self.instance.pk:
            return None
        version = self.cleaned_data.get("version")
        # An edit form posted without its version cannot prove it saw the latest data.
        return version if version is not None else -1


def place_label(locality: Locality) -> str:
    if locality.is_province:
        return str(locality)
    return f"{locality.name} ({locality.code})"


class PlaceChoiceField(forms.ModelChoiceField):
    with_province = False  # national users see every commune: name its province too

    def label_from_instance(self, obj):
        label = place_label(obj)
        if self.with_province and not obj.is_province and obj.province_id:
            label = f"{label} — {obj.province.name}"
        return label


class PlaceMixin:
    """One locality field (`place_field`) chosen from the user's area, or given by its code.

    The code field accepts a 2025 code ("00004") or an old one ("2004:00001"), converted through
    the official table and kept on the record as given. An old commune split in 2025 asks which
    new commune: the user then chooses it in the list and keeps the code.
    """

    place_field = "commune"
    communes_only = True

    def setup_fields(self):
        super().setup_fields()
        scope = Locality.objects.restrict(self.user).current()
        if self.communes_only:
            scope = scope.communes()
        self.place_scope = scope
        old = self.fields[self.place_field]
        field = PlaceChoiceField(
            queryset=scope.select_related("province").order_by_name("-level", "province__code"),
            required=False,
            label=old.label,
            help_text=old.help_text,
        )
        scope_info = scope_of(self.user)
        field.with_province = scope_info.national
        if not scope_info.commune_id:
            # A province's or the nation's places: a search box narrows the long list
            # (static/js/select-filter.js).
            field.widget.attrs["data-filter"] = gettext("Type to search: name or code")
            field.widget.attrs["data-filter-count"] = gettext("Matching places: %s")
        self.fields[self.place_field] = field
        self.fields["locality_code"] = forms.CharField(
            label=_("or its code"),
            required=False,
            max_length=12,
            help_text=_(
                "Optional. A 2025 code (e.g. 00004), or a code of the old scheme written "
                "2004:xxxxx, which is converted to the current commune and kept on the record."
            ),
        )
        self.fields["locality_code"].initial = self.instance.locality_code_given
        # Keep the code field right after the list.
        order = list(self.fields)
        order.remove("locality_code")
        order.insert(order.index(self.place_field) + 1, "locality_code")
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get(self.place_field)
        code = (cleaned.get("locality_code") or "").strip()
        if code:
            try:
                resolved = resolve(
                    code,
                    communes_only=self.communes_only,
                    within=self.place_scope,
                    choice=chosen.code if chosen and not chosen.is_province else "",
                )
            except ValidationError as error:
                self.add_error("locality_code", error)
                if error.code == "split_commune":
                    self.add_error(
                        self.place_field,
                        gettext("Choose here the new commune it became, keep the code, and save."),
                    )
                return cleaned
            if chosen and chosen.pk != resolved.locality.pk:
                self.add_error(
                    "locality_code",
                    gettext(
                        "The code %(code)s stands for %(place)s, but %(chosen)s is chosen in the "
                        "list: clear the code or choose %(place)s."
                    )
                    % {"code": code, "place": resolved.locality, "chosen": chosen},
                )
                return cleaned
            cleaned[self.place_field] = resolved.locality
            self.instance.locality_code_given = resolved.given
        elif chosen is None:
            if self.place_field not in self._errors:
                self.add_error(
                    self.place_field,
                    gettext("Choose the locality in the list, or give its code."),
                )
        else:
            self.instance.locality_code_given = ""
        return cleaned


class EstablishmentForm(PlaceMixin, RecordForm):
    """A new establishment's code may be left empty: it then gets the next free code of its
    commune in the suggested format (Establishment.next_free_code), which a commune officer sees
    filled in already."""

    place_field = "commune"
    communes_only = True

    def setup_fields(self):
        super().setup_fields()
        commune_id = scope_of(self.user).commune_id
        if commune_id and not self.instance.pk:
            # A commune officer registers in their own commune only.
            commune = self.place_scope.get(pk=commune_id)
            self.initial.setdefault("commune", commune.pk)
            self.initial.setdefault("code", Establishment.next_free_code(commune))
        code = self.fields["code"]
        example = Establishment.CODE_PREFIX.format(commune="00004") + "1".zfill(
            Establishment.CODE_DIGITS
        )
        code.widget.attrs["placeholder"] = example
        if self.instance.pk:
            code.help_text = _(
                "Format: CS-, the commune's 5-digit code, a hyphen and a number, e.g. %(example)s."
            ) % {"example": example}
        else:
            code.required = False
            code.help_text = _(
                "Format: CS-, the commune's 5-digit code, a hyphen and a number, e.g. "
                "%(example)s. Left empty, the next free code of the chosen commune is given."
            ) % {"example": example}

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune")
        if not self.instance.pk and not cleaned.get("code") and commune is not None:
            cleaned["code"] = Establishment.next_free_code(commune)
        return cleaned

    class Meta:
        model = Establishment
        fields = [
            "code",
            "name",
            "line",
            "commune",
            "address",
            "permit_number",
            "opened_on",
            "closed_on",
            "in_scope",
        ]
        error_messages = {
            "code": {
                "unique": _(
                    "Another establishment already has this registry code: check the code, or "
                    "open that establishment instead of registering it again."
                )
            }
        }


class EstablishmentPicker(forms.TextInput):
    """The registry code's text box; static/js/picker.js turns it into a search box (name,
    code, address, commune) with a list of matches to choose from, by mouse or keyboard.
    Without JavaScript it stays the code's text box."""

    class Media:
        js = ["js/picker.js"]

    def __init__(self, attrs=None):
        texts = {
            "data-picker-placeholder": gettext("Type a name, code, address or commune"),
            "data-picker-found": gettext("%s establishments found; arrow keys to choose"),
            "data-picker-none": gettext("No establishment of your area matches"),
            "data-picker-more": gettext("More match: type more of the name"),
            "data-picker-chosen": gettext("Chosen: %s"),
            "data-picker-list": gettext("Matching establishments"),
            "autocomplete": "off",
        }
        super().__init__(attrs={**texts, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-picker"] = reverse("establishment_search")
        return context


class EstablishmentByCodeField(forms.ModelChoiceField):
    """An establishment of the user's area, typed as its registry code."""

    default_error_messages = {
        "invalid_choice": _(
            "No establishment of your area has this registry code: check the code, or register "
            "the establishment first."
        ),
    }

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(queryset, to_field_name="code", **kwargs)


class InspectionForm(RecordForm):
    class Meta:
        model = Inspection
        fields = ["establishment", "inspected_on", "team", "outcome", "violations", "fine_vnd"]
        fields += ["notes"]
        widgets = {
            "violations": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": _(
                    "This establishment already has an inspection on this date: open that "
                    "inspection instead, or check the date."
                )
            },
        }

    def setup_fields(self):
        super().setup_fields()
        self.fields["establishment"] = EstablishmentByCodeField(
            Establishment.objects.restrict(self.user),
            label=_("Establishment (registry code)"),
            widget=EstablishmentPicker,
            help_text=_("Search by name, code, address or commune, or type the registry code."),
        )
        chosen = self.initial_from_caller.get("establishment")
        if chosen is None and self.instance.establishment_id:
            chosen = self.instance.establishment
            # model_to_dict gives the pk; the box shows the registry code.
            self.initial["establishment"] = chosen.code
        if isinstance(chosen, Establishment):
            # What the search box shows for the code it starts with.
            self.fields["establishment"].widget.attrs["data-picker-label"] = picker_label(chosen)
        fine = self.fields["fine_vnd"]
        fine.error_messages["min_value"] = _(
            "A fine cannot be negative: enter 0 or the amount in VND."
        )
        fine.widget.attrs["step"] = 1000


def picker_label(establishment: Establishment) -> str:
    """How the establishment search names an establishment: name, code, commune."""
    label = f"{establishment.name} ({establishment.code})"
    if establishment.commune_id:
        label = f"{label} — {establishment.commune.name}"
    return label


class PagingForm(forms.Form):
    """The size of a list's pages (django-tables2 reads ?per_page=); the page number itself is
    forgiving: not a number shows the first page, past the end the last."""

    MAX_PER_PAGE = 100

    per_page = forms.IntegerField(
        label=_("Rows per page"), min_value=1, max_value=MAX_PER_PAGE, required=False
    )


class EstablishmentChoice(forms.Form):
    """?establishment=<id> of the page that records an inspection: one of `queryset`."""

    establishment = forms.ModelChoiceField(queryset=Establishment.objects.none(), required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = queryset


class ReferencedRecordForm(PlaceMixin, RecordForm):
    """Reports and cases: placed in a province or a commune, with a summary."""

    place_field = "locality"
    communes_only = False

    class Meta:
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class ExtensionFields(forms.Form):
    """A new extension decision, on the report's forms: the date it extends the deadline to and
    the decision (date, number, authority), all required once the date is given. The
    extensions already decided are listed on the report's page; each new one is the next."""

    extended_until = forms.DateField(
        label=_("Extended until"),
        required=False,
        help_text=_(
            "Only when an extension was decided for a complex matter: a new extension, "
            "after the deadline in force."
        ),
    )
    extension_decided_on = forms.DateField(
        label=_("Extension decided on"),
        required=False,
        help_text=_("The date of the decision: on or before the deadline it extends."),
    )
    extension_decision_no = forms.CharField(
        label=_("Extension decision number"), required=False, max_length=60
    )
    extension_decided_by = forms.CharField(
        label=_("Extension decided by"),
        required=False,
        max_length=200,
        help_text=_("The authority that decided it, e.g. the head of the investigation agency."),
    )
    extension_reason = forms.CharField(
        label=_("Reason for the extension"), required=False, max_length=300
    )

    # The extension's model fields and the form's.
    EXTENSION_FIELD_NAMES = {
        "extended_until": "extended_until",
        "decided_on": "extension_decided_on",
        "decision_no": "extension_decision_no",
        "decided_by": "extension_decided_by",
        "reason": "extension_reason",
    }

    def clean_extension(self, cleaned: dict):
        if not cleaned.get("extended_until"):
            decision = [f for f in list(self.EXTENSION_FIELD_NAMES.values())[1:] if cleaned.get(f)]
            if decision:
                self.add_error(
                    "extended_until",
                    gettext("Enter the date the extension runs to, or leave the decision empty."),
                )
            return
        required = {
            "extension_decided_on": gettext(
                "An extension is a decision: enter the date it was decided."
            ),
            "extension_decision_no": gettext(
                "An extension is a decision: enter its document number."
            ),
            "extension_decided_by": gettext(
                "An extension is a decision: enter the authority that decided it."
            ),
        }
        for name, message in required.items():
            if not cleaned.get(name):
                self.add_error(name, message)

    def extension_data(self) -> dict | None:
        """The keyword arguments of services.report_extend, or None without an extension."""
        if not self.cleaned_data.get("extended_until"):
            return None
        return {
            model: self.cleaned_data.get(form) or ("" if model != "decided_on" else None)
            for model, form in self.EXTENSION_FIELD_NAMES.items()
        }

    def add_extension_errors(self, error: ValidationError) -> ValidationError | None:
        """Show the extension's errors next to its fields; return the rest, if any."""
        rest = {}
        for field, messages in error.message_dict.items():
            target = self.EXTENSION_FIELD_NAMES.get(field)
            if target is None:
                rest[field] = messages
                continue
            for message in messages:
                self.add_error(target, message)
        return ValidationError(rest) if rest else None


class ReportForm(ExtensionFields, ReferencedRecordForm):
    """The full report, for corrections, and a new extension; new reports use
    ReportCreateForm."""

    class Meta(ReferencedRecordForm.Meta):
        model = Report
        fields = [
            "reference",
            "kind",
            "locality",
            *LIFE,
            "outcome",
            "summary",
        ]
        error_messages = {
            "reference": {
                "unique": _(
                    "Another report already has this reference: check the reference, or open "
                    "that report instead of entering it again."
                )
            }
        }

    def setup_fields(self):
        super().setup_fields()
        self.fields["kind"].queryset = ReportKind.objects.all()

    def clean(self):
        cleaned = super().clean()
        self.clean_extension(cleaned)
        return cleaned


class ReportCreateForm(ReportForm):
    class Meta(ReportForm.Meta):
        fields = ["reference", "kind", "locality", "received_on", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A report just received has no extension yet.
        for name in self.EXTENSION_FIELD_NAMES.values():
            del self.fields[name]


class ReportStageForm(ExtensionFields, BootstrapMixin, forms.Form):
    """Record the next stage of a report (the middle two may come in either order)."""

    stage = forms.ChoiceField(label=_("Stage"))
    on = forms.DateField(label=_("Date"))
    outcome = forms.ChoiceField(
        label=_("Handling decision"),
        choices=[("", "---------"), *ReportOutcome.choices],
        required=False,
        help_text=_("Only for the handling: the decision issued."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    STAGE_LABELS = {
        "verified_on": pgettext_lazy("stage", "Verified"),
        "classified_on": pgettext_lazy("stage", "Classified"),
        "handled_on": pgettext_lazy("stage", "Handled"),
    }

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        missing = [s for s in STAGES if not getattr(report, s)]
        self.fields["stage"].choices = [(s, self.STAGE_LABELS[s]) for s in missing]
        self.fields["stage"].initial = report.next_stage()
        self.fields["version"].initial = report.version
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stage") == "handled_on" and not cleaned.get("outcome"):
            self.add_error(
                "outcome",
                gettext("A handled report needs its decision: choose the handling decision."),
            )
        if cleaned.get("stage") != "handled_on" and cleaned.get("outcome"):
            self.add_error(
                "outcome",
                gettext(
                    "A decision is recorded only with the handling: choose the stage "
                    "“Handled”, or leave the decision empty."
                ),
            )
        self.clean_extension(cleaned)
        return cleaned

    def add_model_errors(self, error: ValidationError):
        """Show the model's errors next to this form's fields."""
        error = self.add_extension_errors(error)
        if error is None:
            return
        stage = self.cleaned_data.get("stage")
        mapping = {stage: "on", "outcome": "outcome"}
        for field, messages in error.message_dict.items():
            target = mapping.get(field)
            if target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)


class ExtensionCorrectionForm(BootstrapMixin, forms.Form):
    """The report's latest extension decision, corrected: the same fields, required alike, as
    when it was recorded (ExtensionFields), named as the model's so its errors land on them."""

    extended_until = forms.DateField(label=_("Extended until"))
    decided_on = forms.DateField(
        label=_("Extension decided on"),
        help_text=_("The date of the decision: on or before the deadline it extends."),
    )
    decision_no = forms.CharField(label=_("Extension decision number"), max_length=60)
    decided_by = forms.CharField(
        label=_("Extension decided by"),
        max_length=200,
        help_text=_("The authority that decided it, e.g. the head of the investigation agency."),
    )
    reason = forms.CharField(label=_("Reason for the extension"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, extension, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "extended_until": extension.extended_until,
                "decided_on": extension.decided_on,
                "decision_no": extension.decision_no,
                "decided_by": extension.decided_by,
                "reason": extension.reason,
                "version": extension.report.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.style_fields()

    @property
    def expected_version(self) -> int:
        # Posted without its version, a form cannot prove it saw the latest report.
        version = self.cleaned_data.get("version")
        return version if version is not None else -1


class ExtensionDeletionForm(forms.Form):
    """The confirmation of a deletion: the version of the report it was asked on."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @property
    def expected_version(self) -> int:
        version = self.cleaned_data.get("version")
        return version if version is not None else -1


class UnseenReportKept:
    """A case form's link to a report its writer may not see (the site's form, the admin's).

    The link is shown only to whoever may see the report; to anyone else the field is empty,
    with not even a hint that there is a report, and left empty it keeps the link while the
    report is of the case's province. A link to another province's report is dropped: Case.clean
    would refuse it with a message about a report the writer may not see."""

    unseen_report = None

    def hide_unseen_report(self, user):
        """The case's report if the user may see it; otherwise None, and the field empty."""
        if not self.instance.pk or not self.instance.report_id:
            return None
        seen = self.instance.report_seen_by(user)
        if seen is None:
            self.unseen_report = self.instance.report
            self.initial["report"] = None
        return seen

    def keep_unseen_report(self, cleaned: dict) -> dict:
        unseen = self.unseen_report
        if unseen is None or cleaned.get("report") is not None or "report" in self.errors:
            return cleaned
        locality = cleaned.get("locality")
        if locality is not None and unseen.province_id == (locality.province_id or locality.pk):
            cleaned["report"] = unseen
        return cleaned


# What the ministry watches in a case (how it operated, foreign elements, minors, a brokerage
# line), in the order the case's form and page show them.
CASE_KIND_FIELDS = [
    "modus",
    "foreign_element",
    "minors_involved",
    "youngest_age_band",
    "line_dismantled",
]
NOT_RECORDED = _("— not recorded —")


class CaseForm(UnseenReportKept, ReferencedRecordForm):
    class Meta(ReferencedRecordForm.Meta):
        model = Case
        fields = ["reference", "locality", "article", "opened_on", "handled_on", "report"]
        fields += [*CASE_KIND_FIELDS, "summary"]
        error_messages = {
            "reference": {
                "unique": _(
                    "Another case already has this reference: check the reference, or open "
                    "that case instead of entering it again."
                )
            }
        }

    def setup_fields(self):
        super().setup_fields()
        self.fields["report"] = forms.ModelChoiceField(
            Report.objects.restrict(self.user),
            to_field_name="reference",
            widget=forms.TextInput,
            required=False,
            label=_("Born from report (its reference)"),
            error_messages={
                "invalid_choice": _(
                    "No report of your area has this reference: check it, or leave it empty."
                )
            },
        )
        seen = self.hide_unseen_report(self.user)
        if seen is not None:
            self.initial["report"] = seen.reference
        self.fields["modus"].choices = [("", NOT_RECORDED), *Modus.choices]
        self.fields["youngest_age_band"].choices = [("", NOT_RECORDED), *AgeBand.choices]

    def clean(self):
        return self.keep_unseen_report(super().clean())


class ActivityForm(PlaceMixin, RecordForm):
    """A communication or training activity, held in a commune of the user's area."""

    place_field = "commune"
    communes_only = True

    class Meta:
        model = Activity
        fields = [
            "reference",
            "commune",
            "held_on",
            "kind",
            "form",
            "audience",
            "people_reached",
            "title",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "reference": {
                "unique": _(
                    "Another activity already has this reference: check the reference, or "
                    "open that activity instead of entering it again."
                )
            }
        }

    def setup_fields(self):
        super().setup_fields()
        commune_id = scope_of(self.user).commune_id
        if commune_id and not self.instance.pk:
            # A commune officer records the activities of their own commune.
            self.initial.setdefault("commune", commune_id)
        self.fields["people_reached"].error_messages["min_value"] = _(
            "The number of people reached cannot be negative: enter 0 or more."
        )


class DeleteForm(BootstrapMixin, forms.Form):
    """Confirms a deletion; carries the version the record was shown at."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReporterIdentityForm(BootstrapMixin, forms.ModelForm):
    """Carries the version the identity was loaded at: empty when none was recorded yet."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReporterIdentity
        fields = ["full_name", "address", "contact", "handwriting"]
        widgets = {"handwriting": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.style_fields()
