from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from groups.models import Membership
from meetings.planning.forms import WEEKDAYS as PLANNER_WEEKDAYS
from stakeholders.models import Contact

from . import slots as slot_parsing
from .models import Answer, Poll

WEEKDAYS = PLANNER_WEEKDAYS[:6]  # Monday to Saturday: no working group meets on a Sunday


class GuestChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.organisation.name})"


class PollForm(forms.ModelForm):
    """A poll: what, where, the dates proposed (one per line), partners asked besides the members."""

    slots = forms.CharField(
        label=_("Proposed dates"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        help_text=_(
            "One per line, Paris time: 12/01/2027 09:30-12:00. Several days: 08/03/2027 09:00 - 12/03/2027 17:00."
        ),
    )
    guests = GuestChoiceField(
        label=_("Partners to ask besides the members"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("People outside the group, with or without a login: they answer from the link in their mail."),
    )

    class Meta:
        model = Poll
        fields = ["title", "description", "place", "video_url", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, group, now, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        members = Membership.objects.current().filter(group=group).values("contact_id")
        self.fields["guests"].queryset = (
            Contact.objects.filter(is_archived=False)
            .exclude(email="")
            .exclude(pk__in=members)
            .select_related("organisation")
            .order_by("organisation__name", "last_name", "first_name")
        )
        self.fields["title"].initial = _("Meeting")

    def clean_slots(self):
        return slot_parsing.parse_slots(self.cleaned_data["slots"], now=self.now)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline is not None and deadline < self.now.date():
            raise ValidationError(_("The deadline has already passed."))
        return deadline


class QuickEntryForm(forms.Form):
    """ "Every Tuesday and Thursday of weeks 3 to 5, 9:30–12:00": lines added to the dates proposed."""

    prefix = "quick"
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    first_week = forms.IntegerField(label=_("From week"), min_value=1, max_value=53)
    last_week = forms.IntegerField(label=_("to week"), min_value=1, max_value=53)
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("to"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # Optional on the page (no asterisks); every field is needed once "Add these dates" is pressed.
            for field in self.fields.values():
                field.required = False

    def clean(self):
        data = super().clean()
        if data.get("first_week") and data.get("last_week") and data["last_week"] < data["first_week"]:
            raise ValidationError(_("The last week comes before the first."))
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            raise ValidationError(_("The slot must end after it starts."))
        return data

    def lines(self):
        return [slot_parsing.format_slot(*slot) for slot in slot_parsing.weekly_slots(**self.cleaned_data)]


class AnswerForm(forms.Form):
    """One person's answers: oui / si nécessaire / non for each date, and a comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, options, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.options = options
        for option in options:
            self.fields[f"o{option.pk}"] = forms.ChoiceField(
                label=str(option),
                choices=Answer.Choice.choices,
                widget=forms.RadioSelect,
                initial=current.get(option.pk),
                error_messages={"required": _("Answer for this date.")},
            )

    def rows(self):
        """(option, its field) in order, for the template."""
        return [(option, self[f"o{option.pk}"]) for option in self.options]

    def choices(self):
        return {option.pk: self.cleaned_data[f"o{option.pk}"] for option in self.options}
