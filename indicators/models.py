from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reference.models import Stage


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

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


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
