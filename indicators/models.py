from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reference.models import Stage


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked: waiting for confirmation")
    REJECTED = "rejected", _("Rejected")
    CONFIRMED = "confirmed", _("Confirmed: waiting to be written")
    WRITING = "writing", _("Being written")
    DONE = "done", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class IndicatorImport(models.Model):
    """One CSV file imported into the observatory: who, when, what changed."""

    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    rows_added = models.PositiveIntegerField(_("rows added"), default=0)
    rows_changed = models.PositiveIntegerField(_("rows changed"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    # A web import goes through a Celery task in two steps: check (a dry run), then, once
    # confirmed, write. The command line writes at once, its record born DONE.
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.DONE)
    stored_file = models.CharField(_("stored file"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)  # the first errors, as French sentences
    preview = models.JSONField(_("preview"), default=dict, blank=True)  # combined rows, changed rows old → new
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("indicators:import_detail", args=[self.pk])

    @property
    def is_running(self):
        return self.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.CONFIRMED, ImportStatus.WRITING)

    @property
    def progress(self):
        """Share of the file read, 0–100."""
        return min(100, round(100 * self.bytes_read / self.file_size)) if self.file_size else 0


class StagedRow(models.Model):
    """One checked line of a file being imported, kept until the import is written or dropped.

    The file is streamed into this table, so that memory stays bounded whatever its size; the
    duplicate keys, the roll-up of full ROME codes and the comparison with the observations
    are then done by the database (indicators.staging)."""

    batch = models.CharField(max_length=32)
    line = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    territory_id = models.IntegerField()
    domain_id = models.IntegerField()
    stage = models.CharField(max_length=20)
    women = models.BigIntegerField()
    men = models.BigIntegerField()
    unknown = models.BigIntegerField()
    code = models.CharField(max_length=20)
    is_detail = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("row being imported")
        verbose_name_plural = _("rows being imported")
        indexes = [
            models.Index(fields=["batch", "year", "month", "territory_id", "domain_id", "stage"], name="staged_key"),
            models.Index(fields=["batch", "line"], name="staged_line"),
        ]

    def __str__(self):
        return f"{self.batch} line {self.line}"


class Observation(models.Model):
    """One cell of a table: counts of women and men for a period, territory, domain and stage."""

    year = models.PositiveSmallIntegerField(_("year"))
    # 0 is the whole year; 1–12 a month. Never both for one key in a year's figure.
    month = models.PositiveSmallIntegerField(_("month"), default=0)
    territory = models.ForeignKey(
        "reference.Territory", on_delete=models.PROTECT, related_name="observations", verbose_name=_("territory")
    )
    domain = models.ForeignKey(
        "reference.Domain", on_delete=models.PROTECT, related_name="observations", verbose_name=_("domain")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    unknown = models.PositiveIntegerField(_("sex not recorded"), default=0)
    is_fictitious = models.BooleanField(_("fictitious"), default=False, help_text=_("Demo data, not real figures."))
    source = models.ForeignKey(
        IndicatorImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("last import"),
    )

    class Meta:
        ordering = ["year", "month", "territory", "domain", "stage"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "territory", "domain", "stage"],
                name="observation_unique_key",
            ),
            models.CheckConstraint(condition=Q(month__lte=12), name="observation_month_valid"),
            models.CheckConstraint(
                condition=Q(women__gte=0) & Q(men__gte=0) & Q(unknown__gte=0),
                name="observation_counts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["year", "stage", "domain"], name="observation_dashboard")]

    def __str__(self):
        period = f"{self.year}" if not self.month else f"{self.year}-{self.month:02d}"
        return f"{period} {self.territory.code} {self.domain.code} {self.stage}"

    @property
    def period(self):
        return f"{self.year}" if not self.month else f"{self.year}-{self.month:02d}"


class Rollup(models.Model):
    """A territory's figure for a year, stage and domain, as every page shows it: its own rows
    where it has some for that key (the yearly row, else the sum of the monthly ones), else the
    sum of its children's. Refreshed by indicators.rollup inside each import's transaction, so
    that no page sums raw observations."""

    territory = models.ForeignKey("reference.Territory", on_delete=models.CASCADE, related_name="+")
    nomenclature = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20)
    domain = models.ForeignKey("reference.Domain", on_delete=models.CASCADE, related_name="+")
    women = models.BigIntegerField()
    men = models.BigIntegerField()
    unknown = models.BigIntegerField()
    fictitious = models.PositiveSmallIntegerField(default=0)  # 1 when demo rows count in it
    own = models.BooleanField(default=False)  # from the territory's own rows, not its children's

    class Meta:
        verbose_name = _("summed figure")
        verbose_name_plural = _("summed figures")
        constraints = [
            models.UniqueConstraint(fields=["territory", "year", "stage", "domain"], name="rollup_unique_key"),
        ]
        indexes = [models.Index(fields=["territory", "nomenclature"], name="rollup_territory")]

    def __str__(self):
        return f"{self.year} {self.territory_id} {self.domain_id} {self.stage}"


class Coverage(models.Model):
    """A territory with rows of its own in a year and nomenclature (the page's "figures from")."""

    territory = models.ForeignKey("reference.Territory", on_delete=models.CASCADE, related_name="+")
    nomenclature = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("territory with figures")
        verbose_name_plural = _("territories with figures")
        indexes = [models.Index(fields=["nomenclature", "year"], name="coverage_year")]

    def __str__(self):
        return f"{self.year} {self.territory_id} {self.nomenclature}"


class RollupVersion(models.Model):
    """One row: a number that grows with each refresh of the rollup, the key of every cached figure and chart."""

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("version of the summed figures")
        verbose_name_plural = _("versions of the summed figures")

    def __str__(self):
        return str(self.version)
