from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from kombu import Connection

from groups.models import WorkingGroup
from meetings import selectors
from polls import selectors as poll_selectors

from . import throttle
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


# Each dependency's check gives up after this: /healthz answers within a second, whatever is down.
HEALTH_TIMEOUT = 0.3


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    # A fresh connection each time: a pooled one would hide a broker that went away. One try,
    # no retry loop (kombu's retries wait seconds between attempts).
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_timeout": HEALTH_TIMEOUT}
    with Connection(settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=HEALTH_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=0, timeout=HEALTH_TIMEOUT)


def _check_cache():
    caches["default"].get("healthz")


@never_cache
def healthz(request):
    """Each dependency's state, and the names of those down; 503 when the database is down.

    The broker and the cache being down is a degraded service (mail waits, logins count in
    each process), not a dead one: 200, with `down` naming them."""
    state, down = {}, []
    for name, check in (("database", _check_database), ("broker", _check_broker), ("cache", _check_cache)):
        try:
            check()
        except Exception as exc:  # whatever the dependency raises, it is reported, never a 500
            state[name] = f"error: {exc.__class__.__name__}"
            down.append(name)
        else:
            state[name] = "ok"
    state["down"] = down
    state["database_vendor"] = connection.vendor
    state["broker_transport"] = settings.CELERY_BROKER_URL.split(":", 1)[0]
    return JsonResponse(state, status=503 if "database" in down else 200)


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
    """Django's login, refused for a while after too many failures. The admin's login is this page too."""

    authentication_form = LoginForm

    def post(self, request, *args, **kwargs):
        if throttle.over_limit(_throttle_limits(request)):
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
        throttle.hit([key for key, _limit in _throttle_limits(self.request)], settings.LOGIN_LOCKOUT_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        # A success clears the pair only: failures on other names from this address still count.
        throttle.clear(_throttle_limits(self.request)[0][0])
        return super().form_valid(form)


def admin_login(request):
    """The admin's login door is the site's (one throttled page): 307 keeps a POST a POST."""
    query = request.GET.copy()
    query.setdefault(REDIRECT_FIELD_NAME, reverse("admin:index"))
    return HttpResponseRedirect(f"{reverse('login')}?{query.urlencode()}", status=307)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per e-mail address and per client; the link is built from SITE_URL.

    Past the address's limit nothing is sent, and the page says the same as always (it
    never tells whether an address has an account); past the client's limit, a 429."""

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        by_email = (f"reset:email:{email}", settings.PASSWORD_RESET_MAX_PER_EMAIL)
        by_client = (f"reset:client:{client_address(self.request)}", settings.PASSWORD_RESET_MAX_PER_CLIENT)
        if throttle.over_limit([by_client]):
            form.add_error(None, _("Too many requests from your connection. Please try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        enough_for_this_email = throttle.over_limit([by_email])
        throttle.hit([by_client[0], by_email[0]], settings.PASSWORD_RESET_WINDOW_SECONDS)
        if enough_for_this_email:
            return HttpResponseRedirect(self.get_success_url())
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
