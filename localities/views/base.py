"""What every record view shares: login, scope (404 outside it), write right (403 without it),
and saving through the services with the concurrent-edit check."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import DetailView, View
from django.views.generic.base import TemplateResponseMixin

from localities.models import ConcurrentEditError
from localities.permissions import can_write
from localities.services import record_save
from localities.views.history import history_of

# Each kind of record, by its model's name: the title of its list, and of the page that enters
# a new one (the list's button to that page says the same).
LIST_TITLES = {
    "establishment": pgettext_lazy("list", "Establishments"),
    "inspection": pgettext_lazy("list", "Inspections"),
    "report": pgettext_lazy("list", "Reports"),
    "case": pgettext_lazy("list", "Cases"),
    "activity": pgettext_lazy("list", "Activities"),
}
CREATE_TITLES = {
    "establishment": gettext_lazy("Register an establishment"),
    "inspection": gettext_lazy("Record an inspection"),
    "report": gettext_lazy("Receive a report"),
    "case": gettext_lazy("Enter a case"),
    "activity": gettext_lazy("Record an activity"),
}


def record_url(opts, page: str, *args) -> str:
    """A kind's pages are named alike: `<model>_list`, `_create`, `_detail`, `_edit`."""
    return reverse(f"{opts.model_name}_{page}", args=args)


def add_model_errors(form, error: ValidationError):
    """Put a model's ValidationError on the form: on its field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ScopedObjectMixin(LoginRequiredMixin):
    """`self.object` is looked up among the user's records only: anything else is 404."""

    model = None
    select_related: tuple = ()

    def scoped_queryset(self):
        qs = self.model.objects.restrict(self.request.user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs

    def get_queryset(self):
        return self.scoped_queryset()


class RecordDetail(ScopedObjectMixin, DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = can_write(self.request.user)
        context["history"] = history_of(self.object)
        opts = context["opts"] = self.model._meta
        context["list_title"] = LIST_TITLES[opts.model_name]
        context["list_url"] = record_url(opts, "list")
        context["edit_url"] = record_url(opts, "edit", self.object.pk)
        return context


class RecordFormView(ScopedObjectMixin, TemplateResponseMixin, View):
    """Create (no pk) or edit (pk) one record through `form_class` and record_save()."""

    form_class = None
    template_name = "localities/form.html"
    creating = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = None
        if not self.creating:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if not can_write(request.user):
            raise PermissionDenied(_("Your role can read these records but not change them."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {}

    def get_form(self, data=None):
        return self.form_class(
            data=data,
            instance=self.object,
            initial=self.get_initial(),
            user=self.request.user,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST)
        if form.is_valid():
            record = form.save(commit=False)
            try:
                self.save_record(form, record)
            except ConcurrentEditError as error:
                form.add_error(None, error)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, self.saved_message(record))
                return HttpResponseRedirect(record.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=200)

    def save_record(self, form, record):
        record_save(user=self.request.user, record=record, expected_version=form.expected_version)

    def saved_message(self, record):
        if self.creating:
            return _("%(record)s was saved.") % {"record": record}
        return _("Your changes to %(record)s were saved.") % {"record": record}

    def get_context_data(self, **kwargs):
        opts = self.model._meta
        kwargs.setdefault("object", self.object)
        kwargs.setdefault("opts", opts)
        if self.creating:
            kwargs.setdefault("title", self.create_title())
        else:
            kwargs.setdefault("title", _("Edit %(record)s") % {"record": self.object})
        kwargs.setdefault("cancel_url", self.cancel_url())
        return kwargs

    def create_title(self):
        return CREATE_TITLES[self.model._meta.model_name]

    def cancel_url(self):
        if self.object:
            return self.object.get_absolute_url()
        return record_url(self.model._meta, "list")
