from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "polls"
    verbose_name = _("Date polls")

    def ready(self):
        from meetings.notices import dispatch
        from meetings.pages import group_page_part

        from . import notices, personal_data, views  # noqa: F401 – personal_data registers its RGPD part

        for notice in notices.NOTICES:
            dispatch.register(notice)
        group_page_part(views.group_page_polls)
