import pytest
from django.core.management import call_command

from meetings.models import Action

pytestmark = pytest.mark.django_db


def test_it_shows_the_reach_of_the_semaine_de_la_mixite_on_the_dashboard(client):
    call_command("seed_demo", verbosity=0)
    editions = Action.objects.filter(title__startswith="Semaine de la mixité des métiers,")
    assert all(100 <= e.reached <= 500 for e in editions) and editions.count() == 3
    assert 500 <= sum(e.reached for e in editions) <= 1000  # a few hundred young people
    client.login(username="membre", password="wekker-demo")
    response = client.get("/indicators/?territory=53")
    rows = {year: reach for year, _levers, reach in response.context["work"].rows()}
    reached = [r for r in rows.values() if r]
    assert len(reached) >= 2
    assert all(r["women"] > 50 for r in reached)
