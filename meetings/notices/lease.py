"""Leases on deliveries: who may send a row, until when.

A claim takes pending rows that are due and stamps them with a token of its own and a
lease end (`due_at`, counted from the claim). Only the holder of a row's lease may renew
it or record its outcome: every write below is conditioned on the token, so a dispatcher
whose lease ran out (it was slow, or stopped) and was taken over by another one learns it
from a write that touched nothing, and sends nothing more of that row.

The unit is a `Lease`: the rows of one claim. A pass claims batch after batch; a chunk
task claims the rows it was given (`claim(pks=…)`). Both renew while they send
(`renew()`, every third of the lease) and record each outcome with `mark_sent`,
`retry_at` or `finish`.

The guarantee: a row is sent twice only if one message takes longer to hand to the SMTP
relay than two thirds of the lease (EMAIL_TIMEOUT is far below it).
"""

import contextlib
import datetime as dt
import uuid

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Delivery


def lease_time():
    """How long after its claim (or its last renewal) a row a dispatcher stopped sending is
    taken up again: settings.DELIVERY_LEASE_SECONDS, read when used (tests shorten it)."""
    return dt.timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)


def held(now):
    """Rows a dispatcher holds at `now`: nobody else may reset or send them."""
    return Q(status=Delivery.Status.PENDING, lease__isnull=False, due_at__gt=now)


class Lease(list):
    """The primary keys one claim holds, under `token`; a list, so that it reads as one."""

    def __init__(self, pks, token, clock):
        super().__init__(pks)
        self.token = token
        self.clock = clock
        self.renewed_at = clock()

    def _mine(self, pk):
        return Delivery.objects.filter(pk=pk, lease=self.token, status=Delivery.Status.PENDING)

    def holds(self, pk, now=None):
        """Whether this lease still holds the row. Within a third of a lease of the claim or of
        the last renewal, nobody else can have taken it (a claim takes only rows whose lease has
        run out, the admin's resend leaves held rows alone): no query. Later, the database says."""
        now = now or self.clock()
        if pk not in self:
            return False
        return now - self.renewed_at < lease_time() / 3 or self._mine(pk).exists()

    def renew(self, now=None):
        """Push the lease of every row still held to a full lease from `now`; keep only those."""
        now = now or self.clock()
        with transaction.atomic():
            mine = Delivery.objects.filter(pk__in=list(self), lease=self.token, status=Delivery.Status.PENDING)
            mine.update(due_at=now + lease_time())
            still = set(mine.values_list("pk", flat=True))
        self[:] = [pk for pk in self if pk in still]
        self.renewed_at = now
        return still

    def renew_if_due(self, now):
        """Renew once a third of the lease has passed since the last renewal."""
        if now - self.renewed_at >= lease_time() / 3:
            self.renew(now)

    def mark_sent(self, pk, at):
        """Record the row as sent, if this lease still holds it; whether it did."""
        return bool(self._mine(pk).update(status=Delivery.Status.SENT, sent_at=at, last_error="", lease=None))

    def retry_at(self, pk, when, error):
        """Give the row back, to be tried again at `when`."""
        return bool(self._mine(pk).update(due_at=when, last_error=error, lease=None))

    def finish(self, pk, status, error):
        """Close the row as failed or expired."""
        return bool(self._mine(pk).update(status=status, last_error=error, lease=None))

    def forget(self, pk):
        """Delete a row never sent nor tried that no longer makes sense."""
        return bool(self._mine(pk).filter(last_error="").delete()[0])


@contextlib.contextmanager
def quick_commits():
    """While a batch sends, on PostgreSQL: each outcome's commit returns without waiting for
    the disk (`synchronous_commit = off`, this connection only, until the batch ends).

    A flush per mail was most of a mail's cost. Other dispatchers see the outcome at once
    (the commit is done, only its flush is late), so a worker killed mid-batch loses
    nothing; only a crash of the database server itself in the next fraction of a second
    could forget that the last few mails left, and send them again once their lease runs out.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def claim(now, size, *, clock=timezone.now, pks=None, reset=False):
    """Lease up to `size` due pending rows (among `pks` when given), the oldest due first.

    `reset` (the admin's resend) takes the given rows whatever their state, except those
    another dispatcher holds, and starts their attempts again.
    """
    token = uuid.uuid4()
    with transaction.atomic():
        if reset:
            rows = Delivery.objects.filter(pk__in=pks).exclude(held(now))
        else:
            rows = Delivery.objects.filter(status=Delivery.Status.PENDING, due_at__lte=now)
            if pks is not None:
                rows = rows.filter(pk__in=pks)
        rows = rows.order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        taken = list(rows.values_list("pk", flat=True)[:size])
        if taken:
            lease = Lease(taken, token, clock)
            changes = {"lease": token, "due_at": lease.renewed_at + lease_time(), "attempts": F("attempts") + 1}
            if reset:
                changes.update(status=Delivery.Status.PENDING, attempts=1, last_error="Resent by hand.")
            Delivery.objects.filter(pk__in=taken).update(**changes)
            return lease
    return Lease([], token, clock)
