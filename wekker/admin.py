from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Wekker administration")
admin.site.site_title = _("Wekker")
admin.site.index_title = _("Network administration")
