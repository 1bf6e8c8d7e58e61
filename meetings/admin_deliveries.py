"""The admin of deliveries: what was sent, what is pending, what failed, and a resend action.

meetings/admin.py imports this module, which registers DeliveryAdmin. A delivery is a
record of the dispatch: the admin reads it (no "Save" on its page) and may resend it.
"""

from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery
from .notices import dispatch

# What identifies the message, by kind (the rest of the row is the same for every kind).
KIND_FIELDS = {
    Delivery.Kind.REMINDER: ["offset_days", "meeting_starts_at"],
    Delivery.Kind.UPDATE: ["meeting_sequence"],
    Delivery.Kind.CANCELLATION: ["meeting_sequence"],
    Delivery.Kind.DIGEST: ["period"],
    Delivery.Kind.MESSAGE: ["message"],
    Delivery.Kind.POLL_INVITATION: ["ref"],
    Delivery.Kind.POLL_REMINDER: ["ref"],
    Delivery.Kind.POLL_CLOSED: ["ref"],
    Delivery.Kind.POLL_REOPENED: ["ref"],
}


class StateFilter(admin.SimpleListFilter):
    """The status, with pending split in two: waiting for its first attempt, or retrying after a failure."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Pending")),
            ("retrying", _("Retrying")),
            (Delivery.Status.SENT, _("Sent")),
            (Delivery.Status.FAILED, _("Failed")),
            (Delivery.Status.EXPIRED, _("Expired")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "waiting":
            return queryset.filter(status=Delivery.Status.PENDING, last_error="")
        if value == "retrying":
            return queryset.filter(status=Delivery.Status.PENDING).exclude(last_error="")
        if value in Delivery.Status.values:
            return queryset.filter(status=value)
        return queryset


def _moment(value):
    return formats.date_format(timezone.localtime(value), "j F Y, H:i") if value else "—"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    # Six short columns: they fit beside the filters at 1280 px.
    list_display = ("kind", "contact", "meeting_short", "state", "when", "error")
    list_filter = (StateFilter, "kind", "offset_days", ("due_at", admin.DateFieldListFilter))
    search_fields = (
        "contact__first_name",
        "contact__last_name",
        "contact__email",
        "meeting__title",
        "meeting__group__name",
        "ref",
        "last_error",
    )
    list_select_related = ("contact", "meeting__group", "message")
    date_hierarchy = "due_at"
    ordering = ("-due_at", "-pk")
    actions = ["resend"]
    list_per_page = 50

    @admin.display(description=_("meeting"), ordering="meeting__starts_at")
    def meeting_short(self, obj):
        """The meeting, or the group message, the mail is about."""
        if obj.message_id:
            return truncatechars(str(obj.message), 40)
        return truncatechars(str(obj.meeting), 40) if obj.meeting_id else "—"

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        """Failed, expired and retrying apart: a pending row that failed before is being retried."""
        if obj.status == Delivery.Status.PENDING and obj.last_error:
            return _("Retrying (attempt %(number)d)") % {"number": obj.attempts + 1}
        return obj.get_status_display()

    @admin.display(description=_("date"), ordering="due_at")
    def when(self, obj):
        """When it left, or when the next attempt is due; nothing for a failure (the error says why)."""
        if obj.status == Delivery.Status.SENT:
            return _("sent %(moment)s") % {"moment": _moment(obj.sent_at)}
        if obj.status == Delivery.Status.PENDING:
            return _("next attempt %(moment)s") % {"moment": _moment(obj.due_at)}
        return "—"

    @admin.display(description=_("next attempt"))
    def next_attempt(self, obj):
        return _moment(obj.due_at)

    @admin.display(description=_("error"))
    def error(self, obj):
        return truncatechars(obj.last_error or "", 60)

    def get_fields(self, request, obj=None):
        fields = ["kind", "status", "contact", "meeting"]
        if obj is not None:
            fields += KIND_FIELDS.get(obj.kind, [])
            # due_at means "next attempt" while pending; once sent, the time it left is what counts.
            if obj.status == Delivery.Status.PENDING:
                fields.append("next_attempt")
            elif obj.status == Delivery.Status.SENT:
                fields.append("sent_at")
        return [*fields, "attempts", "last_error", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A record of what the dispatch did: read, never edited (no "Save" buttons).
        return False

    def has_resend_permission(self, request):
        """Resending needs the model's change permission, which staff with view only lack."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {"title": _("Delivery details"), **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Mail deliveries"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Resend the selected messages now"), permissions=["resend"])
    def resend(self, request, queryset):
        result = dispatch.resend(list(queryset.values_list("pk", flat=True)))
        if result.sent:
            self.message_user(
                request,
                ngettext("%(count)d message sent.", "%(count)d messages sent.", len(result.sent))
                % {"count": len(result.sent)},
                messages.SUCCESS,
            )
        if result.busy:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message is being sent by the dispatcher right now: left to it.",
                    "%(count)d messages are being sent by the dispatcher right now: left to it.",
                    len(result.busy),
                )
                % {"count": len(result.busy)},
                messages.WARNING,
            )
        problems = result.failed + result.expired + result.retrying + result.dropped
        if problems:
            self.message_user(
                request,
                ngettext("%(count)d message not sent.", "%(count)d messages not sent.", len(problems))
                % {"count": len(problems)}
                + " "
                + "; ".join(sorted({d.last_error.splitlines()[-1] for d in problems if d.last_error})),
                messages.WARNING,
            )
