from django.contrib import admin

from exchange.models import ApiToken, ExportLog


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    # The hash is never shown or edited; a token is created by its user on the API tokens page.
    fields = ["user", "name", "prefix", "created", "last_used", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created", "last_used"]

    def has_add_permission(self, request):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "what", "file_format", "row_count", "filters"]
    list_filter = ["what", "file_format"]
    search_fields = ["user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
