"""GET never writes: a crawl of every page, as each demo login and anonymously, leaves the database as it was.

Sessions and `last_login` aside (logging in writes them). The crawl starts from the pages
of the navigation and the links a mail carries, follows every link of the site it finds,
and opens a few addresses of each shape (`/meetings/12/` and `/meetings/13/` are one shape).
"""

import re
from collections import Counter, deque

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from meetings.models import Meeting
from meetings.rsvp.signing import rsvp_url
from polls.models import Poll
from polls.signing import answer_url
from stakeholders.models import Contact

pytestmark = pytest.mark.django_db

LOGINS = ["admin", "coordinatrice", "membre", None]  # None: anonymous
START = [
    "/",
    "/my/agenda/",
    "/groups/",
    "/partners/",
    "/partners/organisations/",
    "/partners/role-models/",
    "/actions/",
    "/indicators/",
    "/indicators/import/",
    "/admin/",
    "/healthz",
    "/accounts/login/",
    "/accounts/password_reset/",
]
LINK = re.compile(r'href="(/[^"#]*)')
PER_SHAPE = 2
PAGES_PER_LOGIN = 400
NEVER = ("logout", "/i18n/", "/static/")


def snapshot():
    """Every row of every table, sessions aside, without the users' last login."""
    rows = {}
    for model in apps.get_models():
        if model._meta.label == "sessions.Session":
            continue
        values = model._base_manager.order_by("pk").values()
        rows[model._meta.label] = [{k: v for k, v in row.items() if k != "last_login"} for row in values]
    return rows


def mail_links():
    """The addresses a mail sends people to: a signed answer, a personal calendar feed, a date poll's answer page."""
    membre = Contact.objects.get(user__username="membre")
    meeting = Meeting.objects.filter(group__memberships__contact=membre).order_by("-starts_at").first()
    return [
        rsvp_url(meeting.pk, membre.pk, "yes").split("127.0.0.1:8000", 1)[-1],
        reverse("meetings:personal_feed", args=[membre.feed_token]),
        answer_url(Poll.objects.get().pk, membre.pk).split("127.0.0.1:8000", 1)[-1],
    ]


def crawl(client):
    """Open every page reachable from START; return {url: status}."""
    queue, seen, shapes = deque(START + mail_links()), {}, Counter()
    while queue and len(seen) < PAGES_PER_LOGIN:
        url = queue.popleft()
        shape = re.sub(r"\d+", "N", url.split("?")[0]) + ("?" if "?" in url else "")
        if url in seen or shapes[shape] >= PER_SHAPE or any(word in url for word in NEVER):
            continue
        shapes[shape] += 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(link.replace("&amp;", "&") for link in LINK.findall(response.content.decode()))
    return seen


def test_it_writes_nothing_on_any_page_for_any_login(client):
    call_command("seed_demo", verbosity=0)
    before = snapshot()
    opened = {}
    for username in LOGINS:
        client.logout()
        if username:
            assert client.login(username=username, password="wekker-demo")
        opened[username] = crawl(client)
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"GET requests changed {changed}"
    assert len(opened["admin"]) > 100 and len(opened["membre"]) > 25  # the crawl did reach the pages
    errors = {(who, url): status for who, pages in opened.items() for url, status in pages.items() if status >= 500}
    assert not errors
