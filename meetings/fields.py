"""Form pieces the concerns share: date and time inputs, a group's contacts to choose from."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import Membership
from reference.models import Stage
from stakeholders.models import Contact

from .models import Lever


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def group_contacts(group, *, keep=None):
    """Contacts who currently belong to the group: owners, presenters.

    keep: the pk of a contact already chosen (an action's owner who has since left the
    group), who stays a valid choice so the rest of the record can still be edited.
    """
    members = Q(pk__in=Membership.objects.current().filter(group=group).values("contact_id"), is_archived=False)
    if keep is not None:
        members |= Q(pk=keep)
    return Contact.objects.filter(members).select_related("organisation").order_by("last_name", "first_name")


class ContactChoiceField(forms.ModelChoiceField):
    """A contact shown with their organisation, so that two people of the same name differ."""

    def label_from_instance(self, contact):
        return f"{contact.full_name} ({contact.organisation.name})"


class GroupLevers:
    """A form of an action or agenda item offers the group's own levers when it named some
    (WorkingGroup.levers), with "Other"; else the network's. An own lever is kept as the
    lever "autre" and its name (`lever_name`), so the network's counts stay by its four levers.
    """

    def use_group_levers(self, group):
        current = self.instance.lever_name
        names = [*group.levers, *([current] if current and current not in group.levers else [])]
        if not names:
            return
        field = self.fields["lever"]
        blank = [(value, label) for value, label in field.choices if value == ""]
        # A network lever chosen before the group named its own stays until changed.
        kept = [(value, label) for value, label in Lever.choices if value == self.instance.lever != Lever.AUTRE]
        field.choices = [*blank, *((name, name) for name in names), *kept, (Lever.AUTRE, Lever.AUTRE.label)]
        self.own_levers = names
        if current:
            self.initial["lever"] = current

    def clean(self):
        cleaned = super().clean()
        if "lever" in cleaned:
            own = cleaned["lever"] in getattr(self, "own_levers", ())
            cleaned["lever_name"] = cleaned["lever"] if own else ""
            cleaned["lever"] = Lever.AUTRE if own else cleaned["lever"]
            self.instance.lever_name = cleaned["lever_name"]  # not a field of the form: saved with it all the same
        return cleaned


def reach_help(fields):
    """The reach fields of an action or event form: whole numbers, empty when not counted."""
    for name in ("reached_women", "reached_men", "reached_unknown"):
        if name in fields:
            fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})
            fields[name].help_text = _("Leave empty when not counted (empty is not zero).")
    if "reached_stage" in fields:
        # Optional in the form: forms posted without it (older pages, scripts) keep the default.
        field = fields["reached_stage"]
        fields["reached_stage"] = forms.TypedChoiceField(
            label=field.label,
            choices=Stage.choices,
            required=False,
            empty_value=Stage.SENSIBILISES,
            initial=Stage.SENSIBILISES,
            help_text=_("The stage of the path these young people count toward."),
        )
