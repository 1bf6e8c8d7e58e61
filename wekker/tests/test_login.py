"""Logging in: the password, the throttling of failed attempts, the reset link that logs a person in."""

import re
import time

import pytest

pytestmark = pytest.mark.django_db


def test_it_throttles_login_after_repeated_failures(client, membre, settings):
    settings.LOGIN_MAX_ATTEMPTS = 3
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "membre", "password": "faux"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "membre", "password": "wekker-test"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_logs_in_with_the_right_password(client, membre):
    response = client.post("/accounts/login/", {"username": "membre", "password": "wekker-test"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(membre.pk)


def test_it_sends_a_french_password_reset_mail(client, membre, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": membre.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "choisissez votre mot de passe" in mailoutbox[0].subject
    assert "Suivez ce lien" in mailoutbox[0].body


def test_it_does_not_let_a_stranger_lock_a_user_out(client, membre, settings):
    settings.LOGIN_MAX_ATTEMPTS = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "membre", "password": "faux"}, REMOTE_ADDR="203.0.113.9")
    # The real user, from their own address, still logs in.
    response = client.post(
        "/accounts/login/", {"username": "membre", "password": "wekker-test"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


def test_it_throttles_one_address_trying_many_names(client, membre, settings):
    settings.LOGIN_MAX_ATTEMPTS_PER_ADDRESS = 4
    for name in ("a", "b", "c", "d"):
        client.post("/accounts/login/", {"username": name, "password": "faux"}, REMOTE_ADDR="203.0.113.9")
    response = client.post(
        "/accounts/login/", {"username": "membre", "password": "wekker-test"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429


def test_it_reads_the_client_address_behind_trusted_proxies_only(client, membre, settings):
    settings.LOGIN_MAX_ATTEMPTS = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        client.post(
            "/accounts/login/",
            {"username": "membre", "password": "faux"},
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
            **proxy,
        )
    # Same user behind the same proxy but from another client: not locked out, although a
    # forged leftmost entry says otherwise.
    response = client.post(
        "/accounts/login/",
        {"username": "membre", "password": "wekker-test"},
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
        **proxy,
    )
    assert response.status_code == 302


def test_it_logs_a_person_in_once_they_chose_their_password(client, membre, mailoutbox):
    import re

    client.post("/accounts/password_reset/", {"email": membre.email})
    link = re.search(r"https?://\S+/accounts/reset/\S+", mailoutbox[0].body).group(0)
    form = client.get(link.split("testserver", 1)[-1], follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Une-phrase-solide-2026", "new_password2": "Une-phrase-solide-2026"},
        follow=True,
    )
    assert client.session["_auth_user_id"] == str(membre.pk)
    assert "Votre mot de passe est enregistré : bienvenue sur Wekker." in response.content.decode()


# --- Every login door throttled, whatever the cache's state ------------------------------------


def test_it_locks_the_admin_login_after_the_limit(client, admin_user, settings):
    """The admin's login is the site's throttled page: a POST to it is passed on as a POST (307)."""
    settings.LOGIN_MAX_ATTEMPTS = 3
    page = client.get("/admin/login/?next=/admin/meetings/")
    assert page.status_code == 307 and page["Location"] == "/accounts/login/?next=%2Fadmin%2Fmeetings%2F"
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "admin", "password": "faux"}, follow=True)
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/admin/login/", {"username": "admin", "password": "wekker-test"}, follow=True)
    assert response.status_code == 429 and "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_logs_an_admin_in_through_the_admin_login(client, admin_user):
    response = client.post("/admin/login/", {"username": "admin", "password": "wekker-test"}, follow=True)
    assert client.session["_auth_user_id"] == str(admin_user.pk)
    assert response.redirect_chain[-1][0] == "/admin/"


def test_it_logs_in_and_still_limits_with_the_cache_down(client, membre, settings, redis_down, caplog):
    settings.LOGIN_MAX_ATTEMPTS = 3
    response = client.post("/accounts/login/", {"username": "membre", "password": "wekker-test"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(membre.pk)
    client.logout()
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "membre", "password": "faux"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "membre", "password": "wekker-test"})
    assert response.status_code == 429
    assert "cache unreachable" in caplog.text


def test_it_stops_asking_a_dead_cache_for_a_while(client, membre, redis_down):
    from wekker import throttle

    client.post("/accounts/login/", {"username": "membre", "password": "faux"})
    assert throttle._down_until > 0
    started = time.monotonic()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "membre", "password": "faux"})
    assert time.monotonic() - started < 1.5  # the breaker is open: no timeout paid per request


# --- Password reset: throttled, and its link from SITE_URL ---------------------------------------


def test_it_builds_the_reset_link_from_site_url(client, membre, mailoutbox, settings):
    settings.SITE_URL = "https://wekker.example.org"
    settings.ALLOWED_HOSTS = ["wekker.example.org", "proxy.internal"]
    client.post("/accounts/password_reset/", {"email": membre.email}, HTTP_HOST="proxy.internal")
    links = re.findall(r"https?://\S+", mailoutbox[0].body)
    assert links and all(link.startswith("https://wekker.example.org/accounts/reset/") for link in links)


def test_it_limits_reset_mails_per_address(client, membre, mailoutbox, settings):
    settings.PASSWORD_RESET_MAX_PER_EMAIL, settings.PASSWORD_RESET_MAX_PER_CLIENT = 3, 100
    for _ in range(20):
        response = client.post("/accounts/password_reset/", {"email": membre.email}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302  # the same answer every time: nothing tells an address has an account
    assert len(mailoutbox) == 3


def test_it_limits_reset_requests_per_client(client, membre, mailoutbox, settings):
    settings.PASSWORD_RESET_MAX_PER_CLIENT = 4
    for number in range(4):
        client.post("/accounts/password_reset/", {"email": f"x{number}@example.org"}, REMOTE_ADDR="203.0.113.9")
    response = client.post("/accounts/password_reset/", {"email": membre.email}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()
    assert mailoutbox == []


def test_it_sends_reset_mails_with_the_cache_down(client, membre, mailoutbox, redis_down):
    assert client.post("/accounts/password_reset/", {"email": membre.email}).status_code == 302
    assert len(mailoutbox) == 1
