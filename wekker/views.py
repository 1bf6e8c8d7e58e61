from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from kombu import Connection

from groups.models import WorkingGroup
from meetings import selectors
from polls import selectors as poll_selectors

from .forms import LoginForm


@login_required
def home(request):
    """Each role's starting point: my next meetings, my open actions, my groups."""
    roles = request.roles
    now = timezone.now()
    my_groups = WorkingGroup.objects.filter(pk__in=roles.member_group_ids).order_by("name")
    coordinated = WorkingGroup.objects.filter(pk__in=roles.coordinated_group_ids).with_member_count()
    context = {
        "contact": roles.contact,
        "next_meetings": selectors.upcoming_for(roles, now),
        "my_actions": selectors.open_actions_of(roles.contact, limit=10) if roles.contact else [],
        "my_polls": poll_selectors.open_invitations(roles.contact),
        # Groups the user belongs to by membership (an admin without a contact has none).
        "my_groups": my_groups,
        "coordinated": selectors.with_meeting_counts(coordinated, now).order_by("name"),
        "today": timezone.localdate(),
    }
    return render(request, "home.html", context)


@never_cache
def healthz(request):
    """Database and broker state; 200 when the database answers."""
    state = {"database": "ok", "broker": "ok"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        state["database"] = f"error: {exc.__class__.__name__}"
        status = 503
    try:
        # A fresh connection each time: a pooled one would hide a broker that went away.
        with Connection(
            settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        state["broker"] = f"error: {exc.__class__.__name__}"
    state["database_vendor"] = connection.vendor
    state["broker_transport"] = settings.CELERY_BROKER_URL.split(":", 1)[0]
    return JsonResponse(state, status=status)


def client_address(request):
    """The client's address: REMOTE_ADDR, or the entry TRUSTED_PROXY_COUNT proxies back in
    X-Forwarded-For (entries further left are written by the client and cannot be trusted)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _throttle_limits(request):
    """(cache key, limit) pairs: a user name from one address, and one address in all.

    Keying on the pair means nobody can lock a named user out from elsewhere; the looser
    per-address limit still stops one address trying many names."""
    username = (request.POST.get("username") or "").strip().lower()
    address = client_address(request)
    return [
        (f"login-fail:pair:{username}:{address}", settings.LOGIN_MAX_ATTEMPTS),
        (f"login-fail:addr:{address}", settings.LOGIN_MAX_ATTEMPTS_PER_ADDRESS),
    ]


class ThrottledLoginView(auth_views.LoginView):
    """Django's login, refused for a while after too many failures."""

    authentication_form = LoginForm

    def post(self, request, *args, **kwargs):
        if any((cache.get(key) or 0) >= limit for key, limit in _throttle_limits(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed attempts. Please wait %(minutes)d minutes and try again.")
                % {"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        for key, _limit in _throttle_limits(self.request):
            cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        # A success clears the pair only: failures on other names from this address still count.
        cache.delete(_throttle_limits(self.request)[0][0])
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Log out, and say so on the login page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out. See you soon."))
        return response


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password from an invitation or a reset link, and be logged in straight away."""

    post_reset_login = True
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is saved: welcome to Wekker."))
        return response
