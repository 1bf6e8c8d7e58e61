"""The admin of the coordinator's office: documents, group messages, spreadsheet exports.

meetings/admin.py imports this module, which registers the admins of documents and group
messages; its export actions are added to the actions' and attendance's admins there.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups import xlsx
from groups.admin import ReadOnlyAdmin

from .actions import export as action_export
from .attendance import export as attendance_export
from .documents import services as documents
from .models import Delivery, Document, GroupMessage


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", _("Live")), ("yes", _("Deleted"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(deleted_at__isnull=self.value() == "no")
        return queryset


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["name", "meeting", "part", "human_size", "uploaded_by", "uploaded_at", "deleted_at"]
    list_filter = ["part", DeletedFilter, "content_type"]
    search_fields = ["name", "meeting__title", "meeting__group__name"]
    list_select_related = ["meeting__group", "uploaded_by"]
    date_hierarchy = "uploaded_at"
    fields = ["name", "download", "meeting", "part", "content_type", "human_size", "uploaded_by", "uploaded_at"]
    fields += ["deleted_at", "deleted_by"]
    readonly_fields = fields
    actions = ["delete_recorded"]

    @admin.display(description=_("size"), ordering="size")
    def human_size(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj.is_deleted:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Download"))

    def has_delete_recorded_permission(self, request):
        return request.user.has_perm("meetings.change_document")

    @admin.action(
        description=_("Delete the selected documents (the deletion is recorded)"), permissions=["delete_recorded"]
    )
    def delete_recorded(self, request, queryset):
        deleted = 0
        for document in queryset.live().select_related("meeting"):
            try:
                deleted += documents.delete_document(document, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{document.name} : {' '.join(error.messages)}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d document deleted.", "%(count)d documents deleted.", deleted) % {"count": deleted},
        )


@admin.register(GroupMessage)
class GroupMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "group", "sent_by", "sent_at", "recipient_count", "sent", "failed"]
    list_filter = [("sent_at", admin.DateFieldListFilter)]
    search_fields = ["subject", "body", "group__name"]
    list_select_related = ["group", "sent_by"]
    date_hierarchy = "sent_at"
    fields = ["group", "subject", "body", "sent_by", "sent_at", "recipient_count", "sent", "failed"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
                failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            )
        )

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count


@admin.action(description=_("Export the selected actions (.xlsx)"))
def export_actions(modeladmin, request, queryset):
    actions = queryset.select_related("group", "owner__organisation", "meeting").order_by("due_date", "pk")
    today = timezone.localdate()
    rows = action_export.rows(actions.iterator(chunk_size=2000), today)
    return xlsx.response(action_export.columns(), rows, title=_("Actions"), filename=f"actions-{today}.xlsx")


@admin.action(description=_("Export the selected attendance rows (.xlsx)"))
def export_attendance(modeladmin, request, queryset):
    rows = queryset.select_related("meeting", "contact__organisation", "represented_by").order_by(
        "meeting__starts_at", "meeting", "contact__organisation__name", "contact__last_name", "contact__first_name"
    )
    register = ((row.meeting, row) for row in rows.iterator(chunk_size=2000))
    today = timezone.localdate()
    return xlsx.response(
        attendance_export.columns(),
        attendance_export.rows(register),
        title=_("Attendance"),
        filename=f"presences-{today}.xlsx",
    )
