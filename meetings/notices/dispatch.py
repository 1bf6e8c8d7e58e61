"""One pass of the mail dispatch: plan what is due, claim it, send it.

One pass (`dispatch_due()`) is used by the Celery beat task, `manage.py
send_reminders` and the admin alike. It never relies on a message queued in advance:

1. **Plan.** From the state of the database at `now`, each kind of notice (NOTICES) finds
   each message that is due and has no `Delivery` row yet; those rows are inserted with
   `ON CONFLICT DO NOTHING`. The partial unique constraints on `Delivery` make each
   message exist at most once, whatever the number of dispatchers planning at once.
2. **Claim.** Take a batch of pending rows that are due, `SELECT … FOR UPDATE SKIP LOCKED`
   on PostgreSQL (two dispatchers never wait for each other and never take the same row),
   and lease them (`lease.py`): a token of this claim, one more attempt, and `due_at`
   pushed a lease past the claim, so that a dispatcher that dies mid-send leaves them to
   be taken up again later. The lease is renewed while the batch is sending, and only its
   holder marks a row sent: a slow dispatcher overtaken by another sends nothing twice.
3. **Send.** Check the message still makes sense (its kind's `why_not`: a reminder for the
   time the meeting still has, before it starts, to someone who has not declined or left),
   send it, mark it sent. A failed send is retried with back-off (`due_at` moves on, at
   most RETRY_CAP apart) while the message is still useful (until the meeting starts, the
   digest's week ends), then marked expired; a permanent refusal (5xx) is marked failed.
   Each message is checked and worded at the time of its own sending, read from `clock`
   (the real time; tests give a clock of their own): a long pass never sends a reminder
   after the meeting started.

`manage.py send_reminders` and the admin run all three steps in one process. The periodic
Celery pass (meetings/tasks.py) plans, then fans out: `due_chunks()` lists the due rows in
chunks, and each chunk is a task (`send_chunk()`) that claims its own rows (2.) and sends
them (3.) on one SMTP connection, on whichever worker takes it.

A reminder missed while nothing ran is caught up on the next pass while the meeting is
still ahead: only the latest offset whose time has come is sent (no pile of reminders).
"""

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groups.models import Membership
from reference.timezones import PARIS

from ..messages.notice import MESSAGE
from ..models import Action, AgendaItem, Attendance, Delivery
from . import lease, mail, meeting_notices, probe
from .digest import DIGEST, digest_actions
from .invitation import INVITATION
from .meeting_notices import CANCELLATION, REMINDER, UPDATE
from .minutes import MINUTES, MINUTES_CORRECTION, MINUTES_MISSING

logger = logging.getLogger(__name__)

# Every kind of notice, in the order a pass plans them.
NOTICES = {
    notice.kind: notice
    for notice in (
        CANCELLATION,
        UPDATE,
        REMINDER,
        DIGEST,
        MINUTES_MISSING,
        MINUTES,
        MINUTES_CORRECTION,
        INVITATION,
        MESSAGE,
    )
}


def register(notice):
    """Add a kind of notice that a higher app defines (from its AppConfig.ready()): every pass
    plans, claims, checks and sends it like this app's own kinds."""
    NOTICES[notice.kind] = notice


# Waits after the 1st, 2nd, 3rd failed attempt, then RETRY_CAP after each: a message is tried
# again until it stops being useful (its kind's `useful_until`), then marked expired.
RETRY_CAP = dt.timedelta(hours=1)
BACKOFF = (dt.timedelta(minutes=2), dt.timedelta(minutes=10), dt.timedelta(minutes=30), RETRY_CAP)
BATCH_SIZE = 200


