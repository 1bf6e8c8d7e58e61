from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WekkerConfig(AppConfig):
    name = "wekker"
    verbose_name = _("Wekker")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import pagecache

        connection_created.connect(pagecache.install, dispatch_uid="wekker.pagecache")
