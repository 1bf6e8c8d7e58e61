"""Minutes already sent change only through a correction ("rectificatif"): who, when, what changed, mailed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import tasks
from ..models import Meeting, MinutesCorrection
from ..notices import dispatch
from ..notices.minutes import MINUTES_CORRECTION
from .services import MINUTES_MAX_LENGTH


@transaction.atomic
def correct_minutes(meeting, *, text, reason="", by=None):
    """Correct minutes sent to the members: record the correction, save the text, mail the members.

    Returns the MinutesCorrection. Adopted minutes are frozen; draft minutes are simply saved.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.minutes_status == Meeting.MinutesStatus.ADOPTED:
        raise ValidationError(_("These minutes were adopted: they can no longer be changed."))
    if meeting.minutes_status != Meeting.MinutesStatus.SENT:
        raise ValidationError(_("Only minutes sent to members are corrected this way."))
    if len(text) > MINUTES_MAX_LENGTH:
        raise ValidationError(_("The minutes are too long: %(max)s characters at most.") % {"max": "200 000"})
    if not text.strip():
        raise ValidationError(_("The minutes are empty: write them before sending."))
    if text == meeting.minutes:
        raise ValidationError(_("Nothing changed in the minutes: no correction to send."), code="unchanged")
    now = timezone.now()
    number = (meeting.minutes_corrections.aggregate(last=Max("number"))["last"] or 0) + 1
    correction = MinutesCorrection.objects.create(
        meeting=meeting,
        number=number,
        corrected_at=now,
        corrected_by=by,
        reason=reason.strip()[:300],
        before=meeting.minutes,
        after=text,
    )
    Meeting.objects.filter(pk=meeting.pk).update(minutes=text, minutes_updated_at=now, updated_at=now)
    dispatch.insert(MINUTES_CORRECTION.plan(now, corrections=[correction]))
    transaction.on_commit(tasks.dispatch_soon)
    return correction
