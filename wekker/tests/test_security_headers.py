"""The security headers of every page: a Content-Security-Policy that allows nothing inline."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/admin/", "/indicators/"])
def test_it_sends_a_strict_content_security_policy(client, membre, url):
    client.force_login(membre)
    policy = client.get(url, follow=True).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_it_keeps_scripts_and_styles_out_of_the_pages(client, membre, mixite):
    """No inline <script> or style attribute in what a member reads (mails aside: no CSP there)."""
    client.force_login(membre)
    for url in ["/", "/my/agenda/", f"/groups/{mixite.slug}/", "/actions/", "/partners/", "/indicators/"]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", html) and " style=" not in html, url
