"""The personal link of a date poll's mails: one person, one poll, answered without a login.

Django's signing of [poll id, contact id] with a salt of its own and a timestamp, so a link
cannot be taken for another signed value, is personal, and expires.
"""

import datetime as dt

from django.core import signing
from django.urls import reverse

from meetings.calendar.ics import absolute_url
from meetings.rsvp.signing import BadToken, load_signed

SALT = "wekker.polls.answer"
# A poll runs a few weeks; a link lives well past that.
MAX_AGE = dt.timedelta(days=120)


def answer_token(poll_id, contact_id):
    return signing.dumps([poll_id, contact_id], salt=SALT)


def read_answer_token(token):
    """(poll id, contact id) from a token, or BadToken."""
    value = load_signed(token, salt=SALT, max_age=MAX_AGE)
    if not isinstance(value, list) or len(value) != 2 or not all(type(part) is int for part in value):
        raise BadToken()
    return value[0], value[1]


def answer_url(poll_id, contact_id):
    """The absolute address to put in a mail."""
    return absolute_url(reverse("polls:answer", args=[answer_token(poll_id, contact_id)]))
