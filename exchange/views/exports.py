"""The export pages: the compliance table (CSV, XLSX), raw records for administrators (CSV,
XLSX, streamed) and the printed report (HTML, or PDF where the server can make one). Every
export is logged."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from exchange.exports import XLSX_CONTENT_TYPE, compliance, log_export, raw
from exchange.forms import FiguresForm
from exchange.kinds import KINDS
from exchange.models import ExportLog
from exchange.report import _report_context
from localities.permissions import is_administrator, scope_of
from plan_tracker import metrics


def _require_scope(user):
    if scope_of(user).empty:
        raise PermissionDenied(_("You have no area assigned: ask an administrator."))


def _figures_params(request):
    form = FiguresForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        locality_errors = form.errors.as_data().get("locality", [])
        if any(e.code in ("out_of_scope", "unknown_code") for e in locality_errors):
            # A locality outside the user's area answers like one that does not exist.
            raise Http404(_("No locality with this code in your area."))
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    plan = metrics.default_plan()
    params = {
        "year": data.get("year") or metrics.default_year(plan),
        "as_of": data.get("as_of") or timezone.localdate(),
        "locality": data.get("locality"),
        "level": data.get("level") or None,
        "plan": plan,
    }
    return form, params


@login_required
@require_GET
def exports_page(request):
    _require_scope(request.user)
    form, _params = _figures_params(request)
    context = {"form": form, "is_administrator": is_administrator(request.user)}
    if context["is_administrator"]:
        context["raw"] = []
        for kind in KINDS.values():
            _qs, filterset = raw.filtered_records(kind, user=request.user, data={})
            form = filterset.form
            form.auto_id = f"raw-{kind.id}-%s"
            year = form.fields.get("year")
            if year is not None and "" not in dict(year.choices):
                # An export may span every year: offer "all years" first.
                year.choices = [("", _("All years")), *year.choices]
                year.required = False
            context["raw"].append({"kind": kind.id, "label": kind.label, "form": filterset.form})
        context["log"] = ExportLog.objects.select_related("user")[:20]
    return render(request, "exchange/exports.html", context)


@login_required
@require_GET
def export_compliance(request, fmt):
    _require_scope(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, params = _figures_params(request)
    if params is None:
        return render(request, "exchange/exports.html", {"form": form}, status=400)
    tables = compliance.compliance_tables(
        user=request.user,
        year=params["year"],
        as_of=params["as_of"],
        plan=params["plan"],
        locality=params["locality"],
        # A CSV holds one level: only its table is computed.
        level=(params["level"] or "province") if fmt == "csv" else None,
    )
    filters = {
        "year": params["year"],
        "as_of": params["as_of"].isoformat(),
        "locality": params["locality"].qualified_code if params["locality"] else None,
    }
    stamp = f"{params['year']}-{params['as_of']:%Y%m%d}"
    if fmt == "csv":
        table = next(iter(tables.values()))
        body = compliance.compliance_csv(table)
        rows = len(table.rows) + 1
        content_type = "text/csv; charset=utf-8"
        filters["level"] = table.level
    else:
        body = compliance.compliance_xlsx(tables, user=request.user)
        rows = sum(len(t.rows) + 1 for t in tables.values())
        content_type = XLSX_CONTENT_TYPE
    log_export(
        user=request.user, what="compliance", file_format=fmt, filters=filters, row_count=rows
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="compliance-{stamp}.{fmt}"'
    return response


@login_required
@require_GET
def export_raw(request, kind, fmt):
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    if not is_administrator(request.user):
        raise PermissionDenied(_("Raw data exports are for administrators."))
    kind = KINDS[kind]
    queryset, filterset = raw.filtered_records(kind, user=request.user, data=request.GET)
    log = log_export(
        user=request.user, what=kind.id, file_format=fmt, filters=raw.used_filters(filterset)
    )
    rows = raw.raw_rows(kind, queryset)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(
            raw.stream_csv(kind, rows, log), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            raw.stream_xlsx(kind, rows, log), content_type=XLSX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{kind.id}-{stamp}.{fmt}"'
    return response


@login_required
@require_GET
def export_report(request):
    _require_scope(request.user)
    form, params = _figures_params(request)
    if params is None:
        return render(request, "exchange/exports.html", {"form": form}, status=400)
    if params["locality"] is not None and params["locality"].level != "province":
        form.add_error("locality", _("The printed report is for a province or the nation."))
        return render(request, "exchange/exports.html", {"form": form}, status=400)
    if scope_of(request.user).commune_id:
        raise PermissionDenied(_("The printed report is for a province or the nation."))
    context = _report_context(request, params)
    fmt = request.GET.get("format", "html")
    filters = {
        "year": params["year"],
        "as_of": params["as_of"].isoformat(),
        "locality": params["locality"].qualified_code if params["locality"] else None,
    }
    if fmt == "pdf":
        from exchange import pdf

        if not pdf.available():
            raise Http404(_("PDF is not available on this server: print the page instead."))
        html = render(request, "exchange/report_print.html", dict(context, pdf=True)).content
        body = pdf.render(html.decode(), base_url=request.build_absolute_uri("/"))
        log_export(user=request.user, what="report", file_format="pdf", filters=filters)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="report-{params["year"]}-{params["as_of"]:%Y%m%d}.pdf"'
        )
        return response
    log_export(user=request.user, what="report", file_format="html", filters=filters)
    from exchange import pdf

    context["pdf_available"] = pdf.available()
    return render(request, "exchange/report_print.html", context)
