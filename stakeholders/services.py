"""Writes on organisations and contacts that touch several rows or send mail."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import new_feed_token


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
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return _absolute(path, request)


def invite(contact, *, invited_by, request=None):
    """Give a contact a login: a new user named after their e-mail, and a mail to choose a password.

    A contact who was invited but never logged in (the link may have expired) gets the
    invitation again, with a fresh link."""
    if not contact.email:
        raise ValidationError(_("This contact has no e-mail address: add one before inviting them."), code="no_email")
    if contact.is_archived:
        raise ValidationError(_("This contact is archived: reactivate them before inviting them."), code="archived")
    if contact.user_id is not None:
        if contact.user.last_login is not None or not contact.user.is_active:
            raise ValidationError(
                _("This contact already has a login. If they lost their password, they can ask for a new one on the login page."),
                code="has_login",
            )
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
            username=username, email=contact.email, first_name=contact.first_name[:150], last_name=contact.last_name[:150]
        )
        user.set_unusable_password()
        user.save()
        contact.user = user
        contact.save(update_fields=["user", "updated_at"])
        # Inside the transaction: if the mail cannot leave, no half-made login is left behind.
        _send_invitation(contact, user, invited_by=invited_by, request=request)
    return user


def can_resend_invitation(contact):
    """Invited, never logged in: the invitation may be sent again."""
    return contact.user is not None and contact.user.is_active and contact.user.last_login is None


def _send_invitation(contact, user, *, invited_by, request):
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


# The name an erased contact keeps in the history (attendance, actions), in the site's language.
def erased_name():
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased contact")


def personal_data(contact):
    """Everything Wekker holds about a contact (RGPD right of access), as plain data."""
    user = contact.user
    today = timezone.localdate()
    return {
        "exported_at": timezone.now().isoformat(),
        "contact": {
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
            "created_at": contact.created_at.isoformat(),
            "updated_at": contact.updated_at.isoformat(),
        },
        "login": None
        if user is None
        else {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_active": user.is_active,
        },
        "memberships": [
            {
                "group": m.group.name,
                "role": m.role,
                "joined": m.joined.isoformat() if m.joined else None,
                "left": m.left.isoformat() if m.left else None,
                "current": m.is_current_on(today),
            }
            for m in contact.memberships.select_related("group").order_by("joined", "pk")
        ],
        "attendances": [
            {
                "group": a.meeting.group.name,
                "meeting": a.meeting.title,
                "starts_at": a.meeting.starts_at.isoformat(),
                "answer": a.answer,
                "answered_at": a.answered_at.isoformat() if a.answered_at else None,
                "presence": a.presence,
            }
            for a in contact.attendances.select_related("meeting__group").order_by("meeting__starts_at", "pk")
        ],
        "owned_actions": [
            {
                "group": a.group.name,
                "title": a.title,
                "status": a.status,
                "lever": a.lever,
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "progress": a.progress,
            }
            for a in contact.owned_actions.select_related("group").order_by("due_date", "pk")
        ],
        "mails": [
            {
                "kind": d.kind,
                "status": d.status,
                "due_at": d.due_at.isoformat(),
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            }
            for d in contact.deliveries.order_by("due_at", "pk")
        ],
    }


@transaction.atomic
def erase(contact, *, erased_by):
    """RGPD erasure: anonymise the contact, end their memberships, close and unlink their login.

    History rows (attendance, actions, memberships) stay, so the groups' records still add up;
    they now point at an anonymous contact.
    """
    today = timezone.localdate()
    # Current memberships end today; those due to start later end on their first day.
    running = contact.memberships.not_ended(today)
    running.filter(joined__gt=today).update(left=F("joined"))
    running.exclude(joined__gt=today).update(left=today)
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


def set_archived(obj, archived):
    """Archive (or bring back) an organisation or a contact; nothing is deleted."""
    obj.is_archived = archived
    obj.save(update_fields=["is_archived", "updated_at"])
    return obj

