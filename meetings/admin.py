from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.admin import ReadOnlyAdmin, WorkingGroupFilter

from . import admin_deliveries  # noqa: F401  (registers the Delivery admin)
from .admin_office import export_actions, export_attendance  # and registers the office's admins
from .models import (
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingChange,
    MinutesCorrection,
    ReminderChange,
    ReminderMark,
)
from .planning import services, timing


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


class MeetingAdminForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = "__all__"  # noqa: DJ007 – the admin's fieldsets choose the fields; this form adds checks

    def clean(self):
        cleaned = super().clean()
        for name in ("starts_at", "ends_at"):
            value = cleaned.get(name)
            if value is not None and not timing.FIRST_YEAR <= value.year <= timing.LAST_YEAR:
                bounds = {"first": timing.FIRST_YEAR, "last": timing.LAST_YEAR}
                self.add_error(name, _("Choose a day between %(first)s and %(last)s.") % bounds)
        starts_at = cleaned.get("starts_at")
        if starts_at is not None and not services.may_be_held(cleaned.get("status"), starts_at):
            self.add_error("status", services.HELD_TOO_EARLY)
        cancelling = cleaned.get("status") == Meeting.Status.CANCELLED and "status" in self.changed_data
        if cancelling and self.instance.pk and services.has_begun(Meeting.objects.get(pk=self.instance.pk)):
            self.add_error("status", services.CANCEL_TOO_LATE)
        return cleaned


class MeetingGroupFilter(WorkingGroupFilter):
    group_path = "meeting__group"


class GroupStatusFilter(admin.ChoicesFieldListFilter):
    """The group's status, titled so that it is not taken for the meeting's own "statut"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("group status")


# What calendars and reminders follow: changed through services.reschedule / cancel.
SCHEDULE_FIELDS = ["starts_at", "ends_at", "all_day", "place", "video_url", "status"]
# Frozen once the minutes are adopted, here as on the minutes page.
MINUTES_FIELDS = [
    "minutes",
    "minutes_status",
    "minutes_updated_at",
    "minutes_sent_at",
    "minutes_adopted_at",
    "minutes_adopted_in",
]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    form = MeetingAdminForm
    # Five columns: they fit beside the filters at 1280 px (kind and sequence are on each page).
    list_display = ["title", "group", "starts_at", "status", "minutes_state"]
    list_filter = ["status", "kind", "minutes_status", WorkingGroupFilter, ("group__status", GroupStatusFilter)]
    search_fields = ["title", "place", "group__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group", "minutes_adopted_in"]
    list_select_related = ["group"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    inlines = [AgendaItemInline, AttendanceInline]
    actions = ["mark_held"]

    @admin.display(description=_("minutes"), ordering="minutes_status")
    def minutes_state(self, obj):
        return obj.get_minutes_status_display()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.minutes_frozen:
            fields += MINUTES_FIELDS
        elif obj is not None and obj.minutes_status == Meeting.MinutesStatus.SENT:
            fields.append("minutes")  # sent minutes change through a correction on the minutes page, mailed
        return fields

    def save_model(self, request, obj, form, change):
        """A new time, place, link or status goes through the services: sequence, change record, mails.

        Saved unchanged, nothing is written (not even `updated_at`, which calendars read)."""
        if change and not form.changed_data:
            return None
        if change and "minutes" in form.changed_data:
            obj.minutes_updated_at = timezone.now()
        moved = set(form.changed_data) & set(SCHEDULE_FIELDS)
        if not change or not moved:
            return super().save_model(request, obj, form, change)
        wanted = {name: form.cleaned_data[name] for name in SCHEDULE_FIELDS}
        before = Meeting.objects.get(pk=obj.pk)
        for name in SCHEDULE_FIELDS:
            setattr(obj, name, getattr(before, name))
        super().save_model(request, obj, form, change)  # everything else, as typed
        cancelling = wanted["status"] == Meeting.Status.CANCELLED
        if not cancelling or moved - {"status"}:
            services.reschedule(
                obj,
                starts_at=wanted["starts_at"],
                ends_at=wanted["ends_at"],
                all_day=wanted["all_day"],
                place=wanted["place"],
                video_url=wanted["video_url"],
                title=obj.title,
                kind=obj.kind,
                status=None if cancelling else wanted["status"],
                by=request.user,
            )
        if cancelling:
            services.cancel(obj, by=request.user)
        obj.refresh_from_db()

    @admin.action(description=_("Mark the selected meetings as held"))
    def mark_held(self, request, queryset):
        # A meeting that has not started cannot be held: its reminders would stop.
        updated = (
            queryset.exclude(status=Meeting.Status.CANCELLED)
            .filter(starts_at__lte=timezone.now())
            .update(status=Meeting.Status.HELD)
        )
        self.message_user(request, _("%(count)d meetings marked as held.") % {"count": updated})


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "position", "duration_minutes", "lever"]
    list_filter = ["lever", "is_action_review", MeetingGroupFilter]
    search_fields = ["title", "meeting__title", "meeting__group__name"]
    autocomplete_fields = ["meeting", "presenter"]
    list_select_related = ["meeting", "meeting__group"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["contact", "meeting", "answer", "presence", "represented_by"]
    list_filter = ["answer", "presence", MeetingGroupFilter]
    search_fields = ["contact__last_name", "contact__first_name", "meeting__title", "meeting__group__name"]
    autocomplete_fields = ["meeting", "contact", "represented_by"]
    list_select_related = ["contact", "meeting", "meeting__group", "represented_by"]
    actions = [export_attendance]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "owner", "due_date", "status", "lever", "kind"]
    list_filter = ["status", "lever", "kind", WorkingGroupFilter, ("group__status", GroupStatusFilter)]
    search_fields = ["title", "description", "owner__last_name", "group__name"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["group", "meeting", "owner"]
    list_select_related = ["group", "owner"]
    actions = ["mark_done", export_actions]

    @admin.action(description=_("Mark the selected actions as done"))
    def mark_done(self, request, queryset):
        updated = queryset.update(status=Action.Status.DONE)
        self.message_user(request, _("%(count)d actions marked as done.") % {"count": updated})


@admin.register(MeetingChange)
class MeetingChangeAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "sequence", "changed_at", "changed_by"]
    search_fields = ["meeting__title", "meeting__group__name"]
    list_select_related = ["meeting__group", "changed_by"]
    date_hierarchy = "changed_at"


@admin.register(MinutesCorrection)
class MinutesCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "number", "corrected_at", "corrected_by", "reason"]
    search_fields = ["meeting__title", "meeting__group__name", "reason"]
    list_select_related = ["meeting__group", "corrected_by"]
    date_hierarchy = "corrected_at"


@admin.register(ReminderMark)
class ReminderMarkAdmin(ReadOnlyAdmin):
    """Where the reminders' plan stands: to see that passes run (written by each pass only)."""

    list_display = ["checked_through", "full_check_at"]


@admin.register(ReminderChange)
class ReminderChangeAdmin(ReadOnlyAdmin):
    """Writes waiting for the next pass's full check (inserted by database triggers only)."""

    list_display = ["table", "at"]
    list_filter = ["table"]
