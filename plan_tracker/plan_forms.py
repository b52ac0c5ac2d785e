"""The forms that record a plan and its targets: the plan's document and years, then one line
per target (a formset), each metric explained by the figure it reads."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localities.models import Locality
from plan_tracker.models import METRIC_EXPLAINED, Metric, Plan, Target

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class PlanForm(forms.ModelForm):
    """A plan's document and years. An administrator chooses its province (none: a national
    plan); a provincial officer's plan is their province's, fixed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    document_date = forms.DateField(
        label=gettext_lazy("document date"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
    )

    class Meta:
        model = Plan
        fields = [
            "name",
            "name_en",
            "province",
            "document_number",
            "document_date",
            "issuing_body",
            "first_year",
            "last_year",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, province=None, **kwargs):
        """`province`: the officer's province, which every plan of theirs belongs to; None for
        an administrator, who chooses it."""
        super().__init__(*args, **kwargs)
        self.fixed_province = province
        if province is not None:
            del self.fields["province"]
            self.instance.province = province
        else:
            field = self.fields["province"]
            field.queryset = Locality.objects.current().provinces().order_by("code")
            field.empty_label = _("— the nation (a national plan) —")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        _styled(self)

    @property
    def expected_version(self):
        return self.cleaned_data.get("version") if self.instance.pk else None


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["metric", "threshold", "applies_to", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].help_text = gettext_lazy(
            "What the target measures: see “What each metric reads” beside the form."
        )
        _styled(self)


class BaseTargetFormSet(BaseInlineFormSet):
    def clean(self):
        # Before the formset's own check of unique fields, whose message names no metric.
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            metric = form.cleaned_data.get("metric")
            if metric in seen:
                raise ValidationError(
                    _("A plan has one target per metric: “%(metric)s” is there twice.")
                    % {"metric": Metric(metric).label}
                )
            seen.add(metric)
        super().clean()


TargetFormSet = inlineformset_factory(
    Plan,
    Target,
    form=TargetForm,
    formset=BaseTargetFormSet,
    extra=2,
    can_delete=True,
)


def metrics_explained() -> list[tuple[str, str]]:
    """(label, what it reads) for each metric, in the order of the choices."""
    return [(Metric(m).label, METRIC_EXPLAINED[m]) for m in Metric.values]
