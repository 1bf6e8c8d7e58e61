"""What every kind of notice answers: what it owes now, whether a claimed one still holds, what it says."""


class Notice:
    """One kind of mail (a `Delivery.Kind`).

    `plan(now)` returns the unsaved deliveries due at `now` that have no row yet (the
    dispatch inserts them; the unique constraints drop the ones another dispatcher took).
    `why_not(delivery, batch, at)` is checked as the message leaves: a reason to drop it,
    or None. `subject` and `context` word it; `attachments` adds files (a calendar entry).
    """

    kind = None

    def plan(self, now):
        return []

    def why_not(self, delivery, batch, at):
        return None

    def subject(self, delivery, at):
        raise NotImplementedError

    def context(self, delivery, batch, at):
        return {}

    def attachments(self, delivery, batch, context):
        return []

    @property
    def template(self):
        """meetings/emails/<kind>.txt and .html"""
        return f"meetings/emails/{self.kind}"
