"""The invitation to Wekker (choose your password) as a Delivery: claimed, retried, visible in the admin."""

from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Membership
from stakeholders import services as stakeholders_services

from ..models import Delivery
from .kinds import Notice


class InvitationNotice(Notice):
    """One invitation, written when a coordinator invites a contact; the link is made as it leaves."""

    kind = Delivery.Kind.INVITATION
    template = "stakeholders/emails/invitation"

    def why_not(self, delivery, batch, at):
        user = delivery.contact.user
        if user is None or not user.is_active:
            return "no login to invite to"
        if user.last_login is not None:
            return "already signed in"
        return None

    def subject(self, delivery, at):
        return _("Your access to Wekker")

    def groups(self, delivery, batch):
        """The groups the invited person sits in."""
        return (
            Membership.objects.current(on=batch.today)
            .filter(contact=delivery.contact_id)
            .values_list("group_id", flat=True)
        )

    def context(self, delivery, batch, at):
        contact = delivery.contact
        return stakeholders_services.invitation_context(contact, contact.user, invited_by=delivery.requested_by)


INVITATION = InvitationNotice()


def queue_invitation(contact, invited_by):
    """Write the invitation's Delivery and send it at once; a failure is retried by the passes."""
    from . import dispatch, lease

    now = timezone.now()
    delivery = Delivery.objects.create(kind=INVITATION.kind, contact=contact, requested_by=invited_by, due_at=now)
    # Claimed as a pass claims (a lease of its own), unless a pass took it meanwhile.
    claimed = lease.claim(now, 1, pks=[delivery.pk])
    if claimed:
        dispatch.send_claimed(claimed, now)
    return delivery
