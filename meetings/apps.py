from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from stakeholders import services as stakeholders_services

        from . import personal_data  # noqa: F401 – registers this app's part of a contact's data
        from .notices.invitation import queue_invitation

        stakeholders_services.INVITATION_SENDERS.append(queue_invitation)
