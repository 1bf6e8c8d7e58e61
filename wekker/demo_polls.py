"""The demo's date poll: the mixité group looks for the date of its autumn workshop.

Open, three dates five to six weeks ahead, an answer deadline ten days ahead. The group's
members and a partner outside it (the mobility group's Marie Nédélec) are asked; four members
have answered (and had their invitation); `membre` has not: the first pass mails them theirs.
Idempotent: found by its title, brought back to this state (a fresh creation time, so its
invitations are still due).
"""

import datetime as dt

from django.utils import timezone

from groups.models import Membership
from meetings.models import Delivery
from polls.models import Answer, Invitee, Poll, PollOption
from reference.timezones import PARIS

TITLE = "Atelier d’automne : choix de la date"
ANSWERED = {
    "Nolwenn Kerbrat": ("yes", "maybe", "no", "Je peux venir en visio si besoin."),
    "Erwan Le Bihan": ("yes", "yes", "maybe", ""),
    "Gwenaëlle Tanguy": ("no", "yes", "yes", "Le jeudi, je suis en CA."),
    "Maëlle Riou": ("yes", "no", "maybe", ""),
}


def _slots(today):
    """Tuesday and Thursday of the sixth week ahead, and Tuesday of the seventh, 9:30–12:00."""
    tuesday = today + dt.timedelta(weeks=6, days=(1 - today.weekday()) % 7)
    days = [tuesday, tuesday + dt.timedelta(days=2), tuesday + dt.timedelta(weeks=1)]
    return [
        (dt.datetime.combine(day, dt.time(9, 30), tzinfo=PARIS), dt.datetime.combine(day, dt.time(12), tzinfo=PARIS))
        for day in days
    ]


def seed_poll(group, people, today):
    coordinator = people["coordinatrice"]
    poll, _ = Poll.objects.update_or_create(
        group=group,
        title=TITLE,
        defaults={
            "description": "Un atelier d’une matinée avec les organismes de formation et les employeurs du BTP.",
            "place": "Maison de l'emploi, 12 rue de Brest, Rennes",
            "deadline": today + dt.timedelta(days=10),
            "status": Poll.Status.OPEN,
            "chosen": None,
            "meeting": None,
            "created_by": coordinator,
        },
    )
    Poll.objects.filter(pk=poll.pk).update(created_at=timezone.now())
    wanted = _slots(today)
    PollOption.objects.filter(poll=poll).exclude(
        pk__in=[PollOption.objects.get_or_create(poll=poll, starts_at=s, ends_at=e)[0].pk for s, e in wanted]
    ).delete()
    options = list(poll.options.order_by("starts_at"))
    contacts = [m.contact for m in Membership.objects.current(on=today).filter(group=group).select_related("contact")]
    for contact in [*contacts, people["Marie Nédélec"]]:
        Invitee.objects.get_or_create(poll=poll, contact=contact)
    for name, (*choices, comment) in ANSWERED.items():
        _answered(poll, people[name], options, choices, comment)
    Invitee.objects.filter(poll=poll, contact=people["membre"]).update(answered_at=None, comment="")
    Answer.objects.filter(invitee__poll=poll, invitee__contact=people["membre"]).delete()
    return poll


def _answered(poll, contact, options, choices, comment):
    invitee = Invitee.objects.get(poll=poll, contact=contact)
    for option, choice in zip(options, choices, strict=True):
        Answer.objects.update_or_create(invitee=invitee, option=option, defaults={"choice": choice})
    invitee.comment, invitee.answered_at = comment, timezone.now()
    invitee.save(update_fields=["comment", "answered_at"])
    Delivery.objects.get_or_create(
        kind=Delivery.Kind.POLL_INVITATION,
        contact=contact,
        ref=f"poll:{poll.pk}",
        defaults={"status": Delivery.Status.SENT, "due_at": timezone.now(), "sent_at": timezone.now(), "attempts": 1},
    )
