import factory

from groups.models import Membership, WorkingGroup
from stakeholders.tests.factories import ContactFactory


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    name = factory.Sequence(lambda n: f"Groupe {n}")
    slug = factory.Sequence(lambda n: f"groupe-{n}")
    theme = "Mixité des métiers"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(WorkingGroupFactory)
    contact = factory.SubFactory(ContactFactory)
    role = Membership.Role.MEMBER
