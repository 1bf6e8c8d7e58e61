"""A date poll of the mixité group, made the way the app makes them."""

import datetime as dt

import pytest
from django.utils import timezone

from polls import services
from reference.timezones import PARIS
from stakeholders.tests.factories import ContactFactory, OrganisationFactory


def slots(count=3, *, days=30, start=dt.time(9, 30), end=dt.time(12)):
    """`count` slots on consecutive days, the first `days` from today, Paris time."""
    first = timezone.localdate() + dt.timedelta(days=days)
    return [
        (
            dt.datetime.combine(first + dt.timedelta(days=n), start, tzinfo=PARIS),
            dt.datetime.combine(first + dt.timedelta(days=n), end, tzinfo=PARIS),
        )
        for n in range(count)
    ]


@pytest.fixture
def partner(db):
    """A contact without a login, outside every group: the région's transport department."""
    return ContactFactory(
        first_name="Rozenn",
        last_name="Le Bihan",
        email="rozenn.lebihan@example.org",
        organisation=OrganisationFactory(name="Région Bretagne"),
    )


@pytest.fixture
def poll(mixite, coordinatrice, membre, partner):
    """Open, three dates a month ahead, asks coordinatrice, membre and the partner; deadline in 20 days."""
    return services.create_poll(
        group=mixite,
        title="Réunion de rentrée",
        slots=slots(3),
        guests=[partner],
        by=coordinatrice.contact,
        place="Maison de l'emploi, Rennes",
        deadline=timezone.localdate() + dt.timedelta(days=20),
    )
