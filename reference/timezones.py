"""The network's time zone: meetings, reminders and calendars are in Paris time whatever
the server's or the reader's own setting."""

from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
