from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings.notices import dispatch


def describe(delivery):
    parts = [delivery.get_kind_display()]
    if delivery.kind == delivery.Kind.REMINDER:
        parts[0] += f" (J-{delivery.offset_days})"
    parts.append(f"{delivery.contact.full_name} <{delivery.contact.email}>")
    if delivery.meeting_id:
        parts.append(str(delivery.meeting))
    return " · ".join(parts)


class Command(BaseCommand):
    help = "Run one reminder pass now (for cron users): send what is due and print it."

    def handle(self, *args, **options):
        translation.activate("fr")
        result = dispatch.dispatch_due(now=timezone.now())
        for delivery in result.sent:
            self.stdout.write(_("sent: %(what)s") % {"what": describe(delivery)})
        for delivery in result.retrying:
            self.stdout.write(
                _("will retry: %(what)s (%(error)s)") % {"what": describe(delivery), "error": delivery.last_error}
            )
        for delivery in result.failed:
            self.stdout.write(
                _("failed: %(what)s (%(error)s)") % {"what": describe(delivery), "error": delivery.last_error}
            )
        for delivery in result.expired:
            self.stdout.write(
                _("expired: %(what)s (%(error)s)") % {"what": describe(delivery), "error": delivery.last_error}
            )
        counts = {name: len(getattr(result, name)) for name in ("sent", "retrying", "failed", "expired")}
        self.stdout.write(_("%(sent)d sent, %(retrying)d to retry, %(failed)d failed, %(expired)d expired.") % counts)
