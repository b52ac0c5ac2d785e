"""Forms of the exchange pages: the import upload and the API tokens (the compliance export
reads plan_tracker.selection)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.kinds import KINDS

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
