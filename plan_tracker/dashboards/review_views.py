"""The plan's final review (plan_tracker/review.py): a page under the dashboards, and the same
document as PDF and DOCX, for the nation (ministry and administrators) or a province (its
officers, and national users). A commune's officer has no provincial review (403); a province
outside the user's area answers 404."""

import dataclasses

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange import documents, pdf
from exchange.exports import log_export
from exchange.views.exports import _logged_filters
from localities.models import Level
from plan_tracker import review as plan_review
from plan_tracker.dashboards.links import never_inspected_link, record_link
from plan_tracker.dashboards.views import context_for, with_selection

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _urls(request, sel, place) -> dict:
    """Where the document's full lists are (absolute: they are read in a PDF or in Word)."""
    code = place.qualified_code if place else None
    table = sel.url("export_compliance", "xlsx", locality=code)
    end = plan_review.metrics.plan_end(sel.plan, sel.as_of)
    if place is not None:
        never = never_inspected_link(dataclasses.replace(sel, as_of=end), place)
        reports = record_link("report_list", locality=place.pk, status="overdue")
    else:
        never = record_link(
            "establishment_list",
            not_inspected_since=sel.plan.first_day.strftime("%d/%m/%Y"),
            as_of=end.strftime("%d/%m/%Y"),
        )
        reports = record_link("report_list", status="overdue")
    absolute = request.build_absolute_uri
    return {
        "table": absolute(table),
        "never_inspected": absolute(never),
        "reports": absolute(reports),
    }


def _place(frame, sel):
    if frame.scope.empty:
        raise Http404(_("You have no area assigned: ask an administrator."))
    place = sel.locality
    if place is not None and place.level != Level.PROVINCE:
        raise PermissionDenied(_("The plan's review is for a province or the nation."))
    return place


@with_selection
def review_page(request, frame, sel, fmt="html"):
    place = _place(frame, sel)
    review = plan_review.build_review(frame, plan=sel.plan, as_of=sel.as_of, locality=place)
    document = plan_review.review_document(
        review, today=timezone.localdate(), urls=_urls(request, sel, place)
    )
    stem = f"review-{sel.plan.first_year}-{sel.plan.last_year}-{place.code if place else 'VN'}"
    if fmt in ("pdf", "docx"):
        if fmt == "pdf":
            if not pdf.available():
                raise Http404(_("PDF is not available on this server: print the page instead."))
            body = documents.to_pdf(document, base_url=request.build_absolute_uri("/"))
            content_type = "application/pdf"
        else:
            body = documents.to_docx(document)
            content_type = DOCX_CONTENT_TYPE
        filters = dict(_logged_filters(sel), locality=place.qualified_code if place else None)
        log_export(user=request.user, what="review", file_format=fmt, filters=filters)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response
    if fmt != "html":
        raise Http404
    if place is None:
        pdf_url = sel.url("review_national_file", "pdf")
        docx_url = sel.url("review_national_file", "docx")
    else:
        pdf_url = sel.url("review_locality_file", place.pk, "pdf")
        docx_url = sel.url("review_locality_file", place.pk, "docx")
    return render(
        request,
        "plan_tracker/review.html",
        context_for(
            request,
            sel,
            place=place,
            current=_("Final review of the plan"),
            review=review,
            document=document,
            pdf_url=pdf_url if pdf.available() else None,
            docx_url=docx_url,
            national_url=reverse("review_national") if frame.scope.national else None,
        ),
    )


@login_required
def review_file(request, fmt, **kwargs):
    """The review as a PDF or DOCX file (any other format: 404)."""
    if fmt not in ("pdf", "docx"):
        raise Http404
    return review_page(request, fmt=fmt, **kwargs)
