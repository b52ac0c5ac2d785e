"""Imports, exports and the read-only API (the exchange issue)."""

from django.urls import path

from exchange import api, openapi, views

urlpatterns = [
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/preview/", views.import_preview, name="import_preview"),
    path("imports/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("imports/jobs/<int:pk>/status.json", views.import_job_status, name="import_job_status"),
    path("imports/jobs/<int:pk>/confirm/", views.import_job_confirm, name="import_job_confirm"),
    path("imports/jobs/<int:pk>/cancel/", views.import_job_cancel, name="import_job_cancel"),
    path("imports/jobs/<int:pk>/retry/", views.import_job_retry, name="import_job_retry"),
    path("imports/templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("exports/", views.exports_page, name="exports"),
    path("exports/compliance.<str:fmt>", views.export_compliance, name="export_compliance"),
    path("exports/report/", views.export_report, name="export_report"),
    path("exports/raw/<str:kind>.<str:fmt>", views.export_raw, name="export_raw"),
    path("api/tokens/", views.api_tokens, name="api_tokens"),
    path("api/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("api/v1/openapi.json", openapi.openapi_json, name="api_openapi"),
    path("api/v1/compliance", api.compliance, name="api_compliance"),
    path("api/v1/establishments", api.establishments, name="api_establishments"),
    path("api/v1/inspections", api.inspections, name="api_inspections"),
    path("api/v1/reports", api.reports, name="api_reports"),
    path("api/v1/cases", api.cases, name="api_cases"),
]
