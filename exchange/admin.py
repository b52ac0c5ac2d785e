"""Django admin of the exchange: API tokens and the export log, both made by the app itself
(a token by its user on the API tokens page, a log row by each export), never added here."""

from django.contrib import admin

from exchange.models import ApiToken, ExportLog


class MadeByTheAppAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(MadeByTheAppAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    # The hash is never shown or edited; a token is created by its user on the API tokens page.
    fields = ["user", "name", "prefix", "created", "last_used", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created", "last_used"]


@admin.register(ExportLog)
class ExportLogAdmin(MadeByTheAppAdmin):
    list_display = ["at", "user", "what", "file_format", "row_count", "filters"]
    list_filter = ["what", "file_format"]
    search_fields = ["user__username"]
    date_hierarchy = "at"

    # Read only: a log that can be edited proves nothing.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
