"""Dashboards, charts, compliance downloads (the figures issue)."""

from django.urls import path

from plan_tracker import dashboards

urlpatterns = [
    path("dashboards/", dashboards.dashboard_national, name="dashboard_national"),
    path(
        "dashboards/locality/<int:pk>/",
        dashboards.dashboard_locality,
        name="dashboard_locality",
    ),
    path("dashboards/locality/<int:pk>/work/", dashboards.work_lists, name="work_lists"),
    path("dashboards/charts/", dashboards.dashboard_charts, name="dashboard_charts"),
    path("dashboards/compliance.csv", dashboards.dashboard_csv, name="dashboard_csv"),
]
