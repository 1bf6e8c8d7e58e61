from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reference.pickers import by_level
from stakeholders.models import Contact

from .models import Membership, WorkingGroup, validate_levers, validate_reminder_offsets
from .services import RESERVED_SLUGS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReminderOffsetsField(forms.CharField):
    """Days before a meeting, typed as "7, 1" rather than as JSON."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(days) for days in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return []
        try:
            days = [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise ValidationError(
                _("Write whole numbers of days separated by commas, for example: 7, 1."), code="invalid"
            ) from None
        validate_reminder_offsets(days)
        return sorted(days, reverse=True)


class LeversField(forms.CharField):
    """A group's own levers, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        names = [" ".join(line.split()) for line in (super().to_python(value) or "").splitlines()]
        names = [name for name in names if name]
        validate_levers(names)
        return names


class GroupForm(forms.ModelForm):
    levers = LeversField(
        label=_("The group’s own levers"),
        required=False,
        help_text=_(
            "One per line, for example “Driving licence”. Leave empty to follow the network’s levers "
            "(raise awareness, train, role models)."
        ),
    )
    reminder_offsets = ReminderOffsetsField(
        label=_("Reminders (days before a meeting)"),
        required=False,
        help_text=_("For example 7, 1: a week and a day before each meeting. Leave empty for no reminder."),
    )

    class Meta:
        model = WorkingGroup
        fields = [
            "name",
            "theme",
            "description",
            "territory",
            "meetings_per_year",
            "levers",
            "reminder_offsets",
            "poll_reminder_days",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_level(self.fields["territory"])
        self.fields["meetings_per_year"].widget.attrs.update({"min": 0, "max": 52})
        self.fields["poll_reminder_days"].required = False
        self.fields["poll_reminder_days"].widget.attrs.update({"min": 0, "max": 60})

    def clean_meetings_per_year(self):
        value = self.cleaned_data["meetings_per_year"]
        if value is not None and value > 52:
            raise ValidationError(_("A group cannot aim at more than 52 meetings a year."))
        return value

    def clean_poll_reminder_days(self):
        value = self.cleaned_data["poll_reminder_days"]
        if value is None:
            return self.instance.poll_reminder_days  # left empty: unchanged (2 days for a new group)
        if value > 60:
            raise ValidationError(_("A date poll reminder leaves at most 60 days before its deadline."))
        return value


class GroupCreateForm(GroupForm):
    """On creation only: the slug is part of every address of the group and its calendar feed."""

    class Meta(GroupForm.Meta):
        fields = ["name", "slug", *GroupForm.Meta.fields[1:]]
        error_messages = {"slug": {"unique": _("Another group already uses this short name.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].label = _("Short name in addresses")
        self.fields["slug"].help_text = _(
            "Lower-case letters, digits and hyphens, e.g. mixite-des-metiers. Made from the name when empty."
        )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This short name is reserved; choose another."))
        return slug


# The add-member form offers the results of a search, never the whole directory.
SEARCH_LIMIT = 30


def find_contacts(text, limit=SEARCH_LIMIT):
    """At most `limit` non-archived contacts matching the text, and whether more matched."""
    text = text.strip()
    if not text:
        return [], False
    found = list(
        Contact.objects.filter(is_archived=False)
        .search(text)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")[: limit + 1]
    )
    return found[:limit], len(found) > limit


def contact_label(contact):
    label = f"{contact.full_name} — {contact.organisation.name}"
    return f"{label} ({contact.email})" if contact.email else label


class MembershipAddForm(forms.ModelForm):
    # Validated by primary key against every active contact; only the search results are shown.
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.filter(is_archived=False).select_related("organisation"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        empty_label=None,
        label=_("Contact"),
        error_messages={
            "required": _("Choose a contact among the results of the search."),
            "invalid_choice": _("This contact does not exist or is archived: search again."),
        },
    )

    class Meta:
        model = Membership
        fields = ["contact", "role", "joined"]
        widgets = {"joined": DATE_INPUT}

    def __init__(self, *args, group, found=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["contact"].widget.choices = [(contact.pk, contact_label(contact)) for contact in found]
        self.fields["joined"].initial = timezone.localdate
        self.fields["joined"].required = True

    def clean_contact(self):
        contact = self.cleaned_data["contact"]
        choices = self.fields["contact"].widget.choices
        if all(pk != contact.pk for pk, _label in choices):
            # The form may come back with another error: keep the person's choice on screen.
            self.fields["contact"].widget.choices = [(contact.pk, contact_label(contact)), *choices]
        return contact

    def validate_unique(self):
        # The group is not a form field: add_member() checks duplicates with a clearer message.
        pass


class MembershipForm(forms.ModelForm):
    """Change a member's role or period; setting "left" ends the membership."""

    class Meta:
        model = Membership
        fields = ["role", "joined", "left"]
        widgets = {"joined": DATE_INPUT, "left": DATE_INPUT}
        help_texts = {"left": _("Set it to end the membership: the person keeps their history but gets no new mail.")}

    def clean(self):
        cleaned = super().clean()
        joined, left = cleaned.get("joined"), cleaned.get("left")
        if joined and left and left < joined:
            self.add_error("left", _("The leaving date cannot be before the joining date."))
        return cleaned
