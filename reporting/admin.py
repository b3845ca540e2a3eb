from django.contrib import admin

from .models import RateSnapshot


@admin.register(RateSnapshot)
class RateSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are append-only: read them here, never edit them."""

    list_display = ["programme", "version", "computed_at", "trigger"]
    list_filter = ["programme", "trigger"]
    list_select_related = ["programme"]
    date_hierarchy = "computed_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
