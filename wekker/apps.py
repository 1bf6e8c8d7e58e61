from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WekkerConfig(AppConfig):
    name = "wekker"
    verbose_name = _("Wekker")
