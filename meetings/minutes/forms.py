import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Meeting
from . import services


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


class CorrectionForm(forms.Form):
    """A correction ("rectificatif") of minutes already sent: the corrected text, and why."""

    text = forms.CharField(
        label=_("Corrected minutes (Markdown)"),
        strip=False,
        max_length=services.MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24, "class": "form-control font-monospace"}),
    )
    reason = forms.CharField(
        label=_("What the correction is about"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
