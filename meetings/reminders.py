"""What mail is due, read from the database, claimed, then sent: the reminder dispatch.

One pass (`dispatch_due()`) is used by the Celery beat task, `manage.py
send_reminders` and the admin alike. It never relies on a message queued in advance:

1. **Plan.** From the state of the database at `now`, find each message that is due and
   has no `Delivery` row yet — meeting reminders at the group's offsets, an update when a
   meeting's sequence moved on, a cancellation, the Monday digest, the note about missing
   minutes, the minutes a coordinator sent — and insert those rows with `ON CONFLICT DO NOTHING`. The partial unique
   constraints on `Delivery` make each message exist at most once, whatever the number of
   dispatchers planning at the same moment.
2. **Claim.** Take a batch of pending rows that are due, `SELECT … FOR UPDATE SKIP LOCKED`
   on PostgreSQL (two dispatchers never wait for each other and never take the same row),
   and lease them: one more attempt, and `due_at` pushed past the lease, so that a
   dispatcher that dies mid-send leaves them to be taken up again later.
3. **Send.** Check the message still makes sense (a reminder for the time the meeting
   still has, before it starts, to someone who has not declined or left), send it, mark it
   sent. A failed send is retried with back-off (`due_at` moves on), then marked failed.
   Each message is checked and worded at the time of its own sending, read from `clock`
   (the real time; tests give a clock of their own): a long pass never sends a reminder
   after the meeting started.

A reminder missed while nothing ran is caught up on the next pass while the meeting is
still ahead: only the latest offset whose time has come is sent (no pile of reminders).
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from groups.models import Membership, WorkingGroup
from stakeholders.models import Contact

from reference.timezones import PARIS

from . import mail
from .models import Action, AgendaItem, Attendance, Delivery, Meeting

logger = logging.getLogger(__name__)

# The largest offset the group settings allow (groups.models.validate_reminder_offsets).
MAX_OFFSET_DAYS = 60
# A message claimed by a dispatcher that died is taken up again after this.
LEASE = dt.timedelta(minutes=10)
# Waits after the 1st, 2nd, 3rd, 4th failed attempt; the 5th failure is final.
BACKOFF = (dt.timedelta(minutes=2), dt.timedelta(minutes=10), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
BATCH_SIZE = 200
# The coordinator hears about missing minutes 3 days after the meeting (not about old ones).
MINUTES_GRACE = dt.timedelta(days=3)
MINUTES_HORIZON = dt.timedelta(days=30)
# The weekly digest: Monday from 8:00, Paris time; actions due within a week, or overdue.
DIGEST_WEEKDAY, DIGEST_TIME = 0, dt.time(8, 0)
DIGEST_AHEAD = dt.timedelta(days=7)
# Offset 0 means "the morning of the meeting".
SAME_DAY_TIME = dt.time(7, 0)
# Minutes sent by a coordinator reach the members of the group within this time of their
# sending (a pass missed while the worker was down catches up; members who join the week
# after get them too); older minutes are never mailed to newcomers.
MINUTES_SENDING_WINDOW = dt.timedelta(days=7)

LIVE = [Meeting.Status.PLANNED, Meeting.Status.CONFIRMED]


@dataclass
class PassResult:
    """What one pass did; the command prints it."""

    planned: int = 0
    sent: list = field(default_factory=list)
    retrying: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    dropped: list = field(default_factory=list)

    def as_dict(self):
        return {
            "planned": self.planned,
            "sent": len(self.sent),
            "retrying": len(self.retrying),
            "failed": len(self.failed),
            "dropped": len(self.dropped),
        }


# --- When ------------------------------------------------------------------


def wall_clock():
    """The real time, read when called: each message checks it as it leaves (tests pass their own clock)."""
    return timezone.now()



def reminder_due_at(starts_at, offset_days):
    """The instant of the reminder `offset_days` before a meeting, at the same Paris wall-clock time.

    A 9:30 meeting on the Monday after a change of clocks is reminded on Sunday at 9:30 Paris
    time, which is 23 or 25 hours before, not 24.
    """
    local = starts_at.astimezone(PARIS)
    if offset_days == 0:
        return min(starts_at, dt.datetime.combine(local.date(), SAME_DAY_TIME, tzinfo=PARIS))
    wall = local.replace(tzinfo=None) - dt.timedelta(days=offset_days)
    return wall.replace(tzinfo=PARIS)


def current_reminder(starts_at, offsets, now):
    """(offset, due_at) of the reminder due at `now` for a meeting, or None.

    An offset is due from its time until the next (smaller) offset's time, and never once
    the meeting has started: a pass that missed the 7-day reminder and finds the 1-day one
    due sends only the latter.
    """
    if now >= starts_at:
        return None
    times = sorted(((reminder_due_at(starts_at, days), days) for days in set(offsets or [])), reverse=True)
    # Latest due time first: the first one already reached is the current one.
    for due_at, days in times:
        if due_at <= now:
            return days, due_at
    return None


def digest_period(now):
    """(Monday, due instant) of the digest of the week containing `now`."""
    local = now.astimezone(PARIS)
    monday = local.date() - dt.timedelta(days=local.weekday() - DIGEST_WEEKDAY)
    return monday, dt.datetime.combine(monday, DIGEST_TIME, tzinfo=PARIS)


# --- Plan: what is due and not yet claimed ----------------------------------


def _recipients(meeting_filter, delivered, *, today, roles=None, exclude_declined=True):
    """(meeting, contact, starts_at, ends_at, sequence) for current members of the meetings'
    groups matching `meeting_filter` who have no Delivery matching `delivered` yet.

    One query: memberships joined to their group's meetings (the filter on
    `group__meetings__…` goes in one .filter() so that every condition is on the same
    meeting), with the already-claimed and the declined taken out by NOT EXISTS.
    """
    rows = (
        Membership.objects.current(on=today)
        .filter(**{f"group__meetings__{key}": value for key, value in meeting_filter.items()})
        .filter(group__status=WorkingGroup.Status.ACTIVE, contact__is_archived=False)
        .exclude(contact__email="")
        .annotate(
            m_id=F("group__meetings__pk"),
            m_start=F("group__meetings__starts_at"),
            m_end=F("group__meetings__ends_at"),
            m_seq=F("group__meetings__sequence"),
        )
        .filter(~Exists(delivered))
    )
    if roles:
        rows = rows.filter(role__in=roles)
    if exclude_declined:
        declined = Attendance.objects.filter(
            meeting=OuterRef("m_id"), contact=OuterRef("contact_id"), answer=Attendance.Answer.NO
        )
        rows = rows.filter(~Exists(declined))
    return rows.order_by().values_list("m_id", "contact_id", "m_start", "m_end", "m_seq")


def _chunks(items, size=500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_reminders(now):
    offsets = [o for o in WorkingGroup.objects.active().values_list("reminder_offsets", flat=True).distinct() if o]
    if not offsets:
        return []
    horizon_days = max(max(o) for o in offsets)
    # One more day than the largest offset: a change of clocks moves a reminder by an hour.
    candidates = Meeting.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=min(horizon_days, MAX_OFFSET_DAYS) + 1),
        status__in=LIVE,
        group__status=WorkingGroup.Status.ACTIVE,
    ).values_list("pk", "starts_at", "group__reminder_offsets")
    due_by_offset = defaultdict(dict)
    for pk, starts_at, group_offsets in candidates:
        due = current_reminder(starts_at, group_offsets, now)
        if due is not None:
            due_by_offset[due[0]][pk] = due[1]
    today = now.astimezone(PARIS).date()
    planned = []
    for offset, due_at_by_meeting in due_by_offset.items():
        delivered = Delivery.objects.filter(
            kind=Delivery.Kind.REMINDER,
            meeting=OuterRef("m_id"),
            contact=OuterRef("contact_id"),
            offset_days=offset,
            meeting_starts_at=OuterRef("m_start"),
        )
        for chunk in _chunks(list(due_at_by_meeting)):
            for m_id, contact_id, m_start, _end, _seq in _recipients({"pk__in": chunk}, delivered, today=today):
                planned.append(
                    Delivery(
                        kind=Delivery.Kind.REMINDER,
                        meeting_id=m_id,
                        contact_id=contact_id,
                        offset_days=offset,
                        meeting_starts_at=m_start,
                        meeting_sequence=None,
                        due_at=due_at_by_meeting[m_id],
                    )
                )
    return planned


def _notices(kind, meeting_filter, now):
    """Updates and cancellations: one per recipient and meeting sequence."""
    delivered = Delivery.objects.filter(
        kind=kind, meeting=OuterRef("m_id"), contact=OuterRef("contact_id"), meeting_sequence=OuterRef("m_seq")
    )
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
        for m_id, contact_id, m_start, _end, m_seq in _recipients(meeting_filter, delivered, today=today)
    ]


def plan_updates(now):
    """A meeting moved (its sequence grew) and still ahead: one update per recipient and sequence."""
    return _notices(Delivery.Kind.UPDATE, {"starts_at__gt": now, "sequence__gt": 0, "status__in": LIVE}, now)


def plan_cancellations(now):
    return _notices(Delivery.Kind.CANCELLATION, {"starts_at__gt": now, "status": Meeting.Status.CANCELLED}, now)


def plan_minutes_missing(now):
    """A meeting ended 3 days ago or more (within a month) and still has no minutes: tell its coordinators."""
    delivered = Delivery.objects.filter(
        kind=Delivery.Kind.MINUTES_MISSING, meeting=OuterRef("m_id"), contact=OuterRef("contact_id")
    )
    meeting_filter = {
        "kind": Meeting.Kind.MEETING,
        "status__in": [*LIVE, Meeting.Status.HELD],
        "ends_at__lte": now - MINUTES_GRACE,
        "ends_at__gt": now - MINUTES_HORIZON,
        "minutes": "",
        "minutes_status": Meeting.MinutesStatus.NONE,
    }
    today = now.astimezone(PARIS).date()
    rows = _recipients(
        meeting_filter, delivered, today=today, roles=[Membership.Role.COORDINATOR], exclude_declined=False
    )
    return [
        Delivery(
            kind=Delivery.Kind.MINUTES_MISSING,
            meeting_id=m_id,
            contact_id=contact_id,
            meeting_starts_at=m_start,
            due_at=m_end + MINUTES_GRACE,
        )
        for m_id, contact_id, m_start, m_end, _seq in rows
    ]


def plan_minutes(now, meeting_ids=None):
    """Minutes marked sent: one message per current member with an e-mail address, once.

    `services.send_minutes` calls it for its meeting in its own transaction (so the
    deliveries exist, and are counted, as soon as the minutes are marked sent); every
    pass calls it for all meetings, which catches up whatever that missed.
    """
    delivered = Delivery.objects.filter(kind=Delivery.Kind.MINUTES, meeting=OuterRef("m_id"), contact=OuterRef("contact_id"))
    meeting_filter = {
        "minutes_status__in": [Meeting.MinutesStatus.SENT, Meeting.MinutesStatus.ADOPTED],
        "minutes_sent_at__gt": now - MINUTES_SENDING_WINDOW,
        "minutes_sent_at__lte": now,
    }
    if meeting_ids is not None:
        meeting_filter["pk__in"] = list(meeting_ids)
    else:
        # Catching up only minutes that send_minutes started sending: minutes marked sent
        # any other way (before this existed, by an admin, by the demo data) were not
        # meant to be mailed by a background pass.
        meeting_filter["pk__in"] = Delivery.objects.filter(kind=Delivery.Kind.MINUTES).values("meeting_id")
    today = now.astimezone(PARIS).date()
    rows = _recipients(meeting_filter, delivered, today=today, exclude_declined=False)
    return [
        Delivery(kind=Delivery.Kind.MINUTES, meeting_id=m_id, contact_id=contact_id, meeting_starts_at=m_start, due_at=now)
        for m_id, contact_id, m_start, _end, _seq in rows
    ]


def digest_actions(today):
    """Open actions due within a week or overdue, of groups their owner still belongs to."""
    current = Membership.objects.current(on=today).filter(group=OuterRef("group"), contact=OuterRef("owner"))
    return (
        Action.objects.open()
        .filter(due_date__lte=today + DIGEST_AHEAD, group__status=WorkingGroup.Status.ACTIVE)
        .filter(Exists(current))
    )


def plan_digests(now):
    monday, due_at = digest_period(now)
    if now < due_at:
        return []
    today = now.astimezone(PARIS).date()
    owners = (
        Contact.objects.filter(is_archived=False)
        .exclude(email="")
        .filter(Exists(digest_actions(today).filter(owner=OuterRef("pk"))))
        .filter(
            ~Exists(Delivery.objects.filter(kind=Delivery.Kind.DIGEST, contact=OuterRef("pk"), period=monday))
        )
        .values_list("pk", flat=True)
    )
    return [
        Delivery(kind=Delivery.Kind.DIGEST, contact_id=pk, period=monday, due_at=due_at) for pk in owners
    ]


def plan(now):
    """Insert a pending Delivery for every message due at `now` that has none; return how many."""
    due = [
        *plan_cancellations(now),
        *plan_updates(now),
        *plan_reminders(now),
        *plan_digests(now),
        *plan_minutes_missing(now),
        *plan_minutes(now),
    ]
    return insert(due)


def insert(deliveries):
    """Insert planned deliveries; the unique constraints drop what another dispatcher claimed meanwhile."""
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    return len(deliveries)


# --- Claim and send -----------------------------------------------------------


def claim_batch(now, size=BATCH_SIZE):
    """Lease up to `size` due pending deliveries for this dispatcher; their ids."""
    with transaction.atomic():
        due = Delivery.objects.filter(status=Delivery.Status.PENDING, due_at__lte=now).order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        pks = list(due.values_list("pk", flat=True)[:size])
        if pks:
            Delivery.objects.filter(pk__in=pks).update(due_at=now + LEASE, attempts=F("attempts") + 1)
    return pks


class _Batch:
    """What the messages of one batch share, each read once: answers, memberships, published
    agendas, actions; and what is built once per meeting (the .ics, the minutes in HTML)."""

    def __init__(self, deliveries, today):
        meeting_ids = {d.meeting_id for d in deliveries if d.meeting_id}
        contact_ids = {d.contact_id for d in deliveries}
        self.today = today
        # Each recipient's answer so far: a reminder shows it rather than asking again.
        self.answers = {
            (meeting_id, contact_id): answer
            for meeting_id, contact_id, answer in Attendance.objects.filter(
                meeting_id__in=meeting_ids, contact_id__in=contact_ids
            ).values_list("meeting_id", "contact_id", "answer")
        }
        self.declined = {pair for pair, answer in self.answers.items() if answer == Attendance.Answer.NO}
        self.members = set(
            Membership.objects.current(on=today)
            .filter(contact_id__in=contact_ids)
            .values_list("group_id", "contact_id")
        )
        self.coordinators = set(
            Membership.objects.current(on=today)
            .filter(contact_id__in=contact_ids, role=Membership.Role.COORDINATOR)
            .values_list("group_id", "contact_id")
        )
        # Only published agendas: a draft agenda never leaves in a mail or its .ics.
        self.agendas = defaultdict(list)
        for item in AgendaItem.objects.published().filter(meeting_id__in=meeting_ids).order_by(
            "meeting", "position", "pk"
        ):
            self.agendas[item.meeting_id].append(item)
        self.actions = defaultdict(list)
        for action in (
            Action.objects.open().filter(owner_id__in=contact_ids).select_related("group").order_by("due_date", "pk")
        ):
            self.actions[action.owner_id].append(action)
        self.digest_actions = defaultdict(list)
        if any(d.kind == Delivery.Kind.DIGEST for d in deliveries):
            for action in (
                digest_actions(today).filter(owner_id__in=contact_ids).select_related("group").order_by("due_date", "pk")
            ):
                self.digest_actions[action.owner_id].append(action)
        self.ics = {}
        self.minutes_html = {}


def _why_not(delivery, batch, now):
    """Why a claimed message no longer makes sense at `now` (the time of its sending), or None."""
    meeting = delivery.meeting
    pair = (delivery.meeting_id, delivery.contact_id)
    if delivery.kind == Delivery.Kind.DIGEST:
        return None
    if delivery.kind == Delivery.Kind.MINUTES:
        if meeting.minutes_status not in (Meeting.MinutesStatus.SENT, Meeting.MinutesStatus.ADOPTED):
            return "minutes no longer sent"
        if (meeting.group_id, delivery.contact_id) not in batch.members:
            return "no longer a member"
        return None
    if delivery.kind == Delivery.Kind.MINUTES_MISSING:
        if meeting.minutes or meeting.minutes_status != Meeting.MinutesStatus.NONE:
            return "minutes written"
        if meeting.is_cancelled:
            return "meeting cancelled"
        if (meeting.group_id, delivery.contact_id) not in batch.coordinators:
            return "no longer coordinator"
        return None
    if now >= meeting.starts_at:
        return "meeting started"
    if (meeting.group_id, delivery.contact_id) not in batch.members:
        return "no longer a member"
    if pair in batch.declined:
        return "declined"
    if delivery.kind == Delivery.Kind.CANCELLATION:
        return None if meeting.is_cancelled else "meeting no longer cancelled"
    if meeting.is_cancelled:
        return "meeting cancelled"
    if delivery.kind == Delivery.Kind.REMINDER and meeting.starts_at != delivery.meeting_starts_at:
        return "meeting moved"
    if delivery.kind == Delivery.Kind.UPDATE and meeting.sequence != delivery.meeting_sequence:
        return "meeting changed again"
    return None


def send_claimed(pks, now, result=None, *, clock=wall_clock):
    """Send the claimed deliveries `pks`; record each outcome in the database and in `result`.

    `now` is the time of the pass (the batch's "today"); each message is checked, worded
    and stamped at `clock()`, the time it actually leaves.
    """
    result = result or PassResult()
    deliveries = list(
        Delivery.objects.filter(pk__in=pks).select_related("contact", "meeting__group").order_by("due_at", "pk")
    )
    if not deliveries:
        return result
    batch = _Batch(deliveries, now.astimezone(PARIS).date())
    smtp = mail.get_connection()
    try:
        for delivery in deliveries:
            at = clock()
            reason = _why_not(delivery, batch, at)
            if reason is not None:
                _drop(delivery, reason, result)
                continue
            try:
                smtp.open()  # once per batch; again after a failure closed it
                mail.build_message(delivery, batch, connection=smtp, now=at).send()
            except Exception as exc:  # SMTP refused or down, socket errors, a broken template…
                logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
                _close_quietly(smtp)
                _fail(delivery, exc, at, result)
            else:
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=Delivery.Status.SENT, sent_at=at, last_error=""
                )
                delivery.status, delivery.sent_at = Delivery.Status.SENT, at
                result.sent.append(delivery)
    finally:
        _close_quietly(smtp)
    return result


def _close_quietly(smtp):
    try:
        smtp.close()
    except Exception:  # a connection that broke cannot be closed cleanly; it is dropped all the same
        logger.debug("closing the mail connection failed", exc_info=True)


def _drop(delivery, reason, result):
    """A message that no longer makes sense: forget it, or keep a failure the admin should see."""
    if delivery.last_error:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, last_error=f"{delivery.last_error}\nNot sent: {reason}"
        )
        delivery.status = Delivery.Status.FAILED
        result.failed.append(delivery)
    else:
        # Never sent nor tried: deleting it lets nothing through twice, since the plan
        # no longer finds it due (moved, started, cancelled, declined or left).
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).delete()
        delivery.last_error = reason
        result.dropped.append(delivery)


def _fail(delivery, exc, now, result):
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    if delivery.attempts >= MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=error)
        delivery.status = Delivery.Status.FAILED
        result.failed.append(delivery)
    else:
        retry_at = now + BACKOFF[max(delivery.attempts, 1) - 1]
        Delivery.objects.filter(pk=delivery.pk).update(due_at=retry_at, last_error=error)
        delivery.due_at = retry_at
        result.retrying.append(delivery)
    delivery.last_error = error


def send_due(now=None, result=None, *, clock=wall_clock):
    """Claim and send, batch after batch, everything pending and due at `now` (default: `clock()`)."""
    now = now or clock()
    result = result or PassResult()
    while pks := claim_batch(now):
        send_claimed(pks, now, result, clock=clock)
    return result


def dispatch_due(now=None, *, clock=wall_clock):
    """One pass: plan what is due at `now`, then claim and send it. Safe to run several at once.

    `now` defaults to `clock()`; each message is checked against `clock()` as it leaves.
    """
    now = now or clock()
    result = PassResult(planned=plan(now))
    return send_due(now, result, clock=clock)


def resend(pks, now=None, *, clock=wall_clock):
    """Send these deliveries again now (the admin's action), whatever their state."""
    now = now or clock()
    Delivery.objects.filter(pk__in=pks).update(
        status=Delivery.Status.PENDING, attempts=0, due_at=now, last_error="Resent by hand."
    )
    result = PassResult()
    with transaction.atomic():
        claimed = Delivery.objects.filter(pk__in=pks, status=Delivery.Status.PENDING)
        if connection.features.has_select_for_update_skip_locked:
            claimed = claimed.select_for_update(skip_locked=True)
        claimed = list(claimed.values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=claimed).update(due_at=now + LEASE, attempts=F("attempts") + 1)
    return send_claimed(claimed, now, result, clock=clock)
