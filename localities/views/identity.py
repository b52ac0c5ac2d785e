"""The reporter's identity: a state secret, on its own page, for the officers of the report's
area only; every look and every edit is logged (IdentityAccess), its content never."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from localities.forms import ReporterIdentityForm
from localities.models import ConcurrentEditError, IdentityAccess
from localities.services import (
    identity_report,
    reporter_identity_save,
    reporter_identity_view,
)


@method_decorator(never_cache, name="dispatch")
class ReportIdentityView(LoginRequiredMixin, View):
    """No answer of this page may be kept by the browser or a proxy (never_cache, and Pragma for
    HTTP/1.0 caches): not the identity, and not its refusals either, turned into answers here
    so that they get the headers too."""

    template_name = "localities/report_identity.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            response = self.dispatch_checked(request, *args, **kwargs)
        except (PermissionDenied, Http404) as refusal:
            response = response_for_exception(request, refusal)
        response["Pragma"] = "no-cache"
        return response

    def dispatch_checked(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Refused (and the refusal logged) outside the user's area or for a role without the right.
        self.report = identity_report(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        identity = reporter_identity_view(user=request.user, report=self.report)
        form = ReporterIdentityForm(instance=identity)
        return self.render(form)

    def post(self, request, pk):
        form = ReporterIdentityForm(data=request.POST)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            try:
                reporter_identity_save(
                    user=request.user,
                    report=self.report,
                    expected_version=fields.pop("version"),
                    **fields,
                )
            except ConcurrentEditError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The reporter's identity was saved; your edit is logged.")
                )
                return HttpResponseRedirect(self.report.get_absolute_url())
        return self.render(form)

    def render(self, form):
        accesses = (
            IdentityAccess.objects.filter(report=self.report)
            .select_related("user")
            .order_by("-at")[:20]
        )
        return TemplateResponse(
            self.request,
            self.template_name,
            {"report": self.report, "form": form, "accesses": accesses},
        )
