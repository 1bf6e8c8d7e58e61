"""The mail of date polls, as kinds of notice of the delivery machinery (meetings.notices).

Registered from PollsConfig.ready() with `dispatch.register`: every pass plans them from the
state of the database, claims them under `Delivery`'s unique constraint on (kind, recipient,
ref), checks them as they leave and sends them. `ref` names the poll ("poll:12"), and for
a closing or a reopening its round ("poll:12:2"): a poll closed, reopened and closed again
sends a fresh notice each time, never the same one twice.
"""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import formats
from django.utils.translation import gettext as _

from groups.models import WorkingGroup
from meetings.calendar.ics import absolute_url
from meetings.models import Delivery
from meetings.notices import mail, probe
from meetings.notices.kinds import Notice
from reference.timezones import PARIS

from .models import Invitee, Poll, label
from .signing import answer_url

# Invitations, closings and reopenings reach people within this time of the event (a pass
# missed while the worker was down catches up), never for an old poll.
WINDOW = dt.timedelta(days=7)
# The reminder leaves at this Paris time, N days before the deadline (a group setting).
REMINDER_TIME = dt.time(9, 0)


def poll_id(delivery):
    return int(delivery.ref.split(":")[1])


def reminder_due_at(poll, days):
    return dt.datetime.combine(poll.deadline - dt.timedelta(days=days), REMINDER_TIME, tzinfo=PARIS)


class PollNotice(Notice):
    name = None

    @property
    def template(self):
        return f"polls/emails/{self.name}"

    def ref(self, poll):
        return f"poll:{poll.pk}"

    def polls(self, now):
        """[(poll, due_at)] of the polls that owe this notice at `now`."""
        raise NotImplementedError

    def invitees(self, poll):
        return Invitee.objects.filter(poll=poll, contact__is_archived=False).exclude(contact__email="")

    def plan(self, now):
        planned = []
        for poll, due_at in self.polls(now):
            if poll.group.status != WorkingGroup.Status.ACTIVE:
                continue  # an archived group sends no more mail
            ref = self.ref(poll)
            sent = Delivery.objects.filter(kind=self.kind, contact=OuterRef("contact_id"), ref=ref)
            for contact_id in self.invitees(poll).filter(~Exists(sent)).values_list("contact_id", flat=True):
                planned.append(
                    Delivery(kind=self.kind, contact_id=contact_id, ref=ref, meeting_id=poll.meeting_id, due_at=due_at)
                )
        return planned

    def _poll(self, delivery, batch):
        """The poll of a delivery, read once per batch."""
        cache = batch.__dict__.setdefault("polls", {})
        pk = poll_id(delivery)
        if pk not in cache:
            cache[pk] = Poll.objects.select_related("group", "chosen", "meeting").filter(pk=pk).first()
        return cache[pk]

    def why_not(self, delivery, batch, at):
        poll = self._poll(delivery, batch)
        if poll is None:
            return "poll deleted"
        if not Invitee.objects.filter(poll=poll, contact_id=delivery.contact_id).exists():
            return "no longer asked"
        if self.ref(poll) != delivery.ref:
            return "poll changed since"
        return self.still_due(poll, delivery, at)

    def still_due(self, poll, delivery, at):
        return None

    def groups(self, delivery, batch):
        poll = self._poll(delivery, batch)
        return [poll.group_id] if poll else []

    def context(self, delivery, batch, at):
        poll = self._poll(delivery, batch)
        invitee = Invitee.objects.get(poll=poll, contact_id=delivery.contact_id)
        return {
            "poll": poll,
            "group": poll.group,
            "options": [label(o.starts_at, o.ends_at) for o in poll.options.all()],
            "answer_url": answer_url(poll.pk, delivery.contact_id),
            "poll_url": absolute_url(poll.get_absolute_url()),
            "deadline": formats.date_format(poll.deadline, "l j F Y") if poll.deadline else "",
            "answered": invitee.answered_at is not None,
        }

    def names(self, delivery):
        poll = Poll.objects.select_related("group").get(pk=poll_id(delivery))
        return {"group": poll.group.name, "title": poll.title}


class InvitationNotice(PollNotice):
    """To everyone asked, once, while the poll is open."""

    kind, name = Delivery.Kind.POLL_INVITATION, "invitation"

    def polls(self, now):
        return [(p, p.created_at) for p in self.candidates(now - WINDOW).select_related("group")]

    def candidates(self, window_start):
        return Poll.objects.filter(status=Poll.Status.OPEN, created_at__gt=window_start)

    def probe(self):
        return self.candidates(probe.now_minus(WINDOW))

    def still_due(self, poll, delivery, at):
        return None if poll.is_open else "poll closed"

    def subject(self, delivery, at):
        return _("Which dates suit you? %(group)s – %(title)s") % self.names(delivery)


