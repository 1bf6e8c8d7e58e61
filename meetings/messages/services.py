"""Writing to a group: the message is recorded with one Delivery per current member, sent by the dispatch."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Membership, WorkingGroup
from reference.timezones import PARIS

from .. import tasks
from ..markdown import render_markdown
from ..models import Delivery, GroupMessage
from ..notices import dispatch

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000


def recipients(group, *, today):
    """Contacts ids of the group's current members who can receive mail: not former members,
    not archived or erased contacts (an erased contact is archived and has no address)."""
    return list(
        Membership.objects.current(on=today)
        .filter(group=group, contact__is_archived=False)
        .exclude(contact__email="")
        .order_by("contact_id")
        .values_list("contact_id", flat=True)
        .distinct()
    )


@transaction.atomic
def send_message(group, *, subject, body, by, now=None):
    """Record a message to the group's current members and plan one mail each; return the message.

    The mails leave through the dispatch (claimed, retried with back-off, at most once each:
    `delivery_unique_message`); a worker is asked for a pass once this is committed.
    """
    now = now or timezone.now()
    if group.status != WorkingGroup.Status.ACTIVE:
        raise ValidationError(_("This group is archived: it receives no more mail."))
    contact_ids = recipients(group, today=now.astimezone(PARIS).date())
    if not contact_ids:
        raise ValidationError(_("Nobody would receive this message: no current member has an e-mail address."))
    message = GroupMessage.objects.create(
        group=group, subject=subject, body=body, sent_by=by, sent_at=now, recipient_count=len(contact_ids)
    )
    dispatch.insert(
        [Delivery(kind=Delivery.Kind.MESSAGE, message=message, contact_id=pk, due_at=now) for pk in contact_ids]
    )
    transaction.on_commit(tasks.dispatch_soon)
    return message


def for_group_page(group, limit=10):
    """The group's latest messages, each with its body in sanitised HTML (`body_html`)."""
    latest = list(GroupMessage.objects.for_group_page(group, limit))
    for message in latest:
        message.body_html = render_markdown(message.body)
    return latest
