"""Signed one-click answer links: one invitation (a meeting and a contact), one answer.

The token is Django's signing of [meeting id, contact id, answer] with a salt of its
own, so that it cannot be taken for another signed value, and a timestamp, so that it
expires. Changing any part of it breaks the signature.
"""

import datetime as dt

from django.core import signing
from django.urls import reverse

from ..calendar.ics import absolute_url
from ..models import Attendance

SALT = "wekker.meetings.rsvp"
# Reminders leave at most 60 days before a meeting: a link lives a little longer than that.
MAX_AGE = dt.timedelta(days=70)
ANSWERS = (Attendance.Answer.YES, Attendance.Answer.NO, Attendance.Answer.MAYBE)


class BadToken(Exception):
    """A link that was tampered with, is malformed or has expired."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "bad signature")
        self.expired = expired


def rsvp_token(meeting_id, contact_id, answer):
    if answer not in ANSWERS:
        raise ValueError(f"not an answer: {answer!r}")
    return signing.dumps([meeting_id, contact_id, str(answer)], salt=SALT)


def read_rsvp_token(token):
    """(meeting id, contact id, answer) from a token, or BadToken."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except signing.BadSignature:
        raise BadToken() from None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(part, int) for part in value[:2])
        or value[2] not in ANSWERS
    ):
        raise BadToken()
    return value[0], value[1], value[2]


def rsvp_url(meeting_id, contact_id, answer):
    """The absolute address to put in a mail."""
    return absolute_url(reverse("meetings:rsvp_signed", args=[rsvp_token(meeting_id, contact_id, answer)]))


def rsvp_urls(meeting_id, contact_id):
    return {str(answer): rsvp_url(meeting_id, contact_id, answer) for answer in ANSWERS}
