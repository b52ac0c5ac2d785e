"""Dashboards, work lists and charts."""

from django.urls import path

from plan_tracker import approval_views, plan_views
from plan_tracker.dashboards import review_views
from plan_tracker.dashboards import views as dashboards

urlpatterns = [
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("plans/new/", plan_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
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
    # The plan's final review: the page, and the document as PDF or DOCX.
    path("dashboards/review/", review_views.review_page, name="review_national"),
    path("dashboards/review.<str:fmt>", review_views.review_file, name="review_national_file"),
    path("dashboards/locality/<int:pk>/review/", review_views.review_page, name="review_locality"),
    path(
        "dashboards/locality/<int:pk>/review.<str:fmt>",
        review_views.review_file,
        name="review_locality_file",
    ),
]
