"""Mail about minutes: the minutes a coordinator sent, and a note to coordinators when they are missing."""

import datetime as dt
import difflib

from django.db.models import OuterRef
from django.utils.translation import gettext as _

from groups.models import Membership
from reference.timezones import PARIS

from ..models import Delivery, Meeting, MinutesCorrection
from . import mail, probe
from .kinds import Notice
from .meeting_notices import when
from .schedule import LIVE, recipients

# The coordinator hears about missing minutes 3 days after the meeting (not about old ones).
MINUTES_GRACE = dt.timedelta(days=3)
MINUTES_HORIZON = dt.timedelta(days=30)
# Minutes sent by a coordinator reach the members of the group within this time of their
# sending (a pass missed while the worker was down catches up; members who join the week
# after get them too); older minutes are never mailed to newcomers.
MINUTES_SENDING_WINDOW = dt.timedelta(days=7)


class MinutesNotice(Notice):
    """Minutes marked sent: one message per current member with an e-mail address, once."""

    kind = Delivery.Kind.MINUTES

    def plan(self, now, meeting_ids=None):
        """`minutes.services.send_minutes` calls this for its meeting in its own transaction (so the
        deliveries exist, and are counted, as soon as the minutes are marked sent); every pass
        calls it for all meetings, which catches up whatever that missed."""
        today = now.astimezone(PARIS).date()
        rows = self._rows(now - MINUTES_SENDING_WINDOW, now, today, meeting_ids)
        return [
            Delivery(kind=self.kind, meeting_id=m_id, contact_id=contact_id, meeting_starts_at=m_start, due_at=now)
            for m_id, contact_id, m_start, _end, _seq in rows
        ]

    def probe(self):
        return self._rows(probe.now_minus(MINUTES_SENDING_WINDOW), probe.now(), probe.today())

    def _rows(self, sent_after, sent_by, today, meeting_ids=None):
        delivered = Delivery.objects.filter(kind=self.kind, meeting=OuterRef("m_id"), contact=OuterRef("contact_id"))
        meeting_filter = {
            "minutes_status__in": [Meeting.MinutesStatus.SENT, Meeting.MinutesStatus.ADOPTED],
            "minutes_sent_at__gt": sent_after,
            "minutes_sent_at__lte": sent_by,
        }
        if meeting_ids is not None:
            meeting_filter["pk__in"] = list(meeting_ids)
        else:
            # Catching up only minutes that send_minutes started sending: minutes marked sent
            # any other way (before this existed, by an admin, by the demo data) were not
            # meant to be mailed by a background pass.
            meeting_filter["pk__in"] = Delivery.objects.filter(kind=self.kind).values("meeting_id")
        return recipients(meeting_filter, delivered, today=today, exclude_declined=False)

    def useful_until(self, delivery):
        return (delivery.meeting.minutes_sent_at or delivery.created_at) + MINUTES_SENDING_WINDOW

    def why_not(self, delivery, batch, at):
        if delivery.meeting.minutes_status not in (Meeting.MinutesStatus.SENT, Meeting.MinutesStatus.ADOPTED):
            return "minutes no longer sent"
        if (delivery.meeting.group_id, delivery.contact_id) not in batch.members:
            return "no longer a member"
        return None

    def subject(self, delivery, at):
        return _("Minutes: %(group)s – %(title)s") % {
            "group": delivery.meeting.group.name,
            "title": delivery.meeting.title,
        }

    def context(self, delivery, batch, at):
        context = mail.meeting_context(delivery, batch, at)
        meeting = delivery.meeting
        if meeting.pk not in batch.minutes_html:
            batch.minutes_html[meeting.pk] = mail.minutes_for_mail(meeting.minutes)
        return {**context, "minutes_html": batch.minutes_html[meeting.pk], "url": context["meeting_url"]}


