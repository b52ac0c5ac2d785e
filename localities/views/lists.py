"""The lists of records: queryset (restricted, select_related: a constant number of queries
per page) + filterset + table."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from localities import filters, forms, selectors, tables
from localities.permissions import can_write, scope_of
from localities.views.base import CREATE_TITLES, LIST_TITLES, record_url


class RecordList(LoginRequiredMixin, SingleTableMixin, FilterView):
    """One kind of record's list: `selector(user)` gives its rows; its title and the button to
    enter a new record follow from the table's model."""

    template_name = "localities/list.html"
    table_pagination = {"per_page": 25}
    selector = None

    @classmethod
    def of(cls, selector, filterset_class, table_class):
        """The list of `table_class`'s model (EstablishmentList for Establishment, …)."""
        model = table_class._meta.model
        attributes = {
            "selector": staticmethod(selector),
            "filterset_class": filterset_class,
            "table_class": table_class,
        }
        return type(f"{model.__name__}List", (cls,), attributes)

    def get(self, request, *args, **kwargs):
        paging = forms.PagingForm(request.GET)
        if not paging.is_valid():
            context = {"form": paging, "back_url": request.path}
            return render(request, "400.html", context, status=400)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.selector(self.request.user)

    def get_table_kwargs(self):
        if scope_of(self.request.user).national:
            return {}
        return {"exclude": ("province",)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opts = self.table_class._meta.model._meta
        context["title"] = LIST_TITLES[opts.model_name]
        if can_write(self.request.user):
            context["create_url"] = record_url(opts, "create")
            context["create_label"] = CREATE_TITLES[opts.model_name]
        return context


EstablishmentList = RecordList.of(
    selectors.establishments_for_list, filters.EstablishmentFilter, tables.EstablishmentTable
)
InspectionList = RecordList.of(
    selectors.inspections_for_list, filters.InspectionFilter, tables.InspectionTable
)
ReportList = RecordList.of(selectors.reports_for_list, filters.ReportFilter, tables.ReportTable)
CaseList = RecordList.of(selectors.cases_for_list, filters.CaseFilter, tables.CaseTable)
ActivityList = RecordList.of(
    selectors.activities_for_list, filters.ActivityFilter, tables.ActivityTable
)
