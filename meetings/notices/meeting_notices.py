"""Mail about a meeting: reminders at the group's offsets, a notice when it moves, one when it is cancelled."""

import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from groups.models import Membership, WorkingGroup
from reference.timezones import PARIS

from ..models import Attendance, Delivery, Meeting, MeetingChange
from ..rsvp.signing import rsvp_urls
from ..spans import meeting_when
from . import catch_up, mail, probe
from .changes import Change
from .kinds import Notice
from .schedule import LIVE, MAX_OFFSET_DAYS, chunks, current_reminder, recipients


def when(meeting):
    """ "mardi 9 décembre 2025, 9h30–12h00", or the span of a multi-day event, in the reader's language."""
    return meeting_when(meeting)


def _names(meeting):
    return {"group": meeting.group.name, "title": meeting.title, "date": when(meeting)}


class MeetingNotice(Notice):
    """What every mail about a coming meeting shares: checks, the meeting's context, its .ics."""

    ics_method = "PUBLISH"

    def useful_until(self, delivery):
        return delivery.meeting.starts_at

    def why_not(self, delivery, batch, at):
        meeting = delivery.meeting
        if at >= meeting.starts_at:
            return "meeting started"
        if (meeting.group_id, delivery.contact_id) not in batch.members:
            return "no longer a member"
        if _leaves_before(batch, meeting, delivery.contact_id):
            return "no longer a member on the meeting's day"
        if (delivery.meeting_id, delivery.contact_id) in batch.declined:
            return "declined"
        return None

    def context(self, delivery, batch, at):
        return mail.meeting_context(delivery, batch, at)

    def attachments(self, delivery, batch, context):
        meeting = delivery.meeting
        key = (meeting.pk, meeting.sequence)
        if key not in batch.ics:
            batch.ics[key] = mail.meeting_ics(meeting, context["agenda"], method=self.ics_method)
        return [mail.ics_part(batch.ics[key], self.ics_method)]


def _leaves_before(batch, meeting, contact_id):
    """True when the contact's membership ends by the meeting's first day."""
    left = membership_ends(batch, [meeting.group_id])[meeting.group_id].get(contact_id)
    return left is not None and left <= meeting.first_day


def membership_ends(batch, group_ids):
    """{group id: {contact id: the day their membership ends}}, read for all the missing groups at once."""
    cache = batch.__dict__.setdefault("membership_ends", {})
    missing = set(group_ids) - set(cache)
    if missing:
        for group_id in missing:
            cache[group_id] = {}
        rows = Membership.objects.filter(group_id__in=missing, left__isnull=False)
        for group_id, contact_id, left in rows.values_list("group_id", "contact_id", "left"):
            cache[group_id][contact_id] = left
    return cache


class ReminderNotice(MeetingNotice):
    """A reminder at each of the group's offsets (7 and 1 days before, by default)."""

    kind = Delivery.Kind.REMINDER

    def plan(self, now):
        """The reminders due at `now` that have no row yet. Run in the transaction that inserts
        them (dispatch.plan): it moves the mark of what has been checked (catch_up)."""
        since = catch_up.checked_through(now)
        due_by_offset = _reminders_due(now, since)
        today = now.astimezone(PARIS).date()
        planned = []
        for offset, due_at_by_meeting in due_by_offset.items():
            delivered = Delivery.objects.filter(
                kind=self.kind,
                meeting=OuterRef("m_id"),
                contact=OuterRef("contact_id"),
                offset_days=offset,
                meeting_starts_at=OuterRef("m_start"),
            )
            for chunk in chunks(list(due_at_by_meeting)):
                for m_id, contact_id, m_start, _end, _seq in recipients({"pk__in": chunk}, delivered, today=today):
                    planned.append(
                        Delivery(
                            kind=self.kind,
                            meeting_id=m_id,
                            contact_id=contact_id,
                            offset_days=offset,
                            meeting_starts_at=m_start,
                            due_at=due_at_by_meeting[m_id],
                        )
                    )
        catch_up.record(now, full=since is None)
        return planned

    def why_not(self, delivery, batch, at):
        reason = super().why_not(delivery, batch, at)
        if reason is None and delivery.meeting.is_cancelled:
            return "meeting cancelled"
        if reason is None and delivery.meeting.starts_at != delivery.meeting_starts_at:
            return "meeting moved"
        return reason

    def subject(self, delivery, at):
        return _("Reminder: %(group)s – %(title)s, %(date)s") % _names(delivery.meeting)

    def context(self, delivery, batch, at):
        return {**super().context(delivery, batch, at), **_answer_links(delivery, batch)}


