"""The export pages: the compliance table (CSV, XLSX), raw records for administrators (CSV,
XLSX, streamed) and the printed report (HTML, or PDF where the server can make one). Every
export is logged."""

import functools

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from exchange import pdf
from exchange.exports import XLSX_CONTENT_TYPE, compliance, log_export, raw
from exchange.kinds import KINDS
from exchange.models import ExportLog
from exchange.report import report_context
from localities.models.access import person_name
from localities.permissions import is_administrator
from localities.selectors import Frame
from plan_tracker.selection import Selection, SelectionRefused, select


def with_selection(view):
    """Log-in required; the view gets the user's frame and the validated selection. A user with
    no area, or a locality outside it, answers 404; a refused selection, 400 with the form."""

    @login_required
    @require_GET
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        frame = Frame.of(request.user)
        if frame.scope.empty:
            raise Http404(_("You have no area assigned: ask an administrator."))
        try:
            sel = select(request.GET, frame)
        except SelectionRefused as refusal:
            form = refusal.form.offer_localities()
            return render(request, "exchange/exports.html", {"form": form}, status=400)
        return view(request, frame, sel, *args, **kwargs)

    return wrapper


def _logged_filters(sel: Selection) -> dict:
    return {
        "plan": sel.plan.pk,
        "year": sel.year,
        "as_of": sel.as_of.isoformat(),
        "locality": sel.locality.qualified_code if sel.locality else None,
        "level": sel.level,
    }


@with_selection
def exports_page(request, frame, sel):
    context = {
        "form": sel.form.offer_localities(),
        "is_administrator": is_administrator(request.user),
    }
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
        context["log"] = ExportLog.with_descriptions_ready(
            ExportLog.objects.select_related("user")[:20]
        )
    return render(request, "exchange/exports.html", context)


@with_selection
def export_compliance(request, frame, sel, fmt):
    """The compliance table: the CSV holds the selection's table and its total (one level),
    the XLSX a sheet per level; each a row per locality and plan judged (the plans in force,
    or the plan chosen). The same download for the dashboards and the exports page."""
    if fmt == "csv":
        table = compliance.judged(frame, sel)
        body = compliance.compliance_csv(table)
        rows = table.row_count(total=True)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        tables = compliance.compliance_tables(frame, sel)
        body = compliance.compliance_xlsx(tables, user=request.user)
        rows = sum(t.row_count(total=True) for t in tables.values())
        content_type = XLSX_CONTENT_TYPE
    else:
        raise Http404
    log_export(
        user=request.user,
        what="compliance",
        file_format=fmt,
        filters=_logged_filters(sel),
        row_count=rows,
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{compliance.file_name(sel, fmt)}"'
    # The plans and the as-of date, also in headers for programs that read them.
    response["X-Plan"] = ", ".join(
        f"{plan.first_year}-{plan.last_year} #{plan.pk}" for plan in sel.plans or [sel.plan]
    )
    response["X-As-Of"] = sel.as_of.isoformat()
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
    if not filterset.is_valid():
        # Refused with the filters' reasons rather than an empty file that looks like no records.
        context = {"form": filterset.form, "back_url": reverse("exports")}
        return render(request, "400.html", context, status=400)
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


class ReportFormat(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[("html", "HTML"), ("pdf", "PDF")], required=False
    )


@with_selection
def export_report(request, frame, sel):
    """The printed report of a province or the nation (HTML to print, or PDF)."""
    if frame.scope.commune_id or (sel.locality is not None and not sel.locality.is_province):
        raise PermissionDenied(_("The printed report is for a province or the nation."))
    chosen = ReportFormat(request.GET)
    if not chosen.is_valid():
        context = {"form": chosen, "back_url": request.path}
        return render(request, "400.html", context, status=400)
    context = dict(report_context(frame, sel), author=person_name(request.user))
    fmt = chosen.cleaned_data["format"] or "html"
    if fmt == "pdf":
        if not pdf.available():
            raise Http404(_("PDF is not available on this server: print the page instead."))
        html = render(request, "exchange/report_print.html", dict(context, pdf=True)).content
        body = pdf.render(html.decode(), base_url=request.build_absolute_uri("/"))
        log_export(
            user=request.user, what="report", file_format="pdf", filters=_logged_filters(sel)
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="report-{sel.year}-{sel.as_of:%Y%m%d}.pdf"'
        )
        return response
    log_export(user=request.user, what="report", file_format="html", filters=_logged_filters(sel))
    context["pdf_available"] = pdf.available()
    return render(request, "exchange/report_print.html", context)
