"""Plans and their targets: data an administrator edits (plan-rules §1), nobody else; the
years' approvals and their steps, which an administrator reads here and nobody writes."""

from django import forms
from django.contrib import admin
from django.db import transaction

from localities.models import Locality
from localities.permissions import is_administrator
from plan_tracker.approvals import ApprovalStep, YearApproval
from plan_tracker.models import Plan, Target


class AdministratorsOnly:
    """Ministry staff and officers may read the figures, never change what they measure."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, *args):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class TargetInline(AdministratorsOnly, admin.TabularInline):
    model = Target
    extra = 0
    fields = ("metric", "threshold", "applies_to", "description")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "name",
            "name_en",
            "province",
            "document_number",
            "document_date",
            "issuing_body",
            "description",
            "first_year",
            "last_year",
            "is_default",
        ]

    def _get_validation_exclusions(self):
        # "One default plan" is kept by save_model (the previous default is unset in the same
        # transaction), so the form must not refuse a new default beforehand.
        exclude = super()._get_validation_exclusions()
        exclude.add("is_default")
        return exclude


@admin.register(Plan)
class PlanAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = PlanForm
    list_display = ("__str__", "province", "first_year", "last_year", "is_default", "decision")
    list_filter = ("is_default", "first_year")
    inlines = [TargetInline]

    def save_model(self, request, obj, form, change):
        # One default plan: making this one the default unsets the previous one first.
        with transaction.atomic():
            if obj.is_default:
                Plan.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
            super().save_model(request, obj, form, change)


class ReadOnly:
    """Seen in the admin, never written there: every step of a year's approval goes through
    plan_tracker.approvals.take_step (who may take it, from which state, its snapshot and its
    history), which an admin form would bypass."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApprovalStepInline(ReadOnly, admin.TabularInline):
    model = ApprovalStep
    extra = 0
    fields = ("at", "action", "user", "from_state", "to_state", "comment")
    readonly_fields = fields
    ordering = ("at", "pk")


class ProvinceFilter(admin.RelatedOnlyFieldListFilter):
    """The provinces that have an approval, by their code."""

    def field_choices(self, field, request, model_admin):
        pks = model_admin.get_queryset(request).values_list("province_id", flat=True).distinct()
        return [
            (province.pk, f"{province.code} {province.name}")
            for province in Locality.objects.filter(pk__in=pks).order_by("code")
        ]


@admin.register(YearApproval)
class YearApprovalAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("province", "year", "plan", "state", "submitted_at", "decided_at")
    list_filter = ("state", "year", ("province", ProvinceFilter), "plan")
    list_select_related = ("province", "plan")
    search_fields = ("province__name", "province__short_name", "province__code")
    inlines = [ApprovalStepInline]
    fields = (
        "plan",
        "province",
        "year",
        "state",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "snapshot",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)
