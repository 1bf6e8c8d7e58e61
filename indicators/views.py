import csv
import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from groups import access
from groups.models import WorkingGroup
from reference.models import STAGE_ORDER, Nomenclature, Stage

from . import caching, charts, importing, rollup, uploads
from .forms import RULE_CHOICES, DashboardFilters, ImportForm
from .models import ImportStatus, IndicatorImport
from .queries import (
    CACHE_SECONDS,
    Figures,
    TerritoryTree,
    cached_figures,
    cached_reference,
    coverage,
    observations_for_export,
)
from .summary import Selection, Withholding, build_summary, withheld_label
from .templatetags.indicators_tags import class_label
from .timeline import timeline, trend_on


def _summary(request, *, groups=(), version=None):
    """The filters of the request and the figures they select: territories, domains, figures."""
    nomenclature = request.GET.get("nomenclature") or Nomenclature.ROME
    if nomenclature not in Nomenclature.values:
        nomenclature = Nomenclature.ROME
    version = rollup.version() if version is None else version
    tree, domains = cached_reference(version, nomenclature)
    form = DashboardFilters(request.GET, tree=tree, domains=domains, groups=groups)
    values = form.cleaned_or_default()
    selection = Selection(
        territory=values["territory"],
        nomenclature=nomenclature,
        year=values["year"],
        domain=values["domain"],
        stage=values["stage"],
        rule=values["rule"],
    )
    if selection.territory is None:  # no territory at all: nothing to show
        figures = Figures()
        selection = Selection(territory={"code": "", "name": ""}, nomenclature=nomenclature)
    else:
        figures = cached_figures(tree, selection.territory["id"], nomenclature, version)
    summary = build_summary(figures, selection, domains, sees_small_cells=request.roles.sees_small_cells)
    summary["coverage"] = None
    if selection.territory.get("id") is not None:
        with_rows = figures.territories.get(summary["year"], ())
        summary["coverage"] = coverage(tree, selection.territory["id"], with_rows)
    return form, summary


def _groups(request):
    """The groups one may pick on the dashboard: one's own; an admin may name any in the query string."""
    groups = WorkingGroup.objects.order_by("name")
    if request.roles.is_admin and request.GET.get("group"):
        return list(groups.filter(Q(pk__in=request.roles.member_group_ids) | Q(slug=request.GET["group"])))
    return list(groups.filter(pk__in=request.roles.member_group_ids))


@login_required
def dashboard(request):
    version = rollup.version()
    form, summary = _summary(request, groups=_groups(request), version=version)
    summary["stage_labels"] = [(s["stage"], s["label"]) for s in summary["stages"]]
    territory = form.chosen_territory
    is_root = territory is None or territory.get("parent_id") is None
    work = timeline(
        request.roles,
        summary["years"],
        territory_id=None if is_root else territory["id"],
        group=form.chosen_group,
    )
    summary["axis_trend"] = trend_on(work.axis, summary["trend"], STAGE_ORDER)
    focus = _focus(summary)
    context = {
        "form": form,
        "summary": summary,
        "rule_label": dict(RULE_CHOICES)[summary["rule"]],
        "focus": focus,
        "domain_rows": _domain_rows(summary),
        "biggest_leak": _biggest_leak(summary["path"]),
        "work": work,
        "chosen_group": form.chosen_group,
        "trend_rows": _trend_rows(summary["axis_trend"]),
        "charts": _charts(summary, focus, work),
        "can_import": request.roles.can_import_indicators,
        "small_cell_max": settings.INDICATORS_SMALL_CELL_MAX,
        "withheld_label": withheld_label(),
        "min_share_denominator": settings.INDICATORS_MIN_SHARE_DENOMINATOR,
        "query_string": request.GET.urlencode(),
        "fragment_key": _question_key(request, version),
    }
    return render(request, "indicators/dashboard.html", context)


def _question_key(request, version):
    """What the figures shown depend on: the rollup's version, the filters and the small-cell rule."""
    query = hashlib.sha256(repr(sorted(request.GET.lists())).encode()).hexdigest()[:32]
    sees, small, least = (
        request.roles.sees_small_cells,
        settings.INDICATORS_SMALL_CELL_MAX,
        settings.INDICATORS_MIN_SHARE_DENOMINATOR,
    )
    rule = (sees, small, least)
    return f"{version}:{':'.join(map(str, rule))}:{query}"


