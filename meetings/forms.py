import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groups.models import Membership
from stakeholders.models import Contact

from . import services
from .models import Action, AgendaItem, Attendance, Meeting


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


class TimesMixin:
    """A day and two wall-clock times in Paris, ending after they start."""

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("A meeting must end after it starts."))
            else:
                cleaned["starts_at"] = services.paris_datetime(day, start)
                cleaned["ends_at"] = services.paris_datetime(day, end)
        return cleaned


class MeetingForm(TimesMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Left empty: “Meeting of 9 December”."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices, initial=Meeting.Kind.MEETING)
    day = forms.DateField(label=_("Day"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput(), initial=dt.time(9, 30))
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput(), initial=dt.time(12, 0))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Meeting.Status.choices if c[0] != Meeting.Status.CANCELLED],
        initial=Meeting.Status.PLANNED,
    )

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        if starts_at is not None and not services.may_be_held(cleaned.get("status"), starts_at):
            self.add_error("status", services.HELD_TOO_EARLY)
        return cleaned

    @classmethod
    def initial_for(cls, meeting):
        start = timezone.localtime(meeting.starts_at, services.PARIS)
        end = timezone.localtime(meeting.ends_at, services.PARIS)
        return {
            "title": meeting.title,
            "kind": meeting.kind,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "place": meeting.place,
            "video_url": meeting.video_url,
            "status": meeting.status,
        }


# A context keeps "second" from borrowing Django's translation of the unit of time.
ORDINALS = [
    (1, pgettext_lazy("nth weekday of a month", "first")),
    (2, pgettext_lazy("nth weekday of a month", "second")),
    (3, pgettext_lazy("nth weekday of a month", "third")),
    (4, pgettext_lazy("nth weekday of a month", "fourth")),
    (-1, pgettext_lazy("nth weekday of a month", "last")),
]
WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
    (5, _("Saturday")), (6, _("Sunday")),
]
EVERY = [(1, _("every month")), (2, _("every other month")), (3, _("every three months")),
         (4, _("every four months")), (6, _("every six months"))]


class PlanForm(forms.Form):
    """“Every second Tuesday of every other month, 9:30–12:00, from January.”"""

    ordinal = forms.TypedChoiceField(label=_("Which"), choices=ORDINALS, coerce=int, initial=2)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int, initial=1)
    every_months = forms.TypedChoiceField(label=_("How often"), choices=EVERY, coerce=int, initial=2)
    # Two selects rather than <input type="month">, which Firefox and Safari show as text.
    start_month = forms.TypedChoiceField(label=_("Month"), choices=list(MONTHS.items()), coerce=int)
    start_year = forms.TypedChoiceField(label=_("Year"), choices=(), coerce=int)
    count = forms.IntegerField(label=_("Number of meetings"), min_value=1, max_value=24, initial=6)
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput(), initial=dt.time(9, 30))
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput(), initial=dt.time(12, 0))
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Left empty: “Meeting of 9 December”."))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["start_year"].choices = [(year, str(year)) for year in range(this_year - 1, this_year + 4)]
        self.fields["start_year"].error_messages["invalid_choice"] = _("Choose a year in the list.")
        self.fields["start_month"].error_messages["invalid_choice"] = _("Choose a month in the list.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_month") and cleaned.get("start_year"):
            cleaned["first_month"] = dt.date(cleaned["start_year"], cleaned["start_month"], 1)
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("A meeting must end after it starts."))
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "duration_minutes", "presenter", "lever", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"] = ContactChoiceField(
            queryset=group_contacts(group), required=False, label=_("Presenter")
        )
        duration = self.fields["duration_minutes"]
        duration.validators += [MinValueValidator(1), MaxValueValidator(600)]
        duration.widget.attrs.update(min=1, max=600)


class AttendanceRowForm(forms.Form):
    """One line of the register: presence, and who stood in for an absent person."""

    presence = forms.ChoiceField(
        choices=Attendance.Presence.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    represented_by = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("A substitute must be a colleague from the same organisation.")},
    )

    def __init__(self, *args, attendance, colleagues, **kwargs):
        super().__init__(*args, prefix=f"a{attendance.pk}", **kwargs)
        self.attendance = attendance
        self.colleagues = {c.pk: c for c in colleagues}
        self.fields["presence"].label = _("Presence of %(name)s") % {"name": attendance.contact.full_name}
        self.fields["represented_by"].label = _("Represented by")
        self.fields["represented_by"].choices = [("", "—")] + [(c.pk, c.full_name) for c in colleagues]
        self.initial = {"presence": attendance.presence, "represented_by": attendance.represented_by_id}

    def clean(self):
        cleaned = super().clean()
        pk = cleaned.get("represented_by")
        if pk is not None:
            substitute = self.colleagues.get(pk)
            if substitute is None:
                raise ValidationError(_("A substitute must be a colleague from the same organisation."))
            if cleaned.get("presence") == Attendance.Presence.PRESENT:
                raise ValidationError(_("A person who is present is not represented."))
            services.validate_substitute(self.attendance, substitute)
            cleaned["substitute"] = substitute
        else:
            cleaned["substitute"] = None
        return cleaned


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes (Markdown)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace"}),
    )
    # When the saved minutes the page started from were saved (empty: none yet); a save
    # made since by someone else is a conflict, not something to overwrite.
    loaded_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_loaded_at(self):
        value = self.cleaned_data["loaded_at"].strip()
        if not value:
            return None
        try:
            loaded = dt.datetime.fromisoformat(value)
        except ValueError:
            loaded = None
        if loaded is None or timezone.is_naive(loaded):
            raise ValidationError(_("Reload the page: the version of the minutes it shows is unknown."))
        return loaded

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > services.MINUTES_MAX_LENGTH:
            raise ValidationError(
                _("The minutes are too long: %(max)s characters at most."),
                params={"max": "200 000"},
            )
        return text


class AdoptForm(forms.Form):
    adopted_in = forms.ModelChoiceField(queryset=Meeting.objects.none(), label=_("Adopted at the meeting of"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        later = (
            Meeting.objects.filter(
                group_id=meeting.group_id, starts_at__gt=meeting.starts_at, starts_at__lte=timezone.now()
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at")
        )
        self.fields["adopted_in"].queryset = later
        self.fields["adopted_in"].widget.attrs["class"] = "form-select"
        self.fields["adopted_in"].label_from_instance = lambda m: m.title
        first = later.first()
        if first is not None:
            self.initial["adopted_in"] = first.pk


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "kind", "owner", "due_date", "lever", "status", "description", "progress"]
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
        if self.instance.pk is None:
            del self.fields["progress"]  # nothing to report on an action just decided


class ActionProgressForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["status", "progress"]
        widgets = {"progress": forms.Textarea(attrs={"rows": 4})}
