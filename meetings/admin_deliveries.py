"""The admin of deliveries: what was sent, what is pending, what failed, and a resend action.

meetings/admin.py imports this module, which registers DeliveryAdmin.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import reminders
from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "contact", "meeting", "offset_days", "status", "attempts", "due_at", "sent_at", "error")
    list_filter = ("status", "kind", "offset_days", ("due_at", admin.DateFieldListFilter))
    search_fields = (
        "contact__first_name",
        "contact__last_name",
        "contact__email",
        "meeting__title",
        "meeting__group__name",
        "last_error",
    )
    list_select_related = ("contact", "meeting__group")
    date_hierarchy = "due_at"
    ordering = ("-due_at", "-pk")
    actions = ["resend"]
    readonly_fields = [field.name for field in Delivery._meta.fields]
    list_per_page = 50

    @admin.display(description=_("last error"))
    def error(self, obj):
        return (obj.last_error or "")[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only; the resend action needs it.
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Resend the selected messages now"), permissions=["change"])
    def resend(self, request, queryset):
        result = reminders.resend(list(queryset.values_list("pk", flat=True)))
        if result.sent:
            self.message_user(
                request,
                ngettext("%(count)d message sent.", "%(count)d messages sent.", len(result.sent))
                % {"count": len(result.sent)},
                messages.SUCCESS,
            )
        problems = result.failed + result.retrying + result.dropped
        if problems:
            self.message_user(
                request,
                ngettext("%(count)d message not sent.", "%(count)d messages not sent.", len(problems))
                % {"count": len(problems)}
                + " "
                + "; ".join(sorted({d.last_error.splitlines()[-1] for d in problems if d.last_error})),
                messages.WARNING,
            )
