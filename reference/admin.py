from django.contrib import admin

from .models import Domain, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "nomenclature", "family_code"]
    list_filter = ["nomenclature"]
    search_fields = ["code", "label"]
