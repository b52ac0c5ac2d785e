"""The pages that list, show, create and edit plans and their targets.

Who (PlanQuerySet.restrict): ministry staff and administrators read every plan, an officer the
national plans and their province's; administrators manage every plan, a provincial officer
their own province's (another province's plan answers 404, a national one too when asked to
edit it). Every save keeps the history (django-simple-history) and refuses a concurrent edit
(the plan's version)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from localities.models import ConcurrentEditError
from localities.permissions import CHANGE, Role, role_of, scope_of
from localities.views.base import add_model_errors
from localities.views.history import history_of
from plan_tracker.models import METRIC_EXPLAINED, Plan
from plan_tracker.plan_forms import PlanForm, TargetFormSet, metrics_explained


def creatable_province(user):
    """(may create, the province their plans belong to: None for an administrator)."""
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return True, None
    if role == Role.PROVINCIAL_OFFICER:
        from localities.models import Locality

        return True, Locality.objects.get(pk=scope_of(user).province_id)
    return False, None


@login_required
def plan_list(request):
    plans = (
        Plan.objects.restrict(request.user)
        .select_related("province")
        .prefetch_related("targets")
        .order_by("-last_year", "-first_year", "province__code", "pk")
    )
    managed = set(Plan.objects.restrict(request.user, CHANGE).values_list("pk", flat=True))
    may_create, _province = creatable_province(request.user)
    return render(
        request,
        "plan_tracker/plans/list.html",
        {"plans": plans, "managed": managed, "may_create": may_create},
    )


@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(Plan.objects.restrict(request.user).select_related("province"), pk=pk)
    targets = [
        {"target": t, "explained": METRIC_EXPLAINED.get(t.metric, "")} for t in plan.targets.all()
    ]
    return render(
        request,
        "plan_tracker/plans/detail.html",
        {
            "plan": plan,
            "targets": targets,
            "may_edit": Plan.objects.restrict(request.user, CHANGE).filter(pk=plan.pk).exists(),
            "history": history_of(plan),
            "target_history": [(target, history_of(target)) for target in plan.targets.all()],
        },
    )


@login_required
def plan_create(request):
    may_create, province = creatable_province(request.user)
    if not may_create:
        raise PermissionDenied(_("Your role can read the plans but not record them."))
    return _edit(request, Plan(), province, creating=True)


@login_required
def plan_edit(request, pk):
    plan = get_object_or_404(Plan.objects.restrict(request.user, CHANGE), pk=pk)
    _may, province = creatable_province(request.user)
    return _edit(request, plan, province, creating=False)


def _edit(request, plan, province, *, creating):
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan, province=province)
    targets = TargetFormSet(data, instance=plan, prefix="targets")
    if data is not None and form.is_valid() and targets.is_valid():
        try:
            with transaction.atomic():
                saved = form.save(commit=False)
                saved.save_checked(expected_version=form.expected_version)
                targets.instance = saved
                for target in targets.save(commit=False):
                    target.full_clean()
                    target.save()
                for gone in targets.deleted_objects:
                    gone.delete()
        except ConcurrentEditError as error:
            form.add_error(None, error)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("The plan %(plan)s was saved.") % {"plan": saved})
            return redirect("plan_detail", saved.pk)
    title = _("Record a plan") if creating else _("Edit %(plan)s") % {"plan": plan}
    return render(
        request,
        "plan_tracker/plans/form.html",
        {
            "form": form,
            "targets": targets,
            "title": title,
            "plan": None if creating else plan,
            "explained": metrics_explained(),
            "cancel_url": reverse("plan_list")
            if creating
            else reverse("plan_detail", args=[plan.pk]),
        },
    )
