"""A contact's personal data across the apps (RGPD): the right of access and the right to erasure.

This app knows the contact and their login. Each app above it that keeps something about a
person adds its part from its AppConfig.ready(): `section(name)` for the export, `on_erase`
for the erasure. Nothing here reaches up into those apps.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import new_feed_token

_sections = {}
_erasers = []


def section(name):
    """Register `function(contact) -> data` as the export's section `name`."""

    def register(function):
        _sections[name] = function
        return function

    return register


def on_erase(function):
    """Register `function(contact, *, today)`, run inside the erasure's transaction."""
    _erasers.append(function)
    return function


def iso(value):
    return value.isoformat() if value else None


def _contact_section(contact):
    return {
        "id": contact.pk,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "organisation": contact.organisation.name,
        "job_title": contact.job_title,
        "email": contact.email,
        "phone": contact.phone,
        "is_role_model": contact.is_role_model,
        "testimony_trade": contact.testimony_trade,
        "testimony_video_url": contact.testimony_video_url,
        "is_archived": contact.is_archived,
        "created_at": iso(contact.created_at),
        "updated_at": iso(contact.updated_at),
    }


def _login_section(user):
    if user is None:
        return None
    return {
        "username": user.username,
        "email": user.email,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "is_active": user.is_active,
    }


def export(contact):
    """Everything Wekker holds about a contact, as plain data (JSON-ready)."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "contact": _contact_section(contact),
        "login": _login_section(contact.user),
    }
    for name, function in _sections.items():
        data[name] = function(contact)
    return data


def erased_name():
    """The name an erased contact keeps in the history (attendance, actions), in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased contact")


@transaction.atomic
def erase(contact, *, erased_by):
    """Anonymise the contact, close and unlink their login, and let each app end what it holds.

    History rows (attendance, actions, memberships) stay, so the groups' records still add
    up; they now point at an anonymous contact.
    """
    today = timezone.localdate()
    for eraser in _erasers:
        eraser(contact, today=today)
    user = contact.user
    contact.first_name = ""
    contact.last_name = erased_name()
    contact.job_title = contact.email = contact.phone = ""
    contact.is_role_model = False
    contact.testimony_trade = contact.testimony_video_url = ""
    contact.is_archived = True
    contact.user = None
    contact.feed_token = new_feed_token()  # revokes the personal calendar feed
    contact.save()
    if user is not None:
        user.is_active = False
        user.username = f"erased-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.set_unusable_password()
        user.save()
    return contact
