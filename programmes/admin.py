from django.contrib import admin

from .models import AccessRecord, Funding, MatchingWeights, Membership, Organisation, Programme


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = ["funder", "amount", "starts_on", "ends_on", "target_duos"]
    autocomplete_fields = ["funder"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "operator",
        "region",
        "starts_on",
        "ends_on",
        "duo_length_weeks",
        "meetings_per_month",
    ]
    list_filter = ["region", "operator", "training_required", "coach_assigned"]
    search_fields = ["name", "slug", "operator__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["operator"]
    inlines = [FundingInline]
    list_select_related = ["operator"]


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = [
        "programme",
        "funder",
        "amount",
        "starts_on",
        "ends_on",
        "target_duos",
        "planned_cost_per_duo",
    ]
    list_filter = ["funder", "programme"]
    search_fields = ["programme__name", "funder__name"]
    autocomplete_fields = ["funder", "programme"]
    list_select_related = ["programme", "funder"]


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):
    """Versions are appended, never edited: the history explains past matches."""

    list_display = ["programme", "version", "min_score", "created_at", "created_by"]
    list_filter = ["programme"]
    list_select_related = ["programme", "created_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at", "revoked_at"]
    list_filter = ["role", "organisation", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    filter_horizontal = ["programmes"]
    list_select_related = ["user", "organisation"]


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: the access log is evidence."""

    list_display = ["at", "user", "what", "programme", "fmt", "rows"]
    list_filter = ["what", "programme"]
    search_fields = ["user__email"]
    list_select_related = ["user", "programme"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
