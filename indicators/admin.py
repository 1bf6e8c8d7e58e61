import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import Domain, IndicatorImport, Observation, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "nomenclature", "family_code"]
    list_filter = ["nomenclature"]
    search_fields = ["code", "label"]


@admin.register(IndicatorImport)
class IndicatorImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "imported_at", "imported_by", "rows_added", "rows_changed", "rows_unchanged"]
    list_select_related = ["imported_by"]
    search_fields = ["file_name"]
    readonly_fields = ["imported_at"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["year", "month", "territory", "domain", "stage", "women", "men", "unknown", "is_fictitious"]
    list_filter = ["stage", "is_fictitious", "domain__nomenclature", "year"]
    search_fields = ["territory__code", "territory__name", "domain__code"]
    autocomplete_fields = ["territory", "domain"]
    list_select_related = ["territory", "domain"]
    show_full_result_count = False
    actions = ["export_csv"]

    @admin.action(description=_("Export the selected observations as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="observations.csv"'
        writer = csv.writer(response)
        writer.writerow(["period", "territory", "nomenclature", "domain", "stage", "women", "men", "unknown"])
        for obs in queryset.select_related("territory", "domain").iterator():
            writer.writerow(
                [obs.period, obs.territory.code, obs.domain.nomenclature, obs.domain.code, obs.stage,
                 obs.women, obs.men, obs.unknown]
            )
        return response
