from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import admin_deliveries  # noqa: F401  (registers the Delivery admin)
from .models import Action, AgendaItem, Attendance, Meeting


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["position", "title", "duration_minutes", "presenter", "lever", "is_action_review"]
    autocomplete_fields = ["presenter"]
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ["contact", "answer", "presence", "represented_by"]
    autocomplete_fields = ["contact", "represented_by"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "kind", "starts_at", "status", "minutes_status", "sequence"]
    list_filter = ["status", "kind", "minutes_status", "group__status"]
    search_fields = ["title", "place", "group__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group", "minutes_adopted_in"]
    list_select_related = ["group"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    inlines = [AgendaItemInline, AttendanceInline]
    actions = ["mark_held"]

    @admin.action(description=_("Mark the selected meetings as held"))
    def mark_held(self, request, queryset):
        updated = queryset.exclude(status=Meeting.Status.CANCELLED).update(status=Meeting.Status.HELD)
        self.message_user(request, _("%(count)d meetings marked as held.") % {"count": updated})


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "position", "duration_minutes", "lever"]
    list_filter = ["lever", "is_action_review"]
    search_fields = ["title", "meeting__title", "meeting__group__name"]
    autocomplete_fields = ["meeting", "presenter"]
    list_select_related = ["meeting", "meeting__group"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["contact", "meeting", "answer", "presence", "represented_by"]
    list_filter = ["answer", "presence"]
    search_fields = ["contact__last_name", "contact__first_name", "meeting__title", "meeting__group__name"]
    autocomplete_fields = ["meeting", "contact", "represented_by"]
    list_select_related = ["contact", "meeting", "meeting__group", "represented_by"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "owner", "due_date", "status", "lever", "kind"]
    list_filter = ["status", "lever", "kind", "group__status"]
    search_fields = ["title", "description", "owner__last_name", "group__name"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["group", "meeting", "owner"]
    list_select_related = ["group", "owner"]
    actions = ["mark_done"]

    @admin.action(description=_("Mark the selected actions as done"))
    def mark_done(self, request, queryset):
        updated = queryset.update(status=Action.Status.DONE)
        self.message_user(request, _("%(count)d actions marked as done.") % {"count": updated})

