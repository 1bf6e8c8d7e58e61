import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_feed_token():
    return secrets.token_urlsafe(24)


class Organisation(models.Model):
    """A partner body: a collectivité, a chamber, a company, a training body…"""

    class Kind(models.TextChoices):
        COLLECTIVITE = "collectivite", _("Local authority")
        ETAT = "etat", _("State / public service")
        CHAMBRE = "chambre", _("Chamber (consular)")
        ENTREPRISE = "entreprise", _("Company")
        FORMATION = "formation", _("Training body")
        ASSOCIATION = "association", _("Association")
        MISSION_LOCALE = "mission_locale", _("Mission Locale")
        AUTRE = "autre", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AUTRE)
    sector = models.ForeignKey(
        "reference.Domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"nomenclature": "rome"},
        related_name="+",
        verbose_name=_("sector (ROME domain)"),
    )
    territory = models.ForeignKey(
        "reference.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["name"], name="organisation_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organisation", args=[self.pk])


class ContactQuerySet(models.QuerySet):
    def search(self, text):
        """Contacts whose name, organisation or e-mail contain every word of the text."""
        query = Q()
        for word in text.split():
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(email__icontains=word)
            )
        return self.filter(query)


class Contact(models.Model):
    """A person in a partner body; may have a login and be a role model with a testimony."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        verbose_name=_("login"),
    )
    is_role_model = models.BooleanField(_("role model"), default=False)
    testimony_trade = models.CharField(_("trade of the testimony"), max_length=200, blank=True)
    testimony_video_url = models.URLField(_("testimony video"), blank=True)
    # Secret of the personal calendar feed; renewing it revokes the old address.
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_feed_token, editable=False
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["last_name", "first_name"], name="contact_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_role_model=False) | ~Q(testimony_trade=""),
                name="contact_role_model_has_trade",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("directory:contact", args=[self.pk])

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def renew_feed_token(self):
        self.feed_token = new_feed_token()
        self.save(update_fields=["feed_token", "updated_at"])
