from django import forms
from django.utils.translation import gettext_lazy as _

from ..fields import ContactChoiceField, DateInput, GroupLevers, group_contacts, reach_help
from ..models import Action


class ActionForm(GroupLevers, forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "title", "kind", "owner", "due_date", "lever", "status", "description", "progress", *Action.REACH_FIELDS
        ]  # fmt: skip
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = ContactChoiceField(
            queryset=group_contacts(group, keep=self.instance.owner_id),
            label=_("Owner"),
            error_messages={"required": _("Choose who owns this action.")},
        )
        self.use_group_levers(group)
        if self.instance.pk is None:
            del self.fields["progress"]  # nothing to report on an action just decided
        reach_help(self.fields)


class ActionProgressForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["status", "progress"]
        widgets = {"progress": forms.Textarea(attrs={"rows": 4})}
