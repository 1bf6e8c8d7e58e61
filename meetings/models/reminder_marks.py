"""How far the reminders' plan has looked, so that an idle pass need not check every reminder again."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderMark(models.Model):
    """One row: every reminder due by `checked_through` has been planned, all of them checked again at `full_check_at`.

    Written by the pass that planned, in the transaction that inserted its deliveries: a pass
    that failed leaves it where it was, and the next one checks again from there.
    """

    checked_through = models.DateTimeField(_("checked through"))
    full_check_at = models.DateTimeField(_("last full check"))

    class Meta:
        verbose_name = _("reminders' plan mark")
        verbose_name_plural = _("reminders' plan marks")

    def __str__(self):
        return f"{self.checked_through:%Y-%m-%d %H:%M}"


class ReminderChange(models.Model):
    """A write that may owe a reminder the plan had already checked: a member joined, a meeting
    moved, a "no" was taken back, a reminder row was deleted…

    Inserted by database triggers (migration 0009_reminder_marks), whatever wrote the row
    (a form, the admin, a queryset update, SQL); the next pass deletes what it sees and checks
    every reminder again.
    """

    table = models.CharField(_("table"), max_length=63)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("change since the reminders' plan")
        verbose_name_plural = _("changes since the reminders' plan")

    def __str__(self):
        return f"{self.table} {self.at:%Y-%m-%d %H:%M}"
