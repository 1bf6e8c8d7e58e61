from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    """A place figures are counted for: France, a région, a département or a Mission Locale."""

    class Level(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Région")
        DEPARTEMENT = "departement", _("Département")
        MISSION_LOCALE = "mission_locale", _("Mission Locale")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="territory_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Nomenclature(models.TextChoices):
    ROME = "rome", _("ROME (France Travail)")
    FAP2009 = "fap2009", _("FAP-2009 (DARES)")


class Domain(models.Model):
    """A profession domain of a nomenclature: a ROME grand domaine (A–N) or a FAP-2009 family."""

    nomenclature = models.CharField(
        _("nomenclature"), max_length=10, choices=Nomenclature.choices, default=Nomenclature.ROME
    )
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("label"), max_length=200)
    # FAP-2009 families belong to one of 22 domains; empty for ROME.
    family_code = models.CharField(_("family domain code"), max_length=10, blank=True)
    family_label = models.CharField(_("family domain label"), max_length=200, blank=True)

    class Meta:
        ordering = ["nomenclature", "code"]
        verbose_name = _("profession domain")
        verbose_name_plural = _("profession domains")
        constraints = [
            models.UniqueConstraint(fields=["nomenclature", "code"], name="domain_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} – {self.label}"


class Stage(models.TextChoices):
    """The path of a young person, in order."""

    SENSIBILISES = "sensibilises", _("Reached by awareness")
    ACCUEILLIS = "accueillis", _("First reception")
    ORIENTES = "orientes", _("Oriented")
    FORMATION = "formation", _("In training")
    ALTERNANCE = "alternance", _("Work-study")
    EMPLOI = "emploi", _("In employment")


STAGE_ORDER = [stage.value for stage in Stage]


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
        Territory, on_delete=models.PROTECT, related_name="observations", verbose_name=_("territory")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="observations", verbose_name=_("domain")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    unknown = models.PositiveIntegerField(_("sex not recorded"), default=0)
    is_fictitious = models.BooleanField(
        _("fictitious"), default=False, help_text=_("Demo data, not real figures.")
    )
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
