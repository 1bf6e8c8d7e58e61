"""A meeting's agenda: ordered items, the action review, publishing it to members."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ..models import Action, AgendaItem, Meeting


@transaction.atomic
def add_agenda_item(*, meeting, title, duration_minutes, description="", presenter=None, lever="", lever_name=""):
    """A new item at the end of the agenda.

    The meeting's row is locked first, so two additions at once take turns: the second
    reads the last position once the first is written (SQLite's IMMEDIATE transactions
    already take turns; select_for_update does it on PostgreSQL).
    """
    Meeting.objects.select_for_update().filter(pk=meeting.pk).exists()
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(
        meeting=meeting,
        position=last + 1,
        title=title,
        duration_minutes=duration_minutes,
        description=description,
        presenter=presenter,
        lever=lever,
        lever_name=lever_name,
    )


@transaction.atomic
def move_agenda_item(item, *, direction):
    """Swap an item with its neighbour above ("up") or below ("down")."""
    items = list(AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id).order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    return True


@transaction.atomic
def delete_agenda_item(item):
    meeting_id = item.meeting_id
    item.delete()
    items = list(AgendaItem.objects.filter(meeting_id=meeting_id).order_by("position", "pk"))
    for position, other in enumerate(items, start=1):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


def open_actions_markdown(group):
    lines = []
    for action in Action.objects.open().filter(group=group).select_related("owner").order_by("due_date", "pk"):
        due = formats.date_format(action.due_date, "j F Y") if action.due_date else _("no due date")
        lines.append(f"- {action.title} ({action.owner.full_name}, {due})")
    return "\n".join(lines)


@transaction.atomic
def publish_agenda(meeting, *, by=None):
    """Show the agenda to members; the action review item keeps the open actions of this day."""
    with translation.override(settings.LANGUAGE_CODE):
        for item in meeting.agenda_items.filter(is_action_review=True, description=""):
            item.description = open_actions_markdown(meeting.group) or _("No open action.")
            item.save(update_fields=["description"])
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    return meeting


def unpublish_agenda(meeting, *, by=None):
    meeting.agenda_published_at = None
    meeting.save(update_fields=["agenda_published_at", "updated_at"])
    return meeting
