"""Record lists, pages and forms. Other areas link to these names."""

from django.urls import path

from localities import views

urlpatterns = [
    path("establishments/", views.EstablishmentList.as_view(), name="establishment_list"),
    path(
        "establishments/search/",
        views.EstablishmentSearch.as_view(),
        name="establishment_search",
    ),
    path("establishments/new/", views.EstablishmentCreate.as_view(), name="establishment_create"),
    path(
        "establishments/<int:pk>/",
        views.EstablishmentDetail.as_view(),
        name="establishment_detail",
    ),
    path(
        "establishments/<int:pk>/edit/",
        views.EstablishmentEdit.as_view(),
        name="establishment_edit",
    ),
    path("inspections/", views.InspectionList.as_view(), name="inspection_list"),
    path("inspections/new/", views.InspectionCreate.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", views.InspectionDetail.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.InspectionEdit.as_view(), name="inspection_edit"),
    path("reports/", views.ReportList.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreate.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportEdit.as_view(), name="report_edit"),
    path("reports/<int:pk>/stage/", views.ReportStage.as_view(), name="report_stage"),
    path(
        "reports/<int:pk>/extension/edit/",
        views.ReportExtensionEdit.as_view(),
        name="report_extension_edit",
    ),
    path(
        "reports/<int:pk>/extension/delete/",
        views.ReportExtensionDelete.as_view(),
        name="report_extension_delete",
    ),
    path("reports/<int:pk>/identity/", views.ReportIdentityView.as_view(), name="report_identity"),
    path("cases/", views.CaseList.as_view(), name="case_list"),
    path("cases/new/", views.CaseCreate.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", views.CaseEdit.as_view(), name="case_edit"),
    path("activities/", views.ActivityList.as_view(), name="activity_list"),
    path("activities/new/", views.ActivityCreate.as_view(), name="activity_create"),
    path("activities/<int:pk>/", views.ActivityDetail.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.ActivityEdit.as_view(), name="activity_edit"),
    path("activities/<int:pk>/delete/", views.ActivityDelete.as_view(), name="activity_delete"),
]
