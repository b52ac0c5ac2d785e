"""The four lists: queryset (restricted, select_related: a constant number of queries per page)
+ filterset + table."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from localities import filters, selectors, tables
from localities.permissions import can_write, scope_of


class RecordList(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "localities/list.html"
    table_pagination = {"per_page": 25}
    title = ""
    create_url_name = ""
    create_label = ""
    selector = None

    def get_queryset(self):
        return self.selector(self.request.user)

    def get_table_kwargs(self):
        if scope_of(self.request.user).national:
            return {}
        return {"exclude": ("province",)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        if can_write(self.request.user) and self.create_url_name:
            context["create_url"] = reverse(self.create_url_name)
            context["create_label"] = self.create_label
        return context


class EstablishmentList(RecordList):
    title = pgettext_lazy("list", "Establishments")
    selector = staticmethod(selectors.establishments_for_list)
    filterset_class = filters.EstablishmentFilter
    table_class = tables.EstablishmentTable
    create_url_name = "establishment_create"
    create_label = _("Register an establishment")


class InspectionList(RecordList):
    title = pgettext_lazy("list", "Inspections")
    selector = staticmethod(selectors.inspections_for_list)
    filterset_class = filters.InspectionFilter
    table_class = tables.InspectionTable
    create_url_name = "inspection_create"
    create_label = _("Record an inspection")


class ReportList(RecordList):
    title = pgettext_lazy("list", "Reports")
    selector = staticmethod(selectors.reports_for_list)
    filterset_class = filters.ReportFilter
    table_class = tables.ReportTable
    create_url_name = "report_create"
    create_label = _("Receive a report")


class CaseList(RecordList):
    title = pgettext_lazy("list", "Cases")
    selector = staticmethod(selectors.cases_for_list)
    filterset_class = filters.CaseFilter
    table_class = tables.CaseTable
    create_url_name = "case_create"
    create_label = _("Enter a case")
