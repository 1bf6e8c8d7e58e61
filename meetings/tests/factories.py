import datetime as dt

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from groups.tests.factories import WorkingGroupFactory
from meetings.models import Action, AgendaItem, Attendance, Document, Meeting
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


# The smallest file that is a PDF to the type check (its first bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"annexe-{n}.pdf")
    file = factory.LazyAttribute(lambda d: ContentFile(PDF_BYTES, name=d.name))
    content_type = "application/pdf"
    size = len(PDF_BYTES)
