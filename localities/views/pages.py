"""Each record's page and its create/edit forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from localities import forms
from localities.models import (
    Activity,
    Case,
    ConcurrentEditError,
    Establishment,
    IdentityAccess,
    Inspection,
    Report,
    ReportStatus,
)
from localities.permissions import can_see_identity
from localities.services import (
    latest_extension,
    record_delete,
    record_save,
    report_extend,
    report_extension_correct,
    report_extension_delete,
    report_record_stage,
)
from localities.tables import InspectionTable, status_badge
from localities.views.base import RecordDetail, RecordFormView, add_model_errors, record_url

# Establishments -------------------------------------------------------------------------------


class ForgivingPaginator(Paginator):
    """A page number that is not a number shows the first page, one past the end the last:
    a link kept from a longer list, or a typed URL, still opens the record."""

    def page(self, number):
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = self.num_pages
        return super().page(number)


class EstablishmentDetail(RecordDetail):
    model = Establishment
    select_related = ("commune", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspections = self.object.inspections.select_related(
            "establishment", "establishment__commune"
        )
        table = InspectionTable(inspections, exclude=("establishment", "commune", "province"))
        table.paginate(ForgivingPaginator, page=self.request.GET.get("page", 1), per_page=25)
        context["inspections"] = table
        context["operating_today"] = self.object.is_operating_on(timezone.localdate())
        return context


class EstablishmentEdit(RecordFormView):
    model = Establishment
    form_class = forms.EstablishmentForm


class EstablishmentCreate(EstablishmentEdit):
    creating = True


# Inspections ----------------------------------------------------------------------------------


class InspectionDetail(RecordDetail):
    model = Inspection
    select_related = ("establishment", "establishment__commune")


class InspectionEdit(RecordFormView):
    model = Inspection
    form_class = forms.InspectionForm
    select_related = ("establishment", "establishment__commune")


class InspectionCreate(InspectionEdit):
    creating = True

    def dispatch(self, request, *args, **kwargs):
        self.establishment = None
        if request.user.is_authenticated:
            chosen = forms.EstablishmentChoice(
                request.GET,
                queryset=Establishment.objects.restrict(request.user).select_related("commune"),
            )
            # Not an establishment of the user's area (or not an id at all): as any record
            # outside it, 404.
            if not chosen.is_valid():
                raise Http404(_("No establishment with this id in your area."))
            self.establishment = chosen.cleaned_data["establishment"]
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"inspected_on": timezone.localdate()}
        if self.establishment:
            initial["establishment"] = self.establishment
        return initial

    def create_title(self):
        if self.establishment:
            return _("Record an inspection of %(establishment)s") % {
                "establishment": self.establishment
            }
        return super().create_title()

    def cancel_url(self):
        if self.establishment:
            return self.establishment.get_absolute_url()
        return super().cancel_url()


# Reports --------------------------------------------------------------------------------------


class ReportDetail(RecordDetail):
    model = Report
    select_related = ("kind", "locality", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(report_context(self.object))
        user = self.request.user
        context["can_see_identity"] = can_see_identity(user)
        if context["can_see_identity"]:
            context["identity_looks"] = IdentityAccess.objects.filter(report=self.object).count()
        context["cases"] = self.object.cases.restrict(user).order_by("opened_on")
        return context


def report_context(report) -> dict:
    """The report's clock: status, days left or overdue, and its stages as a timeline."""
    today = timezone.localdate()
    status = report.status(today)
    stages = [
        ("received_on", pgettext("stage", "Received"), report.received_on),
        ("verified_on", pgettext("stage", "Verified"), report.verified_on),
        ("classified_on", pgettext("stage", "Classified"), report.classified_on),
        ("handled_on", pgettext("stage", "Handled"), report.handled_on),
    ]
    days_left = report.days_left(today)
    return {
        "status": status,
        "status_label": ReportStatus(status).label,
        "status_badge": status_badge(status),
        "stages": stages,
        "days_left": days_left,
        "days_overdue": -days_left,
        "is_handled": bool(report.handled_on),
        "base_deadline": report.kind.base_deadline(report.received_on),
        "legal_maximum": report.kind.legal_maximum(report.received_on),
        "extensions": list(report.extensions.order_by("sequence")),
        "next_stage": report.next_stage(),
        "handled_days_late": (report.handled_on - report.deadline).days
        if report.handled_on
        else None,
    }


class ReportEdit(RecordFormView):
    model = Report
    form_class = forms.ReportForm
    select_related = ("kind", "locality")

    def save_record(self, form, record):
        """The report's corrections, with a new extension when one was entered: one save."""
        extension = form.extension_data() if not self.creating else None
        if not extension:
            record_save(
                user=self.request.user, record=record, expected_version=form.expected_version
            )
            return
        try:
            report_extend(
                user=self.request.user,
                report=record,
                expected_version=form.expected_version,
                **extension,
            )
        except ConcurrentEditError:
            raise
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            names = forms.ExtensionFields.EXTENSION_FIELD_NAMES
            raise ValidationError(
                {names.get(f, f): m for f, m in error.message_dict.items()}
            ) from error


class ReportCreate(ReportEdit):
    form_class = forms.ReportCreateForm
    creating = True

    def get_initial(self):
        return {"received_on": timezone.localdate()}


