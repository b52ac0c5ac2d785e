"""Dashboards, work lists and charts."""

from django.urls import path

from plan_tracker import approval_views
from plan_tracker.dashboards import views as dashboards

urlpatterns = [
    path("dashboards/", dashboards.dashboard_national, name="dashboard_national"),
    path(
        "dashboards/locality/<int:pk>/",
        dashboards.dashboard_locality,
        name="dashboard_locality",
    ),
    path("dashboards/locality/<int:pk>/work/", dashboards.work_lists, name="work_lists"),
    path("dashboards/charts/", dashboards.dashboard_charts, name="dashboard_charts"),
    path("approvals/", approval_views.approval_list, name="approval_list"),
    path(
        "approvals/<int:year>/<int:pk>/",
        approval_views.approval_detail,
        name="approval_detail",
    ),
    path(
        "approvals/<int:year>/<int:pk>/step/",
        approval_views.approval_step,
        name="approval_step",
    ),
]