@dataclass
class PassResult:
    """What one pass did; the command prints it."""

    planned: int = 0
    sent: list = field(default_factory=list)
    retrying: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    expired: list = field(default_factory=list)
    # Rows the admin asked to resend that another dispatcher was holding (their ids).
    busy: list = field(default_factory=list)

    def as_dict(self):
        return {
            "planned": self.planned,
            "sent": len(self.sent),
            "retrying": len(self.retrying),
            "failed": len(self.failed),
            "expired": len(self.expired),
            "dropped": len(self.dropped),
        }


def wall_clock():
    """The real time, read when called: each message checks it as it leaves (tests pass their own clock)."""
    return timezone.now()


def plan(now):
    """Insert a pending Delivery for every message due at `now` that has none; return how many."""
    # One transaction: the reminders' mark of what has been checked moves only with the rows
    # planned (catch_up.py); a pass that fails leaves both as they were.
    with transaction.atomic():
        # Only the kinds whose probe says they may owe something (probe.py): in the same
        # transaction, so what a probe misses by a moment the next pass finds.
        owing = probe.may_owe(NOTICES, now)
        return insert([d for kind, notice in NOTICES.items() if kind in owing for d in notice.plan(now)])


def insert(deliveries):
    """Insert planned deliveries; the unique constraints drop what another dispatcher claimed meanwhile."""
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    return len(deliveries)


def due_chunks(now, size=None):
    """The ids of the pending deliveries due at `now`, oldest due first, in lists of `size`
    (settings.DELIVERY_CHUNK_SIZE): what a pass fans out, one chunk task each. Nothing is
    claimed here: each chunk claims its own rows when it runs (`send_chunk`), and a row
    another chunk holds (its lease ends later than `now`) is not listed."""
    size = size or settings.DELIVERY_CHUNK_SIZE
    pks = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    return [pks[start : start + size] for start in range(0, len(pks), size)]


def send_chunk(pks, now=None, *, clock=wall_clock):
    """Claim these deliveries (those still pending, due and free: SKIP LOCKED) and send them,
    on one SMTP connection. A row another chunk took, or sent, meanwhile is skipped."""
    now = now or clock()
    claimed = lease.claim(now, len(pks), clock=clock, pks=pks)
    return send_claimed(claimed, now, clock=clock)


def claim_batch(now, size=BATCH_SIZE, *, clock=wall_clock):
    """Lease up to `size` pending deliveries due at `now` to this dispatcher: a `Lease` (a list of their ids)."""
    return lease.claim(now, size, clock=clock)


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
        # What each meeting's group needs (its coordinators for Reply-To, who leaves it), read
        # for all the groups of the batch at once rather than group by group.
        group_ids = {d.meeting.group_id for d in deliveries if d.meeting_id}
        mail.coordinator_addresses(self, group_ids)
        meeting_notices.membership_ends(self, group_ids)


def _by_owner(actions):
    by_owner = defaultdict(list)
    for action in actions.select_related("group").order_by("due_date", "pk"):
        by_owner[action.owner_id].append(action)
    return by_owner


def send_claimed(claimed, now, result=None, *, clock=wall_clock):
    """Send the deliveries of the lease `claimed`; record each outcome in the database and in `result`.

    `now` is the time of the pass (the batch's "today"); each message is checked, worded
    and stamped at `clock()`, the time it actually leaves. The lease is renewed while the
    batch is sending; a row whose lease another dispatcher took over is left to it.
    """
    result = result or PassResult()
    deliveries = list(
        Delivery.objects.filter(pk__in=list(claimed), lease=claimed.token)
        .select_related("contact", "meeting__group")
        .order_by("due_at", "pk")
    )
    if not deliveries:
        return result
    batch = Batch(deliveries, now.astimezone(PARIS).date())
    smtp = mail.get_connection()
    with lease.quick_commits():
        try:
            for delivery in deliveries:
                at = clock()
                claimed.renew_if_due(at)
                if not claimed.holds(delivery.pk, at):
                    continue  # taken over by another dispatcher after this lease ran out
                _send_one(delivery, claimed, batch, smtp, result, at)
        finally:
            _close_quietly(smtp)
    return result


