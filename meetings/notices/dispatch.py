"""One pass of the mail dispatch: plan what is due, claim it, send it.

One pass (`dispatch_due()`) is used by the Celery beat task, `manage.py
send_reminders` and the admin alike. It never relies on a message queued in advance:

1. **Plan.** From the state of the database at `now`, each kind of notice (NOTICES) finds
   each message that is due and has no `Delivery` row yet; those rows are inserted with
   `ON CONFLICT DO NOTHING`. The partial unique constraints on `Delivery` make each
   message exist at most once, whatever the number of dispatchers planning at once.
2. **Claim.** Take a batch of pending rows that are due, `SELECT … FOR UPDATE SKIP LOCKED`
   on PostgreSQL (two dispatchers never wait for each other and never take the same row),
   and lease them: one more attempt, and `due_at` pushed past the lease, so that a
   dispatcher that dies mid-send leaves them to be taken up again later.
3. **Send.** Check the message still makes sense (its kind's `why_not`: a reminder for the
   time the meeting still has, before it starts, to someone who has not declined or left),
   send it, mark it sent. A failed send is retried with back-off (`due_at` moves on), then
   marked failed. Each message is checked and worded at the time of its own sending, read
   from `clock` (the real time; tests give a clock of their own): a long pass never sends
   a reminder after the meeting started.

A reminder missed while nothing ran is caught up on the next pass while the meeting is
still ahead: only the latest offset whose time has come is sent (no pile of reminders).
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from groups.models import Membership
from reference.timezones import PARIS

from ..models import Action, AgendaItem, Attendance, Delivery
from . import mail
from .digest import DIGEST, digest_actions
from .meeting_notices import CANCELLATION, REMINDER, UPDATE
from .minutes import MINUTES, MINUTES_MISSING

logger = logging.getLogger(__name__)

# Every kind of notice, in the order a pass plans them.
NOTICES = {notice.kind: notice for notice in (CANCELLATION, UPDATE, REMINDER, DIGEST, MINUTES_MISSING, MINUTES)}


def register(notice):
    """Add a kind of notice that a higher app defines (from its AppConfig.ready()): every pass
    plans, claims, checks and sends it like this app's own kinds."""
    NOTICES[notice.kind] = notice


# A message claimed by a dispatcher that died is taken up again after this.
LEASE = dt.timedelta(minutes=10)
# Waits after the 1st, 2nd, 3rd, 4th failed attempt; the 5th failure is final.
BACKOFF = (dt.timedelta(minutes=2), dt.timedelta(minutes=10), dt.timedelta(minutes=30), dt.timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1
BATCH_SIZE = 200


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


def wall_clock():
    """The real time, read when called: each message checks it as it leaves (tests pass their own clock)."""
    return timezone.now()


def plan(now):
    """Insert a pending Delivery for every message due at `now` that has none; return how many."""
    return insert([delivery for notice in NOTICES.values() for delivery in notice.plan(now)])


def insert(deliveries):
    """Insert planned deliveries; the unique constraints drop what another dispatcher claimed meanwhile."""
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    return len(deliveries)


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


class Batch:
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
        current = Membership.objects.current(on=today).filter(contact_id__in=contact_ids)
        self.members = set(current.values_list("group_id", "contact_id"))
        self.coordinators = set(current.filter(role=Membership.Role.COORDINATOR).values_list("group_id", "contact_id"))
        # Only published agendas: a draft agenda never leaves in a mail or its .ics.
        self.agendas = defaultdict(list)
        for item in (
            AgendaItem.objects.published().filter(meeting_id__in=meeting_ids).order_by("meeting", "position", "pk")
        ):
            self.agendas[item.meeting_id].append(item)
        self.actions = _by_owner(Action.objects.open().filter(owner_id__in=contact_ids))
        self.digest_actions = {}
        if any(d.kind == Delivery.Kind.DIGEST for d in deliveries):
            self.digest_actions = _by_owner(digest_actions(today).filter(owner_id__in=contact_ids))
        self.ics = {}
        self.minutes_html = {}


def _by_owner(actions):
    by_owner = defaultdict(list)
    for action in actions.select_related("group").order_by("due_date", "pk"):
        by_owner[action.owner_id].append(action)
    return by_owner


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
    batch = Batch(deliveries, now.astimezone(PARIS).date())
    smtp = mail.get_connection()
    try:
        for delivery in deliveries:
            at = clock()
            notice = NOTICES[delivery.kind]
            reason = notice.why_not(delivery, batch, at)
            if reason is not None:
                _drop(delivery, reason, result)
                continue
            try:
                smtp.open()  # once per batch; again after a failure closed it
                mail.build_message(notice, delivery, batch, connection=smtp, now=at).send()
            except Exception as exc:  # SMTP refused or down, socket errors, a broken template…
                logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
                _close_quietly(smtp)
                _fail(delivery, exc, at, result)
            else:
                Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=at, last_error="")
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
