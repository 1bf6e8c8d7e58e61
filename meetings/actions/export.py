"""The actions page as a spreadsheet: the same filters (query parameters) and the same rows."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from groups import xlsx

from ..models import Action, Lever
from .views import filtered_actions


def columns():
    return [
        xlsx.Column(_("Action"), 45),
        xlsx.Column(_("Group"), 28),
        xlsx.Column(_("Kind"), 10),
        xlsx.Column(_("Lever"), 18),
        xlsx.Column(_("Status"), 14),
        xlsx.Column(_("Owner"), 24),
        xlsx.Column(_("Organisation"), 30),
        xlsx.Column(_("Due date"), 12),
        xlsx.Column(_("Overdue"), 10),
        xlsx.Column(_("Decided at the meeting"), 30),
        xlsx.Column(_("Meeting date"), 12),
        xlsx.Column(_("Progress"), 45),
    ]


def rows(actions, today):
    """One list of values per action; the labels of the choices translated once, not per row."""
    yes, no = _("yes"), _("no")
    kinds, levers, statuses = (
        {value: str(label) for value, label in choices}
        for choices in (Action.Kind.choices, Lever.choices, Action.Status.choices)
    )
    for action in actions:
        overdue = action.is_open and action.due_date is not None and action.due_date < today
        meeting = action.meeting
        yield [
            action.title,
            action.group.name,
            kinds.get(action.kind, action.kind),
            levers.get(action.lever, action.lever),
            statuses.get(action.status, action.status),
            action.owner.full_name,
            action.owner.organisation.name,
            action.due_date,
            yes if overdue else no,
            meeting.title if meeting else "",
            timezone.localtime(meeting.starts_at).date() if meeting else None,
            action.progress,
        ]


@require_safe
@login_required
def actions_xlsx(request):
    """/actions/export.xlsx: every action the page would list with these filters, on one sheet."""
    found = filtered_actions(request)
    today = timezone.localdate()
    actions = found.qs.iterator(chunk_size=2000)
    return xlsx.response(columns(), rows(actions, today), title=_("Actions"), filename=f"actions-{today}.xlsx")
