import datetime as dt

import factory
from django.utils import timezone

from groups.tests.factories import WorkingGroupFactory
from meetings.models import Action, AgendaItem, Attendance, Meeting
from stakeholders.tests.factories import ContactFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Réunion {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2, minutes=30))
    place = "Maison de l'emploi, Rennes"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Point {n}")
    duration_minutes = 20


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    contact = factory.SubFactory(ContactFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(ContactFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