class MinutesMissingNotice(Notice):
    """A meeting ended 3 days ago or more (within a month) and still has no minutes: tell its coordinators."""

    kind = Delivery.Kind.MINUTES_MISSING

    def plan(self, now):
        today = now.astimezone(PARIS).date()
        rows = self._rows(now - MINUTES_GRACE, now - MINUTES_HORIZON, today)
        return [
            Delivery(
                kind=self.kind,
                meeting_id=m_id,
                contact_id=contact_id,
                meeting_starts_at=m_start,
                due_at=m_end + MINUTES_GRACE,
            )
            for m_id, contact_id, m_start, m_end, _seq in rows
        ]

    def probe(self):
        return self._rows(probe.now_minus(MINUTES_GRACE), probe.now_minus(MINUTES_HORIZON), probe.today())

    def _rows(self, ended_by, ended_after, today):
        delivered = Delivery.objects.filter(kind=self.kind, meeting=OuterRef("m_id"), contact=OuterRef("contact_id"))
        meeting_filter = {
            "kind": Meeting.Kind.MEETING,
            "status__in": [*LIVE, Meeting.Status.HELD],
            "ends_at__lte": ended_by,
            "ends_at__gt": ended_after,
            "minutes": "",
            "minutes_status": Meeting.MinutesStatus.NONE,
        }
        return recipients(
            meeting_filter, delivered, today=today, roles=[Membership.Role.COORDINATOR], exclude_declined=False
        )

    def useful_until(self, delivery):
        return delivery.meeting.ends_at + MINUTES_HORIZON

    def why_not(self, delivery, batch, at):
        meeting = delivery.meeting
        if meeting.minutes or meeting.minutes_status != Meeting.MinutesStatus.NONE:
            return "minutes written"
        if meeting.is_cancelled:
            return "meeting cancelled"
        if (meeting.group_id, delivery.contact_id) not in batch.coordinators:
            return "no longer coordinator"
        return None

    def subject(self, delivery, at):
        meeting = delivery.meeting
        names = {"group": meeting.group.name, "title": meeting.title, "date": when(meeting)}
        return _("Minutes missing: %(group)s – %(title)s, %(date)s") % names

    def context(self, delivery, batch, at):
        return mail.meeting_context(delivery, batch, at)


class MinutesCorrectionNotice(Notice):
    """Minutes corrected after sending: one mail per current member and correction, with what changed."""

    kind = Delivery.Kind.MINUTES_CORRECTION

    def plan(self, now, corrections=None):
        """`correct_minutes` calls this for its correction; every pass catches up the recent ones."""
        if corrections is None:
            corrections = _recent_corrections(now - MINUTES_SENDING_WINDOW, now)
        today = now.astimezone(PARIS).date()
        planned = []
        for correction in corrections:
            delivered = Delivery.objects.filter(
                kind=self.kind,
                meeting=correction.meeting_id,
                contact=OuterRef("contact_id"),
                meeting_sequence=correction.number,
            )
            rows = recipients({"pk": correction.meeting_id}, delivered, today=today, exclude_declined=False)
            planned += [
                Delivery(
                    kind=self.kind,
                    meeting_id=m_id,
                    contact_id=contact_id,
                    meeting_starts_at=m_start,
                    meeting_sequence=correction.number,
                    due_at=now,
                )
                for m_id, contact_id, m_start, _end, _seq in rows
            ]
        return planned

    def probe(self):
        """The corrections the plan looks at (a superset)."""
        return _recent_corrections(probe.now_minus(MINUTES_SENDING_WINDOW), probe.now())

    def why_not(self, delivery, batch, at):
        if (delivery.meeting.group_id, delivery.contact_id) not in batch.members:
            return "no longer a member"
        return None

    def subject(self, delivery, at):
        return _("Minutes corrected: %(group)s – %(title)s") % {
            "group": delivery.meeting.group.name,
            "title": delivery.meeting.title,
        }

    def context(self, delivery, batch, at):
        context = MINUTES.context(delivery, batch, at)
        correction = MinutesCorrection.objects.filter(
            meeting=delivery.meeting_id, number=delivery.meeting_sequence
        ).first()
        return {**context, "correction": correction, "changed_lines": changed_lines(correction)}


def _recent_corrections(after, by):
    return MinutesCorrection.objects.filter(corrected_at__gt=after, corrected_at__lte=by)


def changed_lines(correction):
    if correction is None:
        return []
    diff = difflib.unified_diff(correction.before.splitlines(), correction.after.splitlines(), lineterm="", n=0)
    return [f"{line[0]} {line[1:]}" for line in diff if not line.startswith(("---", "+++", "@@"))]


MINUTES, MINUTES_MISSING = MinutesNotice(), MinutesMissingNotice()
MINUTES_CORRECTION = MinutesCorrectionNotice()
