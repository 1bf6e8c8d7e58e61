from django import template

from ..spans import meeting_when

register = template.Library()


@register.filter
def when(meeting):
    """{{ meeting|when }}: "mardi 9 décembre 2025, 9h30–12h00", or the span of a multi-day event."""
    return meeting_when(meeting)