class ReminderNotice(PollNotice):
    """To those who have not answered, the group's N days before the deadline, once."""

    kind, name = Delivery.Kind.POLL_REMINDER, "reminder"

    def polls(self, now):
        due = []
        today = now.astimezone(PARIS).date()
        for poll in self.candidates(today).select_related("group"):
            due_at = reminder_due_at(poll, poll.group.poll_reminder_days)
            # A poll made after its reminder's time has just sent its invitation: no reminder.
            if poll.created_at <= due_at <= now:
                due.append((poll, due_at))
        return due

    def candidates(self, today):
        return Poll.objects.filter(status=Poll.Status.OPEN, deadline__gte=today, group__poll_reminder_days__gt=0)

    def probe(self):
        """The polls the plan looks at (a superset: their reminder's time is checked in Python)."""
        return self.candidates(probe.today())

    def invitees(self, poll):
        return super().invitees(poll).filter(answered_at__isnull=True)

    def useful_until(self, delivery):
        """Worth retrying until the deadline's day ends (Paris), then expired."""
        poll = Poll.objects.filter(pk=poll_id(delivery)).only("deadline").first()
        if poll is None or poll.deadline is None:
            return super().useful_until(delivery)
        return dt.datetime.combine(poll.deadline + dt.timedelta(days=1), dt.time(0), tzinfo=PARIS)

    def still_due(self, poll, delivery, at):
        if not poll.is_open:
            return "poll closed"
        if poll.deadline_passed(at):
            return "deadline passed"
        if Invitee.objects.filter(poll=poll, contact_id=delivery.contact_id, answered_at__isnull=False).exists():
            return "answered"
        return None

    def subject(self, delivery, at):
        return _("Reminder: which dates suit you? %(group)s – %(title)s") % self.names(delivery)


class ClosedNotice(PollNotice):
    """To everyone asked: the date chosen, with the meeting's .ics."""

    kind, name = Delivery.Kind.POLL_CLOSED, "closed"

    def ref(self, poll):
        return f"poll:{poll.pk}:{poll.round}"

    def polls(self, now):
        return [(p, p.closed_at) for p in self.candidates(now - WINDOW).select_related("group")]

    def candidates(self, window_start):
        return Poll.objects.filter(status=Poll.Status.CLOSED, closed_at__gt=window_start, meeting__isnull=False)

    def probe(self):
        return self.candidates(probe.now_minus(WINDOW))

    def still_due(self, poll, delivery, at):
        if poll.is_open or poll.meeting is None:
            return "poll reopened"
        if poll.meeting.is_cancelled:
            return "meeting cancelled"
        return None

    def subject(self, delivery, at):
        poll = Poll.objects.select_related("group", "chosen").get(pk=poll_id(delivery))
        return _("Date chosen: %(group)s – %(title)s, %(date)s") % {
            "group": poll.group.name,
            "title": poll.title,
            "date": label(poll.chosen.starts_at, poll.chosen.ends_at),
        }

    def context(self, delivery, batch, at):
        context = super().context(delivery, batch, at)
        poll = context["poll"]
        context.update(
            chosen=label(poll.chosen.starts_at, poll.chosen.ends_at),
            meeting=poll.meeting,
            meeting_url=absolute_url(poll.meeting.get_absolute_url()),
            agenda=batch.agendas.get(poll.meeting_id, []),
        )
        return context

    def attachments(self, delivery, batch, context):
        return [mail.ics_part(mail.meeting_ics(context["meeting"], context["agenda"], method="PUBLISH"), "PUBLISH")]


class ReopenedNotice(PollNotice):
    """To everyone asked: the date chosen no longer holds, the poll takes answers again."""

    kind, name = Delivery.Kind.POLL_REOPENED, "reopened"

    def ref(self, poll):
        return f"poll:{poll.pk}:{poll.round}"

    def polls(self, now):
        return [(p, p.reopened_at) for p in self.candidates(now - WINDOW).select_related("group")]

    def candidates(self, window_start):
        return Poll.objects.filter(status=Poll.Status.OPEN, round__gt=0, reopened_at__gt=window_start)

    def probe(self):
        return self.candidates(probe.now_minus(WINDOW))

    def still_due(self, poll, delivery, at):
        return None if poll.is_open else "poll closed again"

    def subject(self, delivery, at):
        return _("Date poll reopened: %(group)s – %(title)s") % self.names(delivery)


INVITATION, REMINDER, CLOSED, REOPENED = InvitationNotice(), ReminderNotice(), ClosedNotice(), ReopenedNotice()
NOTICES = (INVITATION, REMINDER, CLOSED, REOPENED)