class LatestExtensionView(RecordFormView):
    """The report's latest extension decision (404 without one, or for a report outside the
    user's area; 403 for a role that cannot write): correct it, or delete it."""

    model = Report
    select_related = ("kind", "locality")
    form_class = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            report = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            self.extension = latest_extension(report)
            if self.extension is None:
                raise Http404
            self.extension.report = report
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return self.form_class(data=data, extension=self.extension)

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST)
        if form.is_valid():
            try:
                self.write(form)
            except ConcurrentEditError as error:
                form.add_error(None, error)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, self.done_message())
                return HttpResponseRedirect(self.object.get_absolute_url())
            # The refused attempt changed them in memory: show them as saved.
            self.object = self.get_queryset().get(pk=self.object.pk)
            self.extension = latest_extension(self.object)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["extension"] = self.extension
        context.update(report_context(self.object))
        return context


class ReportExtensionEdit(LatestExtensionView):
    form_class = forms.ExtensionCorrectionForm
    template_name = "localities/report_extension_edit.html"

    def write(self, form):
        data = form.cleaned_data
        report_extension_correct(
            user=self.request.user,
            extension=self.extension,
            extended_until=data["extended_until"],
            decided_on=data["decided_on"],
            decision_no=data["decision_no"],
            decided_by=data["decided_by"],
            reason=data["reason"],
            expected_version=form.expected_version,
        )

    def done_message(self):
        return _("Extension %(number)s of %(report)s was corrected.") % {
            "number": self.extension.sequence,
            "report": self.object,
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "title",
            _("Correct extension %(number)s of %(report)s")
            % {"number": self.extension.sequence, "report": self.object},
        )
        return super().get_context_data(**kwargs)


class ReportExtensionDelete(LatestExtensionView):
    template_name = "localities/report_extension_delete.html"

    def get_form(self, data=None):
        return forms.ExtensionDeletionForm(data=data, initial={"version": self.object.version})

    def write(self, form):
        report_extension_delete(
            user=self.request.user,
            extension=self.extension,
            expected_version=form.expected_version,
        )

    def done_message(self):
        return _("Extension %(number)s of %(report)s was deleted.") % {
            "number": self.extension.sequence,
            "report": self.object,
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "title",
            _("Delete extension %(number)s of %(report)s")
            % {"number": self.extension.sequence, "report": self.object},
        )
        return super().get_context_data(**kwargs)


class ReportStage(RecordFormView):
    """Record the next stage of a report: verified, classified or handled (with its decision),
    and an extension when one was decided."""

    model = Report
    select_related = ("kind", "locality")
    template_name = "localities/report_stage.html"

    def get_form(self, data=None):
        return forms.ReportStageForm(data=data, report=self.object)

    def get(self, request, *args, **kwargs):
        if self.object.next_stage() is None:
            messages.info(request, _("Every stage of this report is recorded already."))
            return HttpResponseRedirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.object.next_stage() is None:
            messages.info(request, _("Every stage of this report is recorded already."))
            return HttpResponseRedirect(self.object.get_absolute_url())
        form = self.get_form(data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report_record_stage(
                    user=request.user,
                    report=self.object,
                    stage=data["stage"],
                    on=data["on"],
                    outcome=data["outcome"],
                    extension=form.extension_data(),
                    expected_version=data["version"],
                )
            except ConcurrentEditError as error:
                form.add_error(None, error)
            except ValidationError as error:
                form.add_model_errors(error)
            else:
                messages.success(
                    request,
                    _("%(stage)s on %(date)s: recorded.")
                    % {
                        "stage": forms.ReportStageForm.STAGE_LABELS[data["stage"]],
                        "date": date_format(data["on"], "SHORT_DATE_FORMAT"),
                    },
                )
                return HttpResponseRedirect(self.object.get_absolute_url())
            # The failed attempt changed the object in memory: show the report as saved.
            self.object = self.get_queryset().get(pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Next stage of %(report)s") % {"report": self.object}
        context.update(report_context(self.object))
        return context


# Cases ----------------------------------------------------------------------------------------


class CaseDetail(RecordDetail):
    model = Case
    select_related = ("locality", "report", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A case's report is shown only when the user may see that report too.
        context["report"] = self.object.report_seen_by(self.request.user)
        return context


class CaseEdit(RecordFormView):
    model = Case
    form_class = forms.CaseForm
    select_related = ("locality", "report")


class CaseCreate(CaseEdit):
    creating = True


# Activities -----------------------------------------------------------------------------------


class ActivityDetail(RecordDetail):
    model = Activity
    select_related = ("commune", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["delete_url"] = record_url(self.model._meta, "delete", self.object.pk)
        return context


class ActivityEdit(RecordFormView):
    model = Activity
    form_class = forms.ActivityForm
    select_related = ("commune",)


class ActivityCreate(ActivityEdit):
    creating = True

    def get_initial(self):
        return {"held_on": timezone.localdate()}


class RecordDelete(RecordFormView):
    """Asks before deleting a record; the deletion is refused when someone saved the record
    since the page was shown, or when its year is submitted or approved."""

    template_name = "localities/delete.html"

    def get_form(self, data=None):
        return forms.DeleteForm(data=data, initial={"version": self.object.version})

    def post(self, request, *args, **kwargs):
        form = self.get_form(data=request.POST)
        if form.is_valid():
            try:
                record_delete(
                    user=request.user,
                    record=self.object,
                    expected_version=form.cleaned_data["version"],
                )
            except ConcurrentEditError as error:
                form.add_error(None, error)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("%(record)s was deleted.") % {"record": self.object})
                return HttpResponseRedirect(record_url(self.model._meta, "list"))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Delete %(record)s") % {"record": self.object})
        return super().get_context_data(**kwargs)


class ActivityDelete(RecordDelete):
    model = Activity
    select_related = ("commune",)
