import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from groups.admin import ReadOnlyAdmin

from . import rollup
from .models import Coverage, IndicatorImport, Observation, Rollup, RollupVersion, StagedRow
from .views import escape_cell


@admin.register(IndicatorImport)
class IndicatorImportAdmin(admin.ModelAdmin):
    list_display = [
        "imported_at", "imported_by", "file_name", "status", "rows_added", "rows_changed", "rows_unchanged"
    ]  # fmt: skip
    list_filter = ["status"]
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

    # The rollup follows every change made here, in the same transaction.
    def save_model(self, request, obj, form, change):
        years = {obj.year, *([form.initial.get("year")] if change and form.initial.get("year") else [])}
        super().save_model(request, obj, form, change)
        rollup.refresh(years)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        rollup.refresh([obj.year])

    def delete_queryset(self, request, queryset):
        years = set(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        rollup.refresh(years)

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


class DerivedAdmin(ReadOnlyAdmin):
    """Tables the imports fill and the pages read: shown, never edited by hand."""

    show_full_result_count = False


@admin.register(Rollup)
class RollupAdmin(DerivedAdmin):
    list_display = ["year", "territory", "nomenclature", "domain", "stage", "women", "men", "unknown", "own"]
    list_filter = ["year", "nomenclature", "stage", "own"]
    list_select_related = ["territory", "domain"]


@admin.register(Coverage)
class CoverageAdmin(DerivedAdmin):
    list_display = ["year", "nomenclature", "territory"]
    list_select_related = ["territory"]


@admin.register(StagedRow)
class StagedRowAdmin(DerivedAdmin):
    list_display = ["batch", "line", "year", "month", "stage", "code", "women", "men"]


@admin.register(RollupVersion)
class RollupVersionAdmin(DerivedAdmin):
    list_display = ["version"]
