"""The mail of a group message: one per recipient, claimed and retried like every notice."""

from django.utils.translation import gettext as _

from ..calendar.ics import absolute_url
from ..models import Delivery, GroupMessage
from ..notices import mail
from ..notices.kinds import Notice


class GroupMessageNotice(Notice):
    """A coordinator's message. `messages.services.send_message` writes its deliveries, one per
    current member, in the transaction that records it: there is nothing for a pass to plan."""

    kind = Delivery.Kind.MESSAGE

    def why_not(self, delivery, batch, at):
        message = _message(delivery, batch)
        if (message.group_id, delivery.contact_id) not in batch.members:
            return "no longer a member"
        if delivery.contact.is_archived or not delivery.contact.email:
            return "contact archived or erased"
        return None

    def subject(self, delivery, at):
        message = delivery.message
        return f"[{message.group.name}] {message.subject}"

    def groups(self, delivery, batch):
        return [delivery.message.group_id]

    def context(self, delivery, batch, at):
        message = _message(delivery, batch)
        known = vars(batch).setdefault("message_html", {})
        if message.pk not in known:
            known[message.pk] = mail.minutes_for_mail(message.body)
        return {
            "message": message,
            "group": message.group,
            "body_html": known[message.pk],
            "group_url": absolute_url(message.group.get_absolute_url()),
            "sender": _sender(message),
        }


def _message(delivery, batch):
    """The delivery's message with its group and sender, read once per batch."""
    known = vars(batch).setdefault("group_messages", {})
    if delivery.message_id not in known:
        known[delivery.message_id] = GroupMessage.objects.select_related("group", "sent_by").get(pk=delivery.message_id)
    delivery.message = known[delivery.message_id]
    return delivery.message


def _sender(message):
    user = message.sent_by
    if user is None:
        return _("the coordination")
    return user.get_full_name() or user.get_username()


MESSAGE = GroupMessageNotice()