def _reminders_due(now, since=None):
    """{offset: {meeting id: due at}} of the reminders due at `now`, for the meetings of active groups;
    with `since`, only those that fell due after it (the others were checked by an earlier pass)."""
    # Without the model's ordering, which DISTINCT would add (one row per group, not per set of offsets).
    distinct_offsets = WorkingGroup.objects.active().order_by().values_list("reminder_offsets", flat=True).distinct()
    offsets = [o for o in distinct_offsets if o]
    if not offsets:
        return {}
    horizon_days = min(max(max(o) for o in offsets), MAX_OFFSET_DAYS)
    # One more day than the largest offset: a change of clocks moves a reminder by an hour.
    candidates = Meeting.objects.order_by().filter(
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=horizon_days + 1),
        status__in=LIVE,
        group__status=WorkingGroup.Status.ACTIVE,
    )
    if since is not None:
        candidates = candidates.filter(catch_up.falling_due({d for o in offsets for d in o}, since, now))
    due_by_offset = defaultdict(dict)
    for pk, starts_at, group_offsets, all_day in candidates.values_list(
        "pk", "starts_at", "group__reminder_offsets", "all_day"
    ):
        due = current_reminder(starts_at, group_offsets, now, all_day)
        if due is not None and (since is None or due[1] > since):
            due_by_offset[due[0]][pk] = due[1]
    return due_by_offset


def _answer_links(delivery, batch):
    """Signed one-click answers; someone who said yes reads their answer, not the question again."""
    meeting, contact = delivery.meeting, delivery.contact
    return {
        "rsvp": rsvp_urls(meeting.pk, contact.pk, meeting.sequence),
        "answered_yes": batch.answers.get((meeting.pk, contact.pk)) == Attendance.Answer.YES,
    }


def _notice_rows(kind, meeting_filter, today):
    """The recipients owed a notice of `kind` for the meetings of `meeting_filter`: one per meeting sequence."""
    delivered = Delivery.objects.filter(
        kind=kind, meeting=OuterRef("m_id"), contact=OuterRef("contact_id"), meeting_sequence=OuterRef("m_seq")
    )
    return recipients(meeting_filter, delivered, today=today)


def _notices(kind, meeting_filter, now):
    """Cancellations: one per recipient and meeting sequence."""
    today = now.astimezone(PARIS).date()
    return [
        Delivery(
            kind=kind,
            meeting_id=m_id,
            contact_id=contact_id,
            meeting_starts_at=m_start,
            meeting_sequence=m_seq,
            due_at=now,
        )
        for m_id, contact_id, m_start, _end, m_seq in _notice_rows(kind, meeting_filter, today)
    ]


