"""The pages of the approvals: the list (ministry: every province; an officer: their own
province) and a page per province and year with its state, the figures as submitted, the
history of its steps and the steps the user may take. A province outside the user's area
answers 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localities.models import Locality
from localities.permissions import OutOfScope
from plan_tracker import metrics
from plan_tracker.approvals import (
    STEP_NAMES,
    State,
    StepRefused,
    YearApproval,
    steps_allowed,
    take_step,
)
from plan_tracker.models import Plan

SHOWN_FIGURES = [
    ("establishments_operating", "inspected_in_year_pct"),
    ("establishments_open_at_end", "coverage_pct"),
    ("reports_received", "reports_on_time_pct"),
    ("cases_handled", "cases_growth_pct"),
]


def _plan(request) -> Plan:
    raw = request.GET.get("plan") or request.POST.get("plan")
    if raw:
        try:
            return get_object_or_404(Plan, pk=int(raw))
        except ValueError:
            raise Http404 from None
    return metrics.default_plan()


def _province(user, pk) -> Locality:
    return get_object_or_404(Locality.objects.restrict(user).current().provinces(), pk=pk)


@login_required
def approval_list(request):
    plan = _plan(request)
    approvals = (
        YearApproval.objects.restrict(request.user)
        .filter(plan=plan)
        .select_related("province", "submitted_by", "decided_by")
    )
    state = request.GET.get("state")
    if state in State.values:
        approvals = approvals.filter(state=state)
    provinces = Locality.objects.restrict(request.user).current().provinces()
    return render(
        request,
        "plan_tracker/approval_list.html",
        {
            "plan": plan,
            "approvals": approvals.order_by("-year", "province__code"),
            "states": State.choices,
            "state": state,
            "provinces": provinces.order_by("code"),
            "years": list(plan.years),
        },
    )


@login_required
def approval_detail(request, year, pk):
    plan = _plan(request)
    province = _province(request.user, pk)
    if year not in plan.years:
        raise Http404
    approval = (
        YearApproval.objects.filter(plan=plan, province=province, year=year)
        .select_related("submitted_by", "decided_by")
        .first()
    )
    shown = approval or YearApproval(plan=plan, province=province, year=year)
    snapshot = approval.snapshot if approval else None
    rows = []
    if snapshot:
        rows = [snapshot["province"]] + sorted(
            snapshot["communes_by_pk"].values(), key=lambda row: row["locality_code"]
        )
    return render(
        request,
        "plan_tracker/approval_detail.html",
        {
            "plan": plan,
            "province": province,
            "year": year,
            "approval": shown,
            "snapshot_as_of": snapshot and datetime.date.fromisoformat(snapshot["as_of"]),
            "rows": rows,
            "figure_pairs": SHOWN_FIGURES,
            "steps": approval.steps.select_related("user") if approval else [],
            "allowed": [
                (action, STEP_NAMES[action]) for action in steps_allowed(request.user, shown)
            ]
            if _may_step(request.user, province)
            else [],
        },
    )


def _may_step(user, province) -> bool:
    from localities.permissions import scope_of

    scope = scope_of(user)
    return scope.national or (scope.province_id == province.pk and not scope.commune_id)


@login_required
@require_POST
def approval_step(request, year, pk):
    plan = _plan(request)
    province = _province(request.user, pk)
    action = request.POST.get("action", "")
    url = request.path.rsplit("step/", 1)[0]
    if plan.pk != metrics.default_plan().pk:
        url += f"?plan={plan.pk}"
    if action not in STEP_NAMES:
        messages.error(request, _("Choose a step: submit, approve, return or reopen."))
        return redirect(url)
    try:
        approval = take_step(
            user=request.user,
            action=action,
            plan=plan,
            province=province,
            year=year,
            comment=request.POST.get("comment", ""),
        )
    except OutOfScope:
        raise Http404 from None
    except StepRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The year %(year)s of %(province)s is now: %(state)s.")
            % {"year": year, "province": province.name, "state": approval.get_state_display()},
        )
    return redirect(url)
