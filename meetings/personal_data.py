"""What meetings keep about a person, for the RGPD export (stakeholders.personal_data)."""

from stakeholders import personal_data
from stakeholders.personal_data import iso

from .models import Action, Attendance, Delivery


@personal_data.section("attendances")
def attendances(contact):
    rows = Attendance.objects.filter(contact=contact).select_related("meeting__group")
    return [
        {
            "group": a.meeting.group.name,
            "meeting": a.meeting.title,
            "starts_at": iso(a.meeting.starts_at),
            "answer": a.answer,
            "answered_at": iso(a.answered_at),
            "presence": a.presence,
        }
        for a in rows.order_by("meeting__starts_at", "pk")
    ]


@personal_data.section("owned_actions")
def owned_actions(contact):
    return [
        {
            "group": a.group.name,
            "title": a.title,
            "status": a.status,
            "lever": a.lever,
            "due_date": iso(a.due_date),
            "progress": a.progress,
        }
        for a in Action.objects.filter(owner=contact).select_related("group").order_by("due_date", "pk")
    ]


@personal_data.section("mails")
def mails(contact):
    return [
        {"kind": d.kind, "status": d.status, "due_at": iso(d.due_at), "sent_at": iso(d.sent_at)}
        for d in Delivery.objects.filter(contact=contact).order_by("due_at", "pk")
    ]