class UpdateNotice(MeetingNotice):
    """A meeting still ahead changed date, time, span, place or link (a MeetingChange): one update per
    recipient and change, to those who were members on the day of the change. A status change is none."""

    kind = Delivery.Kind.UPDATE

    def plan(self, now):
        latest = MeetingChange.objects.filter(meeting=OuterRef("pk")).order_by("-sequence")
        changed = (
            _changed(now)
            .annotate(change_seq=Subquery(latest.values("sequence")[:1]))
            .filter(change_seq__isnull=False)
            .annotate(changed_at=Subquery(latest.values("changed_at")[:1]))
            .values_list("pk", "change_seq", "changed_at")
        )
        today = now.astimezone(PARIS).date()
        planned = []
        for m_id, change_seq, changed_at in changed:
            delivered = Delivery.objects.filter(
                kind=self.kind, meeting=m_id, contact=OuterRef("contact_id"), meeting_sequence__gte=change_seq
            )
            since = changed_at.astimezone(PARIS).date()
            rows = recipients({"pk": m_id}, delivered, today=today, member_since=since)
            planned += [
                Delivery(
                    kind=self.kind,
                    meeting_id=m_id,
                    contact_id=contact_id,
                    meeting_starts_at=m_start,
                    meeting_sequence=change_seq,
                    due_at=now,
                )
                for _m, contact_id, m_start, _end, _seq in rows
            ]
        return planned

    def probe(self):
        """The meetings the plan looks at: a meeting still ahead that changed (a superset)."""
        return _changed(probe.now())

    def why_not(self, delivery, batch, at):
        reason = super().why_not(delivery, batch, at)
        if reason is None and delivery.meeting.is_cancelled:
            return "meeting cancelled"
        if reason is None and _changes(batch, delivery.meeting)[-1].sequence != delivery.meeting_sequence:
            return "meeting changed again"
        return reason

    def subject(self, delivery, at):
        meeting, change = delivery.meeting, self.change(delivery)
        what = change.move_words() if change.moved else when(meeting)
        names = {"what": change.headline(meeting.kind), "group": meeting.group.name, "title": meeting.title}
        return _("%(what)s: %(group)s – %(title)s, %(when)s") % {**names, "when": what}

    def change(self, delivery):
        """Old → new since the last update this recipient was sent, or since they joined (changes in a row add up)."""
        meeting = delivery.meeting
        records = getattr(meeting, "_update_changes", None) or list(meeting.changes.order_by("sequence"))
        told = (
            Delivery.objects.filter(
                kind=self.kind, meeting=delivery.meeting_id, contact=delivery.contact_id, status=Delivery.Status.SENT
            )
            .order_by("-meeting_sequence")
            .values_list("meeting_sequence", flat=True)
            .first()
        )
        joined = (
            Membership.objects.filter(group_id=meeting.group_id, contact_id=delivery.contact_id)
            .values_list("joined", flat=True)
            .first()
        )
        # Not what changed before they were told, nor before they joined: they knew neither.
        unsent = [
            r
            for r in records
            if (told is None or r.sequence > told)
            and (joined is None or r.changed_at.astimezone(PARIS).date() >= joined)
        ] or records[-1:]
        return Change.of(unsent)

    def context(self, delivery, batch, at):
        _changes(batch, delivery.meeting)
        change = self.change(delivery)
        return {
            **super().context(delivery, batch, at),
            **_answer_links(delivery, batch),
            "change_lines": change.lines(),
            "change_headline": change.headline(delivery.meeting.kind),
        }


def _changed(now):
    """Meetings still ahead with a change record (few: not a subquery per meeting still ahead)."""
    return Meeting.objects.filter(pk__in=MeetingChange.objects.values("meeting_id")).filter(
        starts_at__gt=now, status__in=LIVE
    )


def _changes(batch, meeting):
    """The meeting's change records, read once per batch."""
    cache = batch.__dict__.setdefault("meeting_changes", {})
    if meeting.pk not in cache:
        cache[meeting.pk] = list(MeetingChange.objects.filter(meeting=meeting.pk).order_by("sequence"))
    meeting._update_changes = cache[meeting.pk]
    return cache[meeting.pk]


class CancellationNotice(MeetingNotice):
    """A meeting still ahead was cancelled: tell its members, with a CANCEL calendar entry."""

    kind = Delivery.Kind.CANCELLATION
    ics_method = "CANCEL"

    def plan(self, now):
        return _notices(self.kind, _cancelled(now), now)

    def probe(self):
        return _notice_rows(self.kind, _cancelled(probe.now()), probe.today())

    def why_not(self, delivery, batch, at):
        reason = super().why_not(delivery, batch, at)
        if reason is None and not delivery.meeting.is_cancelled:
            return "meeting no longer cancelled"
        return reason

    def subject(self, delivery, at):
        return _("Meeting cancelled: %(group)s – %(title)s, %(date)s") % _names(delivery.meeting)

    def attachments(self, delivery, batch, context):
        # Addressed to its recipient (ATTENDEE): calendar clients match the cancellation to them.
        body = mail.meeting_ics(delivery.meeting, context["agenda"], method="CANCEL", attendee=delivery.contact.email)
        return [mail.ics_part(body, "CANCEL")]


def _cancelled(now):
    return {"starts_at__gt": now, "status": Meeting.Status.CANCELLED}


REMINDER, UPDATE, CANCELLATION = ReminderNotice(), UpdateNotice(), CancellationNotice()
