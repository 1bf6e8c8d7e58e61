"""Signed one-click answer links: one invitation (a meeting and a contact), one answer.

The token is Django's signing of [meeting id, contact id, answer, meeting sequence, time
made] with a salt of its own, so that it cannot be taken for another signed value, and a
timestamp, so that it expires. Changing any part of it breaks the signature. The sequence
binds it to the meeting as the mail described it: after a change of date or place the link
asks again; the time keeps it from overwriting an answer given later another way.
"""

import datetime as dt
import time
from typing import NamedTuple

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


class RsvpLink(NamedTuple):
    """What a link says: whose invitation, which answer, the meeting's sequence and the time it was made.

    Links made before links carried a version have `version` and `issued` None."""

    meeting_id: int
    contact_id: int
    answer: str
    version: int | None = None
    issued: dt.datetime | None = None


def load_signed(token, *, salt, max_age):
    """The value a signed link carries, or BadToken (expired, tampered or malformed); the
    signed links of other apps (date polls) read theirs the same way."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except signing.BadSignature:
        raise BadToken() from None


def rsvp_token(meeting_id, contact_id, answer, version=None):
    """A token for one answer; `version` is the meeting's sequence when the mail was written."""
    if answer not in ANSWERS:
        raise ValueError(f"not an answer: {answer!r}")
    issued = int(time.time() * 1000)  # milliseconds: an answer given a moment before is older
    return signing.dumps([meeting_id, contact_id, str(answer), version or 0, issued], salt=SALT)


def read_rsvp_link(token):
    """The RsvpLink of a token, or BadToken."""
    value = load_signed(token, salt=SALT, max_age=MAX_AGE)
    if (
        not isinstance(value, list)
        or len(value) not in (3, 5)
        or not all(isinstance(part, int) for part in value[:2] + value[3:])
        or value[2] not in ANSWERS
    ):
        raise BadToken()
    if len(value) == 3:
        return RsvpLink(*value)
    return RsvpLink(*value[:4], issued=dt.datetime.fromtimestamp(value[4] / 1000, tz=dt.UTC))


def read_rsvp_token(token):
    """(meeting id, contact id, answer) from a token, or BadToken."""
    return read_rsvp_link(token)[:3]


def rsvp_url(meeting_id, contact_id, answer, version=None):
    """The absolute address to put in a mail."""
    return absolute_url(reverse("meetings:rsvp_signed", args=[rsvp_token(meeting_id, contact_id, answer, version)]))


def rsvp_urls(meeting_id, contact_id, version=None):
    return {str(answer): rsvp_url(meeting_id, contact_id, answer, version) for answer in ANSWERS}
