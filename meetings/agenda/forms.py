from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ..fields import ContactChoiceField, GroupLevers, group_contacts
from ..models import AgendaItem


class AgendaItemForm(GroupLevers, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "duration_minutes", "presenter", "lever", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"] = ContactChoiceField(
            queryset=group_contacts(group), required=False, label=_("Presenter")
        )
        self.use_group_levers(group)
        duration = self.fields["duration_minutes"]
        duration.validators += [MinValueValidator(1), MaxValueValidator(600)]
        duration.widget.attrs.update(min=1, max=600)
