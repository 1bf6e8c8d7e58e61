import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reference.models import Territory, within
from reference.pickers import by_level
from reference.widgets import QuickSelect

from .models import WorkingGroup


def bootstrap(form):
    """Bootstrap classes on every widget of a filter's form, the search box typed as a search,
    and long lists (territories: 550 options) written without a template per option."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.choices)
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")
    if "q" in form.fields:
        form.fields["q"].widget.input_type = "search"


class BootstrapFilterSet(django_filters.FilterSet):
    """Bootstrap classes on every widget (a filter set that changes its filters in its own
    __init__ calls bootstrap(self.form) once they are set, as the form is built once)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self.form)


STATUS_ACTIVE, STATUS_ARCHIVED, STATUS_ALL = "active", "archived", "all"


def theme_choices():
    themes = WorkingGroup.objects.order_by("theme").values_list("theme", flat=True).distinct()
    return [(theme, theme) for theme in themes]


class GroupFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    theme = django_filters.ChoiceFilter(choices=theme_choices, label=_("Theme"), empty_label=_("All themes"))
    territory = django_filters.ModelChoiceFilter(
        queryset=Territory.objects.order_by("code"),
        method="in_territory",
        label=_("Territory"),
        empty_label=_("All territories"),
    )
    status = django_filters.ChoiceFilter(
        choices=[
            (STATUS_ACTIVE, _("Active groups")),
            (STATUS_ARCHIVED, _("Archived groups")),
            (STATUS_ALL, _("All groups")),
        ],
        method="by_status",
        label=_("Status"),
        empty_label=None,
    )

    class Meta:
        model = WorkingGroup
        fields = ["q", "theme", "territory", "status"]

    def __init__(self, data=None, *args, **kwargs):
        # Archived groups leave the list unless asked for.
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = STATUS_ACTIVE
        super().__init__(data, *args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Name, theme, description…")
        by_level(self.form.fields["territory"])

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(theme__icontains=value) | Q(description__icontains=value))

    def in_territory(self, queryset, name, territory):
        return queryset.filter(within("territory", territory))

    def by_status(self, queryset, name, value):
        if value == STATUS_ARCHIVED:
            return queryset.filter(status=WorkingGroup.Status.ARCHIVED)
        if value == STATUS_ALL:
            return queryset
        return queryset.filter(status=WorkingGroup.Status.ACTIVE)
