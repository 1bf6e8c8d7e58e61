"""What every app reads and none owns: territories, profession nomenclatures, the path's stages."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Territories nest four deep at most: country > région > département > Mission Locale.
TERRITORY_DEPTH = 4


def within(path, territory):
    """Rows whose territory (reached by `path`) is this one or nested in it."""
    query = Q()
    for depth in range(TERRITORY_DEPTH):
        query |= Q(**{f"{path}{'__parent' * depth}": territory})
    return query


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
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="territory_not_own_parent"),
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
