"""What every kind of notice answers: what it owes now, whether a claimed one still holds, what it says."""

import datetime as dt

# How long a message of a kind that says nothing else is worth retrying after it was planned.
USEFUL_FOR = dt.timedelta(days=7)


class Notice:
    """One kind of mail (a `Delivery.Kind`).

    `plan(now)` returns the unsaved deliveries due at `now` that have no row yet (the
    dispatch inserts them; the unique constraints drop the ones another dispatcher took).
    `why_not(delivery, batch, at)` is checked as the message leaves: a reason to drop it,
    or None. `useful_until(delivery)`: after that instant the message is not worth sending (a
    failed one is retried until then, then marked expired). `subject` and `context` word it;
    `attachments` adds files (a calendar entry); `groups` names the groups whose coordinators
    replies go to, for a kind the dispatch cannot tell it of. `probe()` lets a pass skip a
    plan that would find nothing (probe.py).
    """

    kind = None

    def plan(self, now):
        return []

    def probe(self):
        """A queryset with a row whenever `plan` may find something, its values of the pass as
        probe.At placeholders (probe.py); None: always plan."""
        return None

    @property
    def has_probe(self):
        return type(self).probe is not Notice.probe

    def why_not(self, delivery, batch, at):
        return None

    def useful_until(self, delivery):
        return delivery.created_at + USEFUL_FOR

    def subject(self, delivery, at):
        raise NotImplementedError

    def context(self, delivery, batch, at):
        return {}

    def attachments(self, delivery, batch, context):
        return []

    def groups(self, delivery, batch):
        """The groups the mail is about, whose coordinators replies go to: the meeting's group;
        a kind about something else says which."""
        return [delivery.meeting.group_id] if delivery.meeting_id else []

    @property
    def template(self):
        """meetings/emails/<kind>.txt and .html"""
        return f"meetings/emails/{self.kind}"
