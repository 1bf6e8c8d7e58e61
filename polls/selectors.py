"""What the layer above reads about date polls (the home page)."""

from django.db.models import F

from .models import Invitee, Poll


def open_invitations(contact, limit=10):
    """`contact`'s invitations to open polls, those still to answer first (with their poll and group)."""
    if contact is None:
        return []
    return list(
        Invitee.objects.filter(contact=contact, poll__status=Poll.Status.OPEN)
        .select_related("poll__group")
        .order_by(F("answered_at").asc(nulls_first=True), "poll__deadline", "poll__pk")[:limit]
    )
