import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.filters import BootstrapFilterSet
from groups.models import Membership, WorkingGroup
from reference.models import Domain, Territory, within
from reference.pickers import by_level
from stakeholders.models import Contact, Organisation

MAX_SEARCH_WORDS = 5
ARCHIVED_CHOICES = [("", _("Current only")), ("yes", _("Archived only")), ("all", _("All"))]


def groups_to_filter_by(request):
    """The groups the user sits in: a national list of thousands of groups would be
    unusable, and slow to render."""
    if request is None:
        return WorkingGroup.objects.none()
    return WorkingGroup.objects.filter(pk__in=request.roles.member_group_ids).order_by("name")


def current_members(group):
    """Contacts in the group today (the group filter ignores former members)."""
    return Contact.objects.filter(pk__in=Membership.objects.current().filter(group=group).values("contact"))


class DirectoryFilter(BootstrapFilterSet):
    """What both directory lists filter on: the organisation's kind, sector, territory; a group."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        field_name="kind", choices=Organisation.Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="sector",
        queryset=Domain.objects.filter(nomenclature="rome").order_by("code"),
        label=_("Sector"),
        empty_label=_("All sectors"),
    )
    territory = django_filters.ModelChoiceFilter(
        method="in_territory",
        queryset=Territory.objects.order_by("code"),
        label=_("Territory"),
        empty_label=_("All territories"),
    )
    group = django_filters.ModelChoiceFilter(
        queryset=groups_to_filter_by,
        method="in_group",
        label=_("Group"),
        empty_label=_("All groups"),
    )
    archived = django_filters.ChoiceFilter(
        choices=ARCHIVED_CHOICES[1:], method="by_archived", label=_("Archived"), empty_label=ARCHIVED_CHOICES[0][1]
    )
    # Path from the filtered model to the organisation: "" for organisations, "organisation__" for contacts.
    org = ""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name in ("kind", "sector"):
            self.filters[name].field_name = f"{self.org}{name}"
        # Archived rows leave the lists unless asked for.
        if not (data or {}).get("archived"):
            self.queryset = self.queryset.filter(is_archived=False)
        by_level(self.form.fields["territory"])

    def in_territory(self, queryset, name, territory):
        return queryset.filter(within(f"{self.org}territory", territory))

    def by_archived(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(is_archived=True)
        return queryset


class OrganisationFilter(DirectoryFilter):
    class Meta:
        model = Organisation
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(contacts__last_name__icontains=value)).distinct()

    def in_group(self, queryset, name, group):
        return queryset.filter(pk__in=current_members(group).values("organisation")).distinct()


class ContactFilter(DirectoryFilter):
    org = "organisation__"

    class Meta:
        model = Contact
        fields = []

    def search(self, queryset, name, value):
        """Every word in a name, the job title or the organisation's name. The organisations
        are looked up first, so that on PostgreSQL each condition reads its own trigram index
        (stakeholders migration 0003) instead of scanning contacts joined to organisations."""
        query = Q()
        for word in value.split()[:MAX_SEARCH_WORDS]:
            organisations = list(Organisation.objects.filter(name__icontains=word).values_list("pk", flat=True))
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(job_title__icontains=word)
                | Q(organisation__in=organisations)
            )
        return queryset.filter(query)

    def in_group(self, queryset, name, group):
        return queryset.filter(pk__in=current_members(group).values("pk"))