def _charts(summary, focus, work):
    """The dashboard's pictures, each cached under a digest of what it shows."""
    trend = {"trend": summary["axis_trend"], "stage_labels": summary["stage_labels"]}
    shares = [summary["year"], summary["previous_year"], summary["stages"]]
    counts = sorted(work.counts.items())
    return {
        "shares": charts.cached("shares", shares, lambda: charts.shares_by_stage(summary)),
        "path": charts.cached("path", summary["path"], lambda: charts.path_by_sex(summary)),
        "domains": charts.cached("domains", focus, lambda: charts.domains(focus)),
        "trend": charts.cached("trend", trend, lambda: charts.trend(trend)),
        "segregation": charts.cached("segregation", summary["stages"], lambda: charts.segregation(summary)),
        "actions": charts.cached(
            "actions", [work.axis, work.levers, counts], lambda: charts.actions(work.axis, work.levers, work.counts)
        ),
        "reach": charts.cached("reach", [work.axis, sorted(work.reach.items())], lambda: charts.reach(work)),
    }


def _trend_rows(trend):
    """(year, [(share, observed) for each stage]) for the trend's table."""
    return [(t["year"], [(t["share_women"][c], t["observed"][c]) for c in STAGE_ORDER]) for t in trend]


def _focus(summary):
    """The stage whose domains are charted: training when it has figures, else the first that has."""
    stages = summary["stages"]
    observed = [s for s in stages if s["observed"]] or stages
    return next((s for s in observed if s["stage"] == Stage.FORMATION), observed[0])


def _domain_rows(summary):
    """One row per domain with its figures at every stage shown."""
    rows = {}
    for block in summary["stages"]:
        for d in block["domains"]:
            rows.setdefault(d["code"], {"code": d["code"], "label": d["label"], "cells": []})["cells"].append(d)
    return list(rows.values())


def _biggest_leak(path):
    gaps = [p for p in path if p["gap"] is not None]
    return min(gaps, key=lambda p: p["gap"]) if gaps else None


@login_required
def summary_json(request):
    """The figures as JSON; the same question on the same rollup version is answered from the cache."""
    version = rollup.version()
    key = f"indicators:json:{get_language()}:{_question_key(request, version)}"

    def compute():
        _form, summary = _summary(request, version=version)
        return json.dumps(summary, cls=DjangoJSONEncoder, ensure_ascii=False)

    return HttpResponse(caching.cached(key, compute, CACHE_SECONDS), content_type="application/json")


FORMULA_START = ("=", "+", "-", "@", "|", "\t", "\r", "\n")


def escape_cell(value):
    """A cell a spreadsheet would read as a formula gets a leading apostrophe.

    Spreadsheets skip leading blanks, so " =1+1" and "\n=1+1" are formulas too (OWASP CSV injection)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START) else text


def _shown(count):
    """A withheld count reads "< 11" (with the threshold of the settings)."""
    return withheld_label() if count is None else count


def decimal_comma(value, digits):
    """0.4723 → "0,472": French spreadsheets read a decimal point in a semicolon CSV as text."""
    return "" if value is None else f"{value:.{digits}f}".replace(".", ",")


@login_required
def export_csv(request):
    """What the dashboard shows, for a French spreadsheet: semicolons, decimal commas, UTF-8 with BOM."""
    _form, summary = _summary(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"indicateurs-{summary['territory']}-{summary['year'] or 'vide'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(EXPORT_HEADER)
    for block in summary["stages"]:
        for row in [{"code": "TOTAL", "label": _("All domains"), **block}, *block["domains"]]:
            writer.writerow([escape_cell(value) for value in _export_row(summary, block, row)])
    return response


EXPORT_HEADER = [
    "annee", "territoire", "nomenclature", "regle", "etape", "domaine", "libelle",
    "femmes", "hommes", "non_renseigne", "part_femmes", "classe", "indice_duncan", "masque",
]  # fmt: skip


def _export_row(summary, block, row):
    """One line of the export: a stage's total (row is block) or one of its domains."""
    return (
        summary["year"],
        summary["territory"],
        summary["nomenclature"],
        summary["rule"],
        block["stage"],
        row["code"],
        row["label"],
        _shown(row["women"]),
        _shown(row["men"]),
        _shown(row["unknown"]),
        decimal_comma(row["share_women"], 3),
        class_label(row.get("class")) if row.get("class") else "",
        "" if row is not block else decimal_comma(block["duncan_index"], 1),
        "oui" if row["suppressed"] else "non",
    )


