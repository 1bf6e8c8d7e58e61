from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, WorkingGroup


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
