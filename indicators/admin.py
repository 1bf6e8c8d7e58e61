import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import IndicatorImport, Observation
from .views import escape_cell


@admin.register(IndicatorImport)
class IndicatorImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "imported_by", "file_name", "rows_added", "rows_changed", "rows_unchanged"]
    list_select_related = ["imported_by"]
    date_hierarchy = "imported_at"
    search_fields = ["file_name"]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    # Codes rather than names (the name shows on hover), fictitious as a filter: the columns fit at 1280 px.
    list_display = ["year", "month", "territory_code", "domain_code", "stage", "women", "men", "unknown"]
    list_filter = ["year", "stage", "is_fictitious", "domain__nomenclature"]
    list_select_related = ["territory", "domain"]
    search_fields = ["territory__code", "domain__code"]
    raw_id_fields = ["territory", "domain", "source"]
    show_full_result_count = False  # a million rows: no COUNT(*) on every page
    actions = ["export_csv"]

    @admin.display(description=_("territory"), ordering="territory__code")
    def territory_code(self, obj):
        return format_html('<span title="{}">{}</span>', obj.territory.name, obj.territory.code)

    @admin.display(description=_("domain"), ordering="domain__code")
    def domain_code(self, obj):
        return format_html('<span title="{}">{}</span>', obj.domain.label, obj.domain.code)

    @admin.action(description=_("Export the selected observations as CSV"))
    def export_csv(self, request, queryset):
        """The import format, so that a file exported here imports back unchanged."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="observations.csv"'
        writer = csv.writer(response)
        writer.writerow(["period", "territory", "nomenclature", "domain", "stage", "women", "men", "unknown"])
        for obs in queryset.select_related("territory", "domain").iterator(chunk_size=2000):
            writer.writerow(
                escape_cell(value)
                for value in (
                    obs.period,
                    obs.territory.code,
                    obs.domain.nomenclature,
                    obs.domain.code,
                    obs.stage,
                    obs.women,
                    obs.men,
                    obs.unknown,
                )
            )
        return response
