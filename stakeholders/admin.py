from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Contact, Organisation


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["first_name", "last_name", "job_title", "email", "phone", "is_archived"]
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "territory", "contact_count", "is_archived"]
    list_filter = ["kind", "is_archived", "sector", "territory__level"]
    search_fields = ["name", "notes"]
    autocomplete_fields = ["sector", "territory"]
    inlines = [ContactInline]
    actions = ["archive"]

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("sector", "territory")
            .annotate(_contact_count=Count("contacts"))
        )

    @admin.display(description=_("contacts"), ordering="_contact_count")
    def contact_count(self, obj):
        return obj._contact_count

    @admin.action(description=_("Archive the selected organisations"))
    def archive(self, request, queryset):
        updated = queryset.update(is_archived=True)
        self.message_user(request, _("%(count)d organisations archived.") % {"count": updated})


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "organisation",
        "job_title",
        "email",
        "has_login",
        "is_role_model",
        "is_archived",
    ]
    list_filter = ["is_role_model", "is_archived", "organisation__kind"]
    search_fields = ["last_name", "first_name", "email", "organisation__name", "job_title"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation"]
    readonly_fields = ["feed_token", "created_at", "updated_at"]
    actions = ["archive"]

    @admin.display(description=_("login"), boolean=True, ordering="user")
    def has_login(self, obj):
        return obj.user_id is not None

    @admin.action(description=_("Archive the selected contacts"))
    def archive(self, request, queryset):
        updated = queryset.update(is_archived=True)
        self.message_user(request, _("%(count)d contacts archived.") % {"count": updated})
