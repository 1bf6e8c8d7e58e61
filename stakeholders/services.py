"""Writes on organisations and contacts that touch several rows or send mail."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _absolute(path, request=None):
    """Mails link to SITE_URL, like every other mail, whatever host the request came in on."""
    return f"{settings.SITE_URL}{path}"


def link_lifetime():
    """How long an invitation link works, in words (PASSWORD_RESET_TIMEOUT)."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds >= 86400:
        days = seconds // 86400
        return translation.ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    hours = max(seconds // 3600, 1)
    return translation.ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def set_password_link(user, request=None):
    """Django's password-reset link: one use, expires after PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return _absolute(path, request)


def invite(contact, *, invited_by, request=None):
    """Give a contact a login: a new user named after their e-mail, and a mail to choose a password.

    A contact who was invited but never logged in (the link may have expired) gets the
    invitation again, with a fresh link. The mail leaves once the login is committed: never
    a link to a user that was not saved, and no write lock held during an SMTP call."""
    _check_invitable(contact)
    if contact.user_id is not None:
        with transaction.atomic():
            # A new unusable password changes the hash the reset token is made from: the
            # link sent before stops working, as the page promises.
            contact.user.set_unusable_password()
            contact.user.save(update_fields=["password"])
            _send_invitation(contact, contact.user, invited_by=invited_by, request=request)
        return contact.user
    User = get_user_model()
    username = contact.email.strip().lower()[:150]
    if User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username)).exists():
        raise ValidationError(
            _("A login already uses the address %(email)s. An administrator can link it to this contact.")
            % {"email": contact.email},
            code="taken",
        )
    with transaction.atomic():
        user = User(
            username=username,
            email=contact.email,
            first_name=contact.first_name[:150],
            last_name=contact.last_name[:150],
        )
        user.set_unusable_password()
        user.save()
        contact.user = user
        contact.save(update_fields=["user", "updated_at"])
        _send_invitation(contact, user, invited_by=invited_by, request=request)
    return user


def _check_invitable(contact):
    """Why this contact cannot be invited (a ValidationError), or nothing."""
    if not contact.email:
        raise ValidationError(_("This contact has no e-mail address: add one before inviting them."), code="no_email")
    if contact.is_archived:
        raise ValidationError(_("This contact is archived: reactivate them before inviting them."), code="archived")
    if contact.user_id is not None and (contact.user.last_login is not None or not contact.user.is_active):
        raise ValidationError(
            _(
                "This contact already has a login. If they lost their password, they can ask for a new one "
                "on the login page."
            ),
            code="has_login",
        )


def can_resend_invitation(contact):
    """Invited, never logged in: the invitation may be sent again."""
    return contact.user is not None and contact.user.is_active and contact.user.last_login is None


# Who sends invitations: an app above registers its delivery machinery here from its ready()
# (meetings: a Delivery, claimed, retried, visible in the admin). Without one, the mail leaves at once.
INVITATION_SENDERS = []


def invitation_context(contact, user, *, invited_by):
    """What the invitation mail says: a fresh link to choose a password, made when it leaves."""
    return {
        "contact": contact,
        "username": user.username,
        "invited_by": (invited_by.get_full_name() or invited_by.get_username()) if invited_by else _("Wekker"),
        "link": set_password_link(user),
        "login_url": _absolute(reverse("login")),
        "lifetime": link_lifetime(),
    }


def _send_invitation(contact, user, *, invited_by, request):
    """After the commit: never an SMTP call inside the transaction, never a link to an unsaved user."""
    if INVITATION_SENDERS:
        transaction.on_commit(lambda: [send(contact, invited_by) for send in INVITATION_SENDERS])
    else:
        transaction.on_commit(lambda: _mail_invitation(contact, user, invited_by=invited_by, request=request))


def _mail_invitation(contact, user, *, invited_by, request):
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "contact": contact,
            "username": user.username,
            "invited_by": invited_by.get_full_name() or invited_by.get_username(),
            "link": set_password_link(user, request),
            "login_url": _absolute(reverse("login"), request),
            "lifetime": link_lifetime(),
        }
        subject = _("Your access to Wekker")
        text = render_to_string("stakeholders/emails/invitation.txt", context)
        html = render_to_string("stakeholders/emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[contact.email])
    message.attach_alternative(html, "text/html")
    message.send()


def set_archived(obj, archived):
    """Archive (or bring back) an organisation or a contact; nothing is deleted."""
    obj.is_archived = archived
    obj.save(update_fields=["is_archived", "updated_at"])
    return obj