IMPORT_HEADER = ["période", "territoire", "nomenclature", "domaine", "étape", "femmes", "hommes", "non_renseigne"]


@login_required
def export_observations(request):
    """The observations behind the figures, in the import format: the file can be re-imported.

    Every row of the territory and the territories under it, for the year (and domain) shown.
    For readers under the small-cell rule, a row with a withheld count is left out: "< 11"
    cannot be re-imported, and a blank would read as zero.
    """
    _form, summary = _summary(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"observations-{summary['territory']}-{summary['year'] or 'vide'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(IMPORT_HEADER)
    tree = TerritoryTree.load()
    territory = tree.by_code.get(summary["territory"])
    if territory is None or summary["year"] is None:
        return response
    withhold = Withholding(request.roles.sees_small_cells)
    for row in observations_for_export(
        tree, territory["id"], summary["nomenclature"], summary["year"], summary["domain"]
    ):
        period, code, nomenclature, domain, stage, *counts = row
        if any(withhold.count(n) is None for n in counts):
            continue
        writer.writerow([escape_cell(x) for x in (period, code, nomenclature, domain, stage, *counts)])
    return response


class _SizeLimit(FileUploadHandler):
    """Stops reading an upload past the setting's size: the rest of the body is read and dropped."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.INDICATORS_UPLOAD_MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # the token is checked below, once the size limit is in place (Django's upload handler docs)
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload a CSV: it is checked by a task, whose page shows the preview to confirm."""
    access.require(request.roles.can_import_indicators)
    limit = _SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _import_upload(request, limit)


@csrf_protect
def _import_upload(request, limit):
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES, too_big=limit.exceeded) if posted else ImportForm()
    if posted and form.is_valid():
        record = uploads.upload(form.cleaned_data["file"], user=request.user)
        return redirect(record)
    context = {
        "form": form,
        "imports": IndicatorImport.objects.select_related("imported_by")[:HISTORY],
        "max_megabytes": f"{settings.INDICATORS_UPLOAD_MAX_BYTES / (1024 * 1024):g}".replace(".", ","),
    }
    return render(request, "indicators/import.html", context, status=413 if limit.exceeded else 200)


HISTORY = 20


def _import_for(request, pk):
    """An import's page: for those who may import (404 for the others)."""
    access.require(request.roles.can_import_indicators)
    return get_object_or_404(IndicatorImport.objects.select_related("imported_by"), pk=pk)


@login_required
def import_detail(request, pk):
    """An import's progress, its report or its preview, its outcome: a page one may leave and come back to."""
    record = _import_for(request, pk)
    preview = record.preview or {}
    context = {
        "record": record,
        "statuses": ImportStatus,
        "can_decide": record.imported_by_id == request.user.pk or request.roles.is_admin,
        "more_changes": max(0, preview.get("changed", 0) - len(preview.get("changes", []))),
        "done_counts": importing.counts_text(record.rows_added, record.rows_changed, record.rows_unchanged),
    }
    return render(request, "indicators/import_detail.html", context)


@login_required
@require_http_methods(["POST"])
def import_decide(request, pk):
    """Confirm or cancel a checked import (its uploader, or an admin)."""
    record = _import_for(request, pk)
    if record.imported_by_id != request.user.pk and not request.roles.is_admin:
        raise PermissionDenied
    if "cancel" in request.POST:
        if uploads.cancel(record):
            messages.info(request, _("Import cancelled: nothing was written."))
    elif not uploads.confirm(record):
        messages.error(request, _("This import cannot be confirmed any more."))
    return redirect(record)
