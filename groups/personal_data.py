"""What groups keep about a person, for the RGPD export and erasure (stakeholders.personal_data)."""

from django.db.models import F
from django.utils import timezone

from stakeholders import personal_data

from .models import Membership


@personal_data.section("memberships")
def memberships(contact):
    today = timezone.localdate()
    return [
        {
            "group": m.group.name,
            "role": m.role,
            "joined": m.joined.isoformat() if m.joined else None,
            "left": m.left.isoformat() if m.left else None,
            "current": m.is_current_on(today),
        }
        for m in Membership.objects.filter(contact=contact).select_related("group").order_by("joined", "pk")
    ]


@personal_data.on_erase
def end_memberships(contact, *, today):
    """Current memberships end today; those due to start later end on their first day."""
    running = Membership.objects.filter(contact=contact).not_ended(today)
    running.filter(joined__gt=today).update(left=F("joined"))
    running.exclude(joined__gt=today).update(left=today)
