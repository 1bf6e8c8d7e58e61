from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, WorkingGroup


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app's own pages, services or imports write (records, derived tables): shown in the
    admin, never added, changed or deleted there. For every app above this one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkingGroupFilter(admin.SimpleListFilter):
    """Rows of the groups whose name holds the text typed: a box, not a list of thousands of groups.

    Subclasses name the path from their model to the group (`group_path`).
    """

    title = _("working group")
    parameter_name = "group"
    group_path = "group"
    template = "admin/working_group_filter.html"

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.query = request.GET

    def lookups(self, request, model_admin):
        return [("", "")]  # the filter shows only when it has a choice; the box is the choice

    def queryset(self, request, queryset):
        text = (self.value() or "").strip()
        for word in text.split()[:5]:
            queryset = queryset.filter(**{f"{self.group_path}__name__icontains": word})
        return queryset

    def choices(self, changelist):
        """One entry, with the rest of the query (other filters, search, order) to keep when the box is sent."""
        others = [
            (name, value)
            for name, values in self.query.lists()
            if name not in (self.parameter_name, "p", "e")
            for value in values
        ]
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "others": others,
            "value": self.value() or "",
        }


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["contact", "role", "joined", "left"]
    autocomplete_fields = ["contact"]
    extra = 0


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "territory", "status", "meetings_per_year"]
    list_filter = ["status", "theme", "territory__level"]
    search_fields = ["name", "theme", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["territory"]
    list_select_related = ["territory"]
    inlines = [MembershipInline]
    actions = ["archive", "reactivate"]

    def has_delete_permission(self, request, obj=None):
        # Groups are archived, never deleted: their meetings and actions are history.
        return False

    @admin.action(description=_("Archive the selected groups"))
    def archive(self, request, queryset):
        updated = queryset.update(status=WorkingGroup.Status.ARCHIVED)
        self.message_user(request, _("%(count)d groups archived.") % {"count": updated})

    @admin.action(description=_("Reactivate the selected groups"))
    def reactivate(self, request, queryset):
        updated = queryset.update(status=WorkingGroup.Status.ACTIVE)
        self.message_user(request, _("%(count)d groups reactivated.") % {"count": updated})


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["contact", "group", "role", "joined", "left"]
    list_filter = ["role", "group__status"]
    search_fields = ["contact__last_name", "contact__first_name", "group__name"]
    autocomplete_fields = ["contact", "group"]
    list_select_related = ["contact", "group"]
