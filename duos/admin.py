"""Admin for participants; duos, meetings and outcomes are read-only here:
their writes go through the services (capacity lock, rules, audit)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from duos.models import Duo, Meeting, Mentee, Mentor, Outcome


class ParticipantAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "ref",
        "programme",
        "status",
        "municipality",
        "education_level",
        "created_at",
    ]
    list_filter = ["programme", "status", "gender", "education_level"]
    search_fields = ["ref", "first_name", "last_name", "email", "municipality", "postcode"]
    list_select_related = ["programme"]
    readonly_fields = ["uuid", "created_at", "updated_at", "status_changed_at"]
    date_hierarchy = "created_at"


@admin.register(Mentee)
class MenteeAdmin(ParticipantAdmin):
    list_filter = [
        *ParticipantAdmin.list_filter,
        "employment_status_at_entry",
        "age_band_at_entry",
        "priority",
    ]
    search_fields = [*ParticipantAdmin.search_fields, "jobseeker_ref"]


@admin.register(Mentor)
class MentorAdmin(ParticipantAdmin):
    list_display = [*ParticipantAdmin.list_display, "capacity", "training_completed_on"]
    search_fields = [*ParticipantAdmin.search_fields, "profession"]
    autocomplete_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MeetingInline(admin.TabularInline):
    model = Meeting
    fields = ["date", "minutes", "mode", "topics", "logged_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OutcomeInline(MeetingInline):
    model = Outcome
    fields = ["point", "date", "status", "contract_type", "source", "recorded_by"]
    readonly_fields = fields


@admin.register(Duo)
class DuoAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "programme",
        "status",
        "started_on",
        "planned_end_on",
        "ended_on",
        "end_reason",
        "coach",
    ]
    list_filter = ["programme", "status", "end_reason"]
    search_fields = ["mentee__ref", "mentee__last_name", "mentor__ref", "mentor__last_name"]
    list_select_related = ["programme", "mentee", "mentor", "coach"]
    date_hierarchy = "started_on"
    inlines = [OutcomeInline, MeetingInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["duo", "date", "minutes", "mode", "logged_by", "created_at"]
    list_filter = ["mode", "duo__programme"]
    search_fields = ["duo__mentee__ref", "duo__mentor__ref"]
    list_select_related = ["duo__mentee", "duo__mentor", "logged_by"]
    date_hierarchy = "date"


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["duo", "point", "date", "status", "contract_type", "source"]
    list_filter = ["point", "status", "source", "duo__programme"]
    search_fields = ["duo__mentee__ref"]
    list_select_related = ["duo__mentee", "duo__mentor"]
    date_hierarchy = "date"


admin.site.site_header = _("Duo administration")
admin.site.site_title = _("Duo")
