import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groups.filters import bootstrap
from groups.models import WorkingGroup
from stakeholders.models import Contact

from ..models import Action, Lever
from ..models.action import PAGE_ORDER

OPEN = "open"
# A context keeps "All" from borrowing the admin's translation ("Tout").
ALL = pgettext_lazy("every group, owner, lever or kind", "All")


class ActionFilter(django_filters.FilterSet):
    """The actions page: by group, owner, lever, status, overdue.

    Owners are searched by name; the list of owners to pick from appears once a group is
    chosen, so the page never lists the owners of every group. Without a status chosen,
    the page shows the open actions (the select says so); "All" shows every action.
    """

    group = django_filters.ModelChoiceFilter(queryset=WorkingGroup.objects.none(), label=_("Group"))
    owner = django_filters.ModelChoiceFilter(queryset=Contact.objects.none(), label=_("Owner"))
    owner_name = django_filters.CharFilter(method="filter_owner_name", label=_("Owner’s name"))
    lever = django_filters.ChoiceFilter(choices=Lever.choices, label=_("Lever"), empty_label=ALL)
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, _("Open (to do or in progress)")), *Action.Status.choices],
        method="filter_status",
        label=_("Status"),
        empty_label=pgettext_lazy("statuses of actions", "All"),
    )
    kind = django_filters.ChoiceFilter(choices=Action.Kind.choices, label=_("Kind"), empty_label=ALL)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue only"), widget=forms.CheckboxInput)

    class Meta:
        model = Action
        fields = ["group", "owner", "owner_name", "lever", "status", "kind", "overdue"]

    def __init__(self, data=None, *args, groups, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if "status" not in data:
            data["status"] = OPEN
        super().__init__(data, *args, **kwargs)
        # The filter's field is built from `extra`: an attribute set afterwards is ignored.
        self.filters["group"].queryset = groups
        self.filters["group"].extra["empty_label"] = ALL
        chosen = str(self.data.get("group") or "")
        if chosen.isdigit():
            owners = Contact.objects.filter(owned_actions__group__in=groups.filter(pk=chosen)).distinct()
            self.filters["owner"].queryset = owners.order_by("last_name", "first_name")
            self.filters["owner"].extra["empty_label"] = ALL
        else:
            del self.filters["owner"]
        bootstrap(self.form)

    def filter_queryset(self, queryset):
        """Open actions first, then by due date: the overdue ones lead (an index holds this order)."""
        return super().filter_queryset(queryset).order_by(*PAGE_ORDER)

    def filter_owner_name(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(owner__first_name__icontains=word) | Q(owner__last_name__icontains=word))
        return queryset

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(today=timezone.localdate())
        return queryset
