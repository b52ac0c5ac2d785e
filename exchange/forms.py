"""Forms of the exchange pages: the import upload, the compliance export, the API tokens."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.kinds import KINDS
from localities.codes import resolve
from localities.models import Locality

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


def parse_day(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date: write dd/mm/yyyy or YYYY-MM-DD.") % {"value": text}
    )


class FiguresForm(BootstrapForm):
    """Year, as-of date and locality of a compliance export, a printed report or the API.
    The locality is a code (bare = 2025 scheme, 2004:xxxxx = old), within the user's area."""

    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000)
    as_of = forms.CharField(label=gettext_lazy("As of (dd/mm/yyyy)"), required=False)
    locality = forms.CharField(
        label=gettext_lazy("Locality code (empty = your whole area)"), required=False
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[("province", gettext_lazy("Province")), ("commune", gettext_lazy("Commune"))],
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_as_of(self):
        text = self.cleaned_data.get("as_of") or ""
        if not text:
            return timezone.localdate()
        return parse_day(text)

    def clean_locality(self):
        text = (self.cleaned_data.get("locality") or "").strip()
        if not text:
            return None
        try:
            return resolve(text, within=Locality.objects.restrict(self.user)).locality
        except ValidationError as error:
            if error.code == "out_of_scope":
                # Out of scope answers like an unknown code: nothing is revealed.
                raise ValidationError(
                    _("No locality with this code in your area: %(code)s") % {"code": text},
                    code="out_of_scope",
                ) from None
            raise


class ApiTokenForm(BootstrapForm):
    name = forms.CharField(
        label=gettext_lazy("Name (what the token is for)"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. provincial report sync")}),
    )
