"""Logging in: the password, the throttling of failed attempts, the reset link that logs a person in."""

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
