"""The URLs of the exchange: imports, exports, API tokens and the read-only API."""

from django.urls import path

from exchange import api, openapi
from exchange.kinds import KINDS
from exchange.views import exports, imports, tokens

urlpatterns = [
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/preview/", imports.import_preview, name="import_preview"),
    path("imports/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/cancel/", imports.import_cancel, name="import_cancel"),
    path("imports/jobs/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/jobs/<int:pk>/status.json", imports.import_job_status, name="import_job_status"),
    path("imports/jobs/<int:pk>/confirm/", imports.import_job_confirm, name="import_job_confirm"),
    path("imports/jobs/<int:pk>/cancel/", imports.import_job_cancel, name="import_job_cancel"),
    path("imports/jobs/<int:pk>/retry/", imports.import_job_retry, name="import_job_retry"),
    path("imports/templates/<str:kind>.<str:fmt>", imports.import_template, name="import_template"),
    path("exports/", exports.exports_page, name="exports"),
    path("exports/compliance.<str:fmt>", exports.export_compliance, name="export_compliance"),
    path("exports/report/", exports.export_report, name="export_report"),
    path("exports/raw/<str:kind>.<str:fmt>", exports.export_raw, name="export_raw"),
    path("api/tokens/", tokens.api_tokens, name="api_tokens"),
    path("api/tokens/<int:pk>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
    path("api/v1/openapi.json", openapi.openapi_json, name="api_openapi"),
    path("api/docs/", openapi.api_docs, name="api_docs"),
    path("api/v1/compliance", api.compliance, name="api_compliance"),
    *(
        path(f"api/v1/{kind.id}", api.record_list(kind), name=f"api_{kind.id}")
        for kind in KINDS.values()
    ),
]
