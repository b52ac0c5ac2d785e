"""Forms of the exchange pages: the import upload and the API tokens (the compliance export
reads plan_tracker.selection)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.kinds import KINDS
from exchange.models import TOKEN_MAX_DAYS, ApiToken
from localities.forms import BAD_DATE, DATE_INPUT_FORMATS, DateInput
from localities.models import Locality
from localities.permissions import scope_of

MAX_UPLOAD_MB = 100


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class ImportUploadForm(BootstrapForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[(kind.id, kind.label) for kind in KINDS.values()],
    )
    file = forms.FileField(
        label=gettext_lazy("File (CSV in UTF-8, or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx") or name.endswith(".txt")):
            raise ValidationError(_("Upload a .csv (UTF-8) or .xlsx file."))
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(size)s MB: split it, or use the import command.")
                % {"size": MAX_UPLOAD_MB}
            )
        return upload


class ApiTokenForm(BootstrapForm):
    name = forms.CharField(
        label=gettext_lazy("Name (what the token is for)"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. provincial report sync")}),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valid until"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": BAD_DATE},
        help_text=gettext_lazy("At most a year from today."),
    )
    province = forms.ModelChoiceField(
        Locality.objects.none(),
        label=gettext_lazy("Limited to province"),
        required=False,
        empty_label=gettext_lazy("— my whole area —"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "A token can be limited only to a province of your area: choose it, or none."
            )
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = ApiToken.default_expiry()
        self.fields["expires_on"].widget.attrs["class"] = "date form-control"
        # The provinces a token of this user may be limited to: those their scope reaches (a
        # commune officer's: the commune's province, where the token still sees the commune).
        scope = scope_of(user)
        provinces = Locality.objects.current().provinces()
        if not scope.national:
            provinces = provinces.filter(pk=scope.province_id)
        self.fields["province"].queryset = provinces.order_by("code")

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise ValidationError(_("The expiry date is in the past: choose a later day."))
        latest = ApiToken.latest_expiry(today)
        if day > latest:
            raise ValidationError(
                _("A token is valid for at most %(days)s days: choose %(latest)s or earlier.")
                % {"days": TOKEN_MAX_DAYS, "latest": date_format(latest, "SHORT_DATE_FORMAT")}
            )
        return day
