"""Django admin, scoped like every other screen: a staff user sees and changes only the records
of their area (restrict()), ministry staff only read, and the reporter's identity is absent."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from localities.forms import UnseenReportKept
from localities.models import (
    Activity,
    Assignment,
    Case,
    ConcurrentEditError,
    Establishment,
    IdentityAccess,
    Inspection,
    Locality,
    LocalityConversion,
    Report,
    ReportExtension,
    ReportKind,
)
from localities.permissions import can_write, is_administrator, scope_of
from localities.services import record_save


class ScopedAdminMixin:
    """Permissions from the assignment, not Django's per-model permissions: the roles of
    plan-rules §8 are the only rights there are."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and not scope_of(request.user).empty

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request) and can_write(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and can_write(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class VersionedAdminForm(forms.ModelForm):
    """A record's change form carries the version it was loaded at, as the site's forms do: a
    record saved by someone else since is refused, not overwritten."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    @property
    def expected_version(self) -> int | None:
        if not self.instance.pk:
            return None
        version = self.cleaned_data.get("loaded_version")
        # A change posted without its version cannot prove it saw the latest data.
        return version if version is not None else -1

    def clean(self):
        cleaned_data = super().clean()
        # The instance was just reloaded: a saved change since the form was loaded shows here,
        # with the user's input kept. save_checked() refuses one saved in between as well.
        if self.instance.pk and self.expected_version != self.instance.version:
            raise ConcurrentEditError()
        return cleaned_data


class ScopedRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Records: restricted querysets, locality drop-downs restricted, saves through the
    service (validation, version check and bump, scope re-check after the write)."""

    form = VersionedAdminForm

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Locality:
            places = Locality.objects.restrict(request.user).current()
            if db_field.name == "commune":
                places = places.communes()
            kwargs["queryset"] = places.order_by("-level", "code")
        elif hasattr(db_field.related_model.objects, "restrict"):
            kwargs["queryset"] = db_field.related_model.objects.restrict(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The version is checked against the one the form was loaded at, and bumped, so forms
        # open on the site see the admin's change and the admin never overwrites theirs.
        record_save(user=request.user, record=obj, expected_version=form.expected_version)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConcurrentEditError as error:
            # Saved by someone else between the form's check and the write: the whole change
            # was undone; the form is opened again at the new version.
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())

    def _lock_refusal(self, objs) -> str | None:
        """Why deleting `objs` would change a submitted or approved year, or None."""
        for obj in objs:
            try:
                obj.refuse_if_locked(deleting=True)
            except ValidationError as refusal:
                return refusal.messages[0]
        return None

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_queryset(request).filter(pk=object_id).first()
        refusal = obj is not None and self._lock_refusal([obj])
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(
                reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        obj.refuse_if_locked(deleting=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        refusal = self._lock_refusal(queryset)
        if refusal:
            raise ValidationError(refusal, code="year_locked")
        super().delete_queryset(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            action, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_unless_locked(action), name, description)
        return actions

    def revert_disabled(self, request, obj=None):
        # A revert would skip validation and the version check: edit the record instead.
        return True

    def _in_scope_or_404(self, request, object_id):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # SimpleHistoryAdmin falls back to the history rows when the object is not in the
        # queryset: that would show another area's record. Refuse first.
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _unless_locked(delete_selected):
    """The admin's bulk deletion, refused with the approval's message when one of the chosen
    records is of a submitted or approved year."""

    def action(modeladmin, request, queryset):
        refusal = modeladmin._lock_refusal(queryset)
        if refusal:
            messages.error(request, refusal)
            return None
        return delete_selected(modeladmin, request, queryset)

    return action


@admin.register(Establishment)
class EstablishmentAdmin(ScopedRecordAdmin):
    list_display = ["code", "name", "line", "commune", "opened_on", "closed_on", "in_scope"]
    list_filter = ["line", "in_scope"]
    search_fields = ["code", "name", "address"]
    list_select_related = ["commune"]
    readonly_fields = ["locality_code_given", "version"]


@admin.register(Inspection)
class InspectionAdmin(ScopedRecordAdmin):
    list_display = ["inspected_on", "establishment", "team", "outcome", "fine_vnd"]
    list_filter = ["outcome", "team"]
    search_fields = ["establishment__code", "establishment__name"]
    list_select_related = ["establishment"]
    raw_id_fields = ["establishment"]
    readonly_fields = ["version"]
    date_hierarchy = "inspected_on"


class ReportExtensionInline(admin.TabularInline):
    """The report's extension decisions, to read: they are written through the report's forms
    and imports only (services.report_extensions_record checks each one)."""

    model = ReportExtension
    fields = ["sequence", "extended_until", "decided_on", "decision_no", "decided_by", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ScopedRecordAdmin):
    inlines = [ReportExtensionInline]
    list_display = ["reference", "kind", "locality", "received_on", "deadline", "handled_on"]
    list_filter = ["kind", "outcome"]
    search_fields = ["reference", "summary"]
    list_select_related = ["kind", "locality"]
    readonly_fields = ["deadline", "locality_code_given", "version"]
    date_hierarchy = "received_on"


class CaseAdminForm(UnseenReportKept, VersionedAdminForm):
    """The report is offered from the viewer's area only (formfield_for_foreignkey), and one
    outside it is neither shown nor lost (UnseenReportKept)."""

    viewer = None  # the request's user, set by CaseAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hide_unseen_report(self.viewer)

    def clean(self):
        return self.keep_unseen_report(super().clean())


@admin.register(Case)
class CaseAdmin(ScopedRecordAdmin):
    form = CaseAdminForm
    list_display = ["reference", "article", "locality", "opened_on", "handled_on", "modus"]
    list_filter = ["article", "modus", "foreign_element", "minors_involved", "line_dismantled"]
    search_fields = ["reference", "summary"]
    list_select_related = ["locality"]
    raw_id_fields = ["report"]
    readonly_fields = ["locality_code_given", "version"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"viewer": request.user})


@admin.register(Activity)
class ActivityAdmin(ScopedRecordAdmin):
    list_display = ["reference", "held_on", "commune", "kind", "form", "audience", "people_reached"]
    list_filter = ["kind", "form", "audience"]
    search_fields = ["reference", "title", "notes"]
    list_select_related = ["commune"]
    readonly_fields = ["locality_code_given", "version"]
    date_hierarchy = "held_on"


class AdministratorOnlyMixin(ScopedAdminMixin):
    """Reference data and users' rights: everyone on the admin may look, administrators edit."""

    def has_add_permission(self, request):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)


@admin.register(Locality)
class LocalityAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "name", "scheme", "level", "province", "successor"]
    list_filter = ["scheme", "level"]
    search_fields = ["code", "name"]
    list_select_related = ["province", "successor"]
    raw_id_fields = ["province", "successor"]

    def get_queryset(self, request):
        # The old scheme is shown too: it is public reference data, not a record.
        qs = super().get_queryset(request)
        if scope_of(request.user).national:
            return qs
        mine = Locality.objects.restrict(request.user).values("pk")
        return qs.filter(Q(pk__in=mine) | Q(scheme="2004"))


@admin.register(LocalityConversion)
class LocalityConversionAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ["old", "new", "is_default"]
    search_fields = ["old__code", "old__name", "new__code", "new__name"]
    list_select_related = ["old", "new"]
    raw_id_fields = ["old", "new"]


@admin.register(ReportKind)
class ReportKindAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "base_days", "max_days", "max_months", "position"]


@admin.register(Assignment)
class AssignmentAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "role", "locality"]
    list_filter = ["role"]
    search_fields = ["user__username", "locality__name", "locality__code"]
    list_select_related = ["user", "locality"]
    raw_id_fields = ["locality"]

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_module_permission(self, request):
        return is_administrator(request.user)


@admin.register(IdentityAccess)
class IdentityAccessAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """The log of looks at reporters' identities (who, which report, when): never the identity.
    Read-only: a log that can be edited proves nothing."""

    list_display = ["at", "user", "report", "action"]
    list_filter = ["action"]
    list_select_related = ["user", "report"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(report__in=Report.objects.restrict(request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ReporterIdentity is deliberately not registered: it is a state secret (plan-rules §5).
