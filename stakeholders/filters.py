import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Contact, Organisation

# stakeholders imports no other app: reach the reference tables through the foreign keys.
Territory = Organisation._meta.get_field("territory").related_model
Domain = Organisation._meta.get_field("sector").related_model


class BootstrapFilterSet(django_filters.FilterSet):
    """Bootstrap classes on every widget, and the search box typed as a search."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")
        if "q" in self.form.fields:
            self.form.fields["q"].widget.input_type = "search"


ARCHIVED_CHOICES = [("", _("Current only")), ("yes", _("Archived only")), ("all", _("All"))]


def group_model():
    return Contact._meta.get_field("memberships").related_model._meta.get_field("group").related_model


def groups_to_filter_by(request):
    """The groups the user sits in: a national list of thousands of groups would be
    unusable, and slow to render."""
    groups = group_model().objects.order_by("name")
    if request is None or not request.user.is_authenticated:
        return groups.none()
    memberships = group_model()._meta.get_field("memberships").related_model.objects.current()
    return groups.filter(pk__in=memberships.filter(contact__user=request.user).values("group"))


def within(path, territory):
    """Rows whose territory is this one or nested in it (country > région > département > Mission Locale)."""
    query = Q()
    for depth in range(4):
        query |= Q(**{f"{path}{'__parent' * depth}": territory})
    return query


def current_members(group):
    """Contacts in the group today (the group filter ignores former members)."""
    return Contact.objects.filter(pk__in=group.memberships.current().values("contact"))


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
        query = Q()
        for word in value.split():
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(job_title__icontains=word)
            )
        return queryset.filter(query)

    def in_group(self, queryset, name, group):
        return queryset.filter(pk__in=current_members(group).values("pk"))
