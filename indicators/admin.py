from django.contrib import admin

from .models import Domain, IndicatorImport, Observation, Territory


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


@admin.register(IndicatorImport)
class IndicatorImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "imported_by", "file_name", "rows_added", "rows_changed", "rows_unchanged"]
    list_select_related = ["imported_by"]
    date_hierarchy = "imported_at"
    search_fields = ["file_name"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["year", "month", "territory", "domain", "stage", "women", "men", "unknown", "is_fictitious"]
    list_filter = ["year", "stage", "is_fictitious", "domain__nomenclature"]
    list_select_related = ["territory", "domain"]
    search_fields = ["territory__code", "domain__code"]
    raw_id_fields = ["territory", "domain", "source"]
    show_full_result_count = False  # a million rows: no COUNT(*) on every page
