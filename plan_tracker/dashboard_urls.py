"""Dashboards, work lists and charts."""

from django.urls import path, re_path

from plan_tracker.dashboards import review_views
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
    # The plan's final review: the page, and the document as PDF or DOCX.
    path("dashboards/review/", review_views.review_page, name="review_national"),
    re_path(
        r"^dashboards/review\.(?P<fmt>pdf|docx)$",
        review_views.review_page,
        name="review_national_file",
    ),
    path("dashboards/locality/<int:pk>/review/", review_views.review_page, name="review_locality"),
    re_path(
        r"^dashboards/locality/(?P<pk>[0-9]+)/review\.(?P<fmt>pdf|docx)$",
        review_views.review_page,
        name="review_locality_file",
    ),
]
