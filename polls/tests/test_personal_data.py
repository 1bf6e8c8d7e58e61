"""A person's date poll answers in their RGPD export; their comments go when they are erased."""

import pytest

from polls import services
from stakeholders import personal_data

pytestmark = pytest.mark.django_db


def test_it_exports_and_erases_a_persons_poll_answers(poll, partner, coordinatrice):
    invitee = poll.invitees.get(contact=partner)
    services.record_answers(invitee, dict.fromkeys(poll.options.values_list("pk", flat=True), "no"), "Pas le mardi")
    data = personal_data.export(partner)["date_polls"]
    assert data[0]["poll"] == "Réunion de rentrée" and data[0]["comment"] == "Pas le mardi"
    assert [a["answer"] for a in data[0]["answers"]] == ["no", "no", "no"]
    personal_data.erase(partner, erased_by=coordinatrice)
    invitee.refresh_from_db()
    assert invitee.comment == "" and invitee.answers.count() == 3
