from django.contrib import admin
from django.contrib.admin import actions
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Wekker administration")
admin.site.site_title = _("Wekker")
admin.site.index_title = _("Network administration")


# Django's own label agrees in French with a masculine plural only ("les réunions
# sélectionnés"): the same action, worded for any gender.
@admin.action(permissions=["delete"], description=_("Delete the selection (%(verbose_name_plural)s)"))
def delete_selected(modeladmin, request, queryset):
    return actions.delete_selected(modeladmin, request, queryset)


admin.site.add_action(delete_selected, "delete_selected")
