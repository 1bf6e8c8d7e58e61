"""Two dispatchers at the same moment, real processes and a real SMTP server: each poll mail leaves once.

On SQLite by default; on PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED) with DATABASE_URL set.
"""

import pytest

from conftest import members
from meetings.models import Delivery
from meetings.tests.test_notices_worker import run_two_dispatchers, smtp_server  # noqa: F401 – the fixture
from polls import services
from polls.tests.conftest import slots


@pytest.mark.celery
def test_it_sends_each_poll_mail_once_with_two_dispatchers_at_the_same_moment(transactional_db, smtp_server, mixite):  # noqa: F811 – the fixture
    people = members(mixite, 40)
    poll = services.create_poll(group=mixite, title="Rentrée", slots=slots(3))
    outputs = run_two_dispatchers(smtp_server)
    assert smtp_server.recipients() == sorted(c.email for c in people)
    assert sum(out.count("envoyé : ") for out, _err in outputs) == 40

    services.close(poll, poll.options.first())
    smtp_server.messages.clear()
    run_two_dispatchers(smtp_server)
    assert smtp_server.recipients() == sorted(c.email for c in people)
    assert Delivery.objects.filter(kind="poll_closed", status="sent").count() == 40
    subjects = {str(m["Subject"]).strip() for _rcpt, m in smtp_server.messages}
    assert all(s.startswith("Date retenue") for s in subjects), subjects