def _send_one(delivery, claimed, batch, smtp, result, at):
    notice = NOTICES[delivery.kind]
    expired = at >= notice.useful_until(delivery)
    reason = notice.why_not(delivery, batch, at)
    if reason is None and expired:
        reason = "no longer useful"
    if reason is None and not delivery.contact.email:
        reason = "no address"
    if reason is not None:
        _drop(delivery, claimed, reason, result, expired=expired)
        return
    try:
        smtp.open()  # once per batch; again after a failure closed it
        mail.build_message(notice, delivery, batch, connection=smtp, now=at).send()
    except Exception as exc:  # SMTP refused or down, socket errors, a broken template…
        logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
        _close_quietly(smtp)
        _fail(delivery, claimed, exc, at, result, notice.useful_until(delivery))
    else:
        if not claimed.mark_sent(delivery.pk, at):
            logger.error("delivery %s was sent after its lease was taken over", delivery.pk)
        delivery.status, delivery.sent_at = Delivery.Status.SENT, at
        result.sent.append(delivery)


def _close_quietly(smtp):
    try:
        smtp.close()
    except Exception:  # a connection that broke cannot be closed cleanly; it is dropped all the same
        logger.debug("closing the mail connection failed", exc_info=True)


def _drop(delivery, claimed, reason, result, *, expired):
    """A message that no longer makes sense: forget it, or keep what the admin should see."""
    if delivery.last_error:
        status = Delivery.Status.EXPIRED if expired else Delivery.Status.FAILED
        claimed.finish(delivery.pk, status, f"{delivery.last_error}\nNot sent: {reason}")
        delivery.status = status
        (result.expired if expired else result.failed).append(delivery)
    else:
        # Never sent nor tried: deleting it lets nothing through twice, since the plan
        # no longer finds it due (moved, started, cancelled, declined or left).
        claimed.forget(delivery.pk)
        delivery.last_error = reason
        result.dropped.append(delivery)


def is_permanent(exc):
    """An SMTP refusal that says trying again will not help (a 5xx answer)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def backoff(attempts):
    """The wait after the `attempts`-th failed attempt: growing, then RETRY_CAP."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def _fail(delivery, claimed, exc, at, result, useful_until):
    """A failed attempt: tried again after a back-off while the message is still useful."""
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    delivery.last_error = error
    if is_permanent(exc):
        claimed.finish(delivery.pk, Delivery.Status.FAILED, error)
        delivery.status = Delivery.Status.FAILED
        result.failed.append(delivery)
        return
    # The last retry falls at the latest when it stops being useful: that pass marks it expired.
    retry_at = min(at + backoff(delivery.attempts), useful_until)
    claimed.retry_at(delivery.pk, retry_at, error)
    delivery.due_at = retry_at
    result.retrying.append(delivery)


def send_due(now=None, result=None, *, clock=wall_clock):
    """Claim and send, batch after batch, everything pending and due at `now` (default: `clock()`)."""
    now = now or clock()
    result = result or PassResult()
    while claimed := claim_batch(now, clock=clock):
        send_claimed(claimed, now, result, clock=clock)
    return result


def dispatch_due(now=None, *, clock=wall_clock):
    """One pass: plan what is due at `now`, then claim and send it. Safe to run several at once.

    `now` defaults to `clock()`; each message is checked against `clock()` as it leaves.
    """
    now = now or clock()
    result = PassResult(planned=plan(now))
    return send_due(now, result, clock=clock)


def resend(pks, now=None, *, clock=wall_clock):
    """Send these deliveries again now (the admin's action), whatever their state, except rows
    that a dispatcher holds at this moment (it is sending them): those are left to it."""
    now = now or clock()
    claimed = lease.claim(now, len(pks), clock=clock, pks=pks, reset=True)
    result = PassResult(busy=[pk for pk in pks if pk not in claimed])
    return send_claimed(claimed, now, result, clock=clock)
