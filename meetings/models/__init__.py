"""Meetings, their agendas, attendance, actions and the mails they cause."""

from .action import Action, ActionQuerySet
from .attendance import Attendance
from .changes import SCHEDULE_FIELDS, MeetingChange, MinutesCorrection
from .delivery import Delivery
from .document import Document, DocumentQuerySet
from .meeting import AgendaItem, AgendaItemQuerySet, GroupContentQuerySet, Lever, Meeting, MeetingQuerySet
from .message import GroupMessage, GroupMessageQuerySet
from .reminder_marks import ReminderChange, ReminderMark

__all__ = [
    "Action",
    "ActionQuerySet",
    "AgendaItem",
    "AgendaItemQuerySet",
    "Attendance",
    "Delivery",
    "Document",
    "DocumentQuerySet",
    "GroupContentQuerySet",
    "GroupMessage",
    "GroupMessageQuerySet",
    "Lever",
    "Meeting",
    "MeetingChange",
    "MinutesCorrection",
    "ReminderChange",
    "ReminderMark",
    "SCHEDULE_FIELDS",
    "MeetingQuerySet",
]
