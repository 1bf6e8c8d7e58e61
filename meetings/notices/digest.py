"""The Monday digest: each action owner's open actions due within a week, or overdue."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from groups.models import Membership, WorkingGroup
from reference.timezones import PARIS
from stakeholders.models import Contact

from ..calendar.ics import absolute_url
from ..models import Action, Delivery
from . import probe
from .kinds import Notice
from .schedule import digest_period

DIGEST_AHEAD = dt.timedelta(days=7)


def digest_actions(today, due_by=None):
    """Open actions due within a week (by `due_by`) or overdue, of groups their owner still belongs to."""
    current = Membership.objects.current(on=today).filter(group=OuterRef("group"), contact=OuterRef("owner"))
    return (
        Action.objects.open()
        .filter(due_date__lte=due_by or today + DIGEST_AHEAD, group__status=WorkingGroup.Status.ACTIVE)
        .filter(Exists(current))
    )


def _owners(kind, today, due_by, monday):
    """The contacts owed this week's digest and not yet planned one."""
    return (
        Contact.objects.filter(is_archived=False)
        .exclude(email="")
        .filter(Exists(digest_actions(today, due_by).filter(owner=OuterRef("pk"))))
        .filter(~Exists(Delivery.objects.filter(kind=kind, contact=OuterRef("pk"), period=monday)))
    )


def _monday(now):
    return digest_period(now)[0]


def _due(now):
    return now >= digest_period(now)[1]


class DigestNotice(Notice):
    kind = Delivery.Kind.DIGEST

    def plan(self, now):
        monday, due_at = digest_period(now)
        if now < due_at:
            return []
        today = now.astimezone(PARIS).date()
        owners = _owners(self.kind, today, today + DIGEST_AHEAD, monday).values_list("pk", flat=True)
        return [Delivery(kind=self.kind, contact_id=pk, period=monday, due_at=due_at) for pk in owners]

    def probe(self):
        owners = _owners(self.kind, probe.today(), probe.today_plus(DIGEST_AHEAD), probe.date_of(_monday))
        return owners.filter(probe.holds(_due))

    def useful_until(self, delivery):
        """The end of the digest's week (Sunday night, Paris time)."""
        return dt.datetime.combine(delivery.period + dt.timedelta(days=7), dt.time(0, 0), tzinfo=PARIS)

    def why_not(self, delivery, batch, at):
        """Rechecked as it leaves, a retry too: the owner may have been archived or erased meanwhile."""
        contact = delivery.contact
        if contact.is_archived or not contact.email:
            return "contact archived or erased"
        if not batch.digest_actions.get(contact.pk):
            return "no action due"
        return None

    def subject(self, delivery, at):
        return _("Your actions due soon or overdue")

    def groups(self, delivery, batch):
        """The groups of the actions the digest lists."""
        return {action.group_id for action in batch.digest_actions.get(delivery.contact_id, [])}

    def context(self, delivery, batch, at):
        return {
            "actions_url": absolute_url(reverse("meetings:actions")),
            "actions": batch.digest_actions.get(delivery.contact_id, []),
        }


DIGEST = DigestNotice()
