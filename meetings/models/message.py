"""A coordinator's message to the current members of a group."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupMessageQuerySet(models.QuerySet):
    def for_group_page(self, group, limit=10):
        """The group's latest messages, with who sent them."""
        return self.filter(group=group).select_related("sent_by").order_by("-sent_at", "-pk")[:limit]


class GroupMessage(models.Model):
    """A subject and a Markdown body, sent as one mail per current member (a Delivery each)."""

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="messages", verbose_name=_("group")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message (Markdown)"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    objects = GroupMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("group message")
        verbose_name_plural = _("group messages")
        indexes = [models.Index(fields=["group", "sent_at"], name="group_message_sent")]

    def __str__(self):
        return self.subject
