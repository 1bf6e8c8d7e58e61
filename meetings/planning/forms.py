import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..fields import DateInput, TimeInput, reach_help
from ..models import Meeting
from . import services, timing

WHEN_FIELDS = ("day", "last_day", "all_day", "start_time", "end_time")


class MeetingForm(forms.Form):
    """A meeting or an event: a first and a last day, and its hours unless it lasts all day (Paris time).

    `meeting`: the meeting being edited. Saved with its own values, it keeps its own instants
    (to the second, and the first or second 2h30 of an autumn night alike).
    """

    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Left empty: “Meeting of 9 December”.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices, initial=Meeting.Kind.MEETING)
    day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(
        label=_("Last day"), widget=DateInput(), required=False, help_text=_("Left empty: the same day.")
    )
    all_day = forms.BooleanField(label=_("All day (no hours)"), required=False)
    start_time = forms.TimeField(
        label=_("Starts at"),
        widget=TimeInput(),
        initial=dt.time(9, 30),
        required=False,
        help_text=_("Not used for an all-day event."),
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput(), initial=dt.time(12, 0), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Meeting.Status.choices if c[0] != Meeting.Status.CANCELLED],
        initial=Meeting.Status.PLANNED,
    )
    reached_women = Meeting._meta.get_field("reached_women").formfield()
    reached_men = Meeting._meta.get_field("reached_men").formfield()
    reached_unknown = Meeting._meta.get_field("reached_unknown").formfield()
    reached_stage = Meeting._meta.get_field("reached_stage").formfield()

    def __init__(self, *args, meeting=None, **kwargs):
        self.meeting = meeting
        self.notes = []  # what the form decided on its own (an ambiguous time), to be said
        super().__init__(*args, **kwargs)
        reach_help(self.fields)

    def reach(self):
        return {name: self.cleaned_data[name] for name in Meeting.REACH_FIELDS}

    def clean(self):
        cleaned = super().clean()
        when = timing.clean_span(self, cleaned)
        if when is not None:
            cleaned.update(when)
            if self.meeting is not None and not set(WHEN_FIELDS) & set(self.changed_data):
                cleaned.update(starts_at=self.meeting.starts_at, ends_at=self.meeting.ends_at)
        starts_at = cleaned.get("starts_at")
        if starts_at is not None and not services.may_be_held(cleaned.get("status"), starts_at):
            self.add_error("status", services.HELD_TOO_EARLY)
        return cleaned

    @classmethod
    def initial_for(cls, meeting):
        start = timezone.localtime(meeting.starts_at, services.PARIS)
        end = timezone.localtime(meeting.ends_at, services.PARIS)
        hours = {} if meeting.all_day else {"start_time": _minute(start), "end_time": _minute(end)}
        return {
            "title": meeting.title,
            "kind": meeting.kind,
            "day": meeting.first_day,
            "last_day": meeting.last_day,
            "all_day": meeting.all_day,
            **hours,
            "place": meeting.place,
            "video_url": meeting.video_url,
            "status": meeting.status,
            **{name: getattr(meeting, name) for name in Meeting.REACH_FIELDS},
        }


def _minute(value):
    return value.time().replace(second=0, microsecond=0)


# A context keeps "second" from borrowing Django's translation of the unit of time.
ORDINALS = [
    (1, pgettext_lazy("nth weekday of a month", "first")),
    (2, pgettext_lazy("nth weekday of a month", "second")),
    (3, pgettext_lazy("nth weekday of a month", "third")),
    (4, pgettext_lazy("nth weekday of a month", "fourth")),
    (-1, pgettext_lazy("nth weekday of a month", "last")),
]


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


EVERY = [
    (1, _("every month")),
    (2, _("every other month")),
    (3, _("every three months")),
    (4, _("every four months")),
    (6, _("every six months")),
]


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
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Left empty: “Meeting of 9 December”.")
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["start_year"].choices = [(year, str(year)) for year in range(this_year - 1, this_year + 4)]
        self.fields["start_year"].error_messages["invalid_choice"] = _("Choose a year in the list.")
        self.fields["start_month"].error_messages["invalid_choice"] = _("Choose a month in the list.")

    def pattern(self):
        """The cleaned pattern, as services.plan_dates takes it."""
        data = self.cleaned_data
        names = ("ordinal", "weekday", "every_months", "count", "start_time", "end_time")
        return {"start_month": data["first_month"], **{name: data[name] for name in names}}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_month") and cleaned.get("start_year"):
            cleaned["first_month"] = dt.date(cleaned["start_year"], cleaned["start_month"], 1)
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("A meeting must end after it starts."))
        return cleaned
