"""What date polls keep about a person, for the RGPD export and erasure (stakeholders.personal_data)."""

from stakeholders import personal_data
from stakeholders.personal_data import iso

from .models import Answer, Invitee, label


@personal_data.section("date_polls")
def date_polls(contact):
    invitations = Invitee.objects.filter(contact=contact).select_related("poll__group").order_by("poll__created_at")
    answers = Answer.objects.filter(invitee__contact=contact).select_related("option").order_by("option__starts_at")
    by_invitee = {}
    for answer in answers:
        by_invitee.setdefault(answer.invitee_id, []).append(
            {"date": label(answer.option.starts_at, answer.option.ends_at), "answer": answer.choice}
        )
    return [
        {
            "group": i.poll.group.name,
            "poll": i.poll.title,
            "answered_at": iso(i.answered_at),
            "comment": i.comment,
            "answers": by_invitee.get(i.pk, []),
        }
        for i in invitations
    ]


@personal_data.on_erase
def erase_comments(contact, *, today):
    """The answers stay (the totals still add up, under the erased name); the free-text comments go."""
    Invitee.objects.filter(contact=contact).update(comment="")
