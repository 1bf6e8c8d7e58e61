from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stakeholders.models import Contact

from .models import Membership, WorkingGroup, validate_reminder_offsets
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


class GroupForm(forms.ModelForm):
    reminder_offsets = ReminderOffsetsField(
        label=_("Reminders (days before a meeting)"),
        required=False,
        help_text=_("For example 7, 1: a week and a day before each meeting. Leave empty for no reminder."),
    )

    class Meta:
        model = WorkingGroup
        fields = ["name", "theme", "description", "territory", "meetings_per_year", "reminder_offsets"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = self.fields["territory"].queryset.order_by("code")
        self.fields["meetings_per_year"].widget.attrs.update({"min": 0, "max": 52})

    def clean_meetings_per_year(self):
        value = self.cleaned_data["meetings_per_year"]
        if value is not None and value > 52:
            raise ValidationError(_("A group cannot aim at more than 52 meetings a year."))
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


def contact_choices():
    """Contacts one may add to a group: not archived, with their organisation for the label."""
    return Contact.objects.filter(is_archived=False).select_related("organisation").order_by(
        "last_name", "first_name"
    )


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contact):
        return f"{contact.last_name} {contact.first_name} — {contact.organisation.name}"


class MembershipAddForm(forms.ModelForm):
    contact = ContactChoiceField(
        queryset=Contact.objects.none(), label=_("Contact"), empty_label=_("Choose a contact…")
    )

    class Meta:
        model = Membership
        fields = ["contact", "role", "joined"]
        widgets = {"joined": DATE_INPUT}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["contact"].queryset = contact_choices()
        self.fields["joined"].initial = timezone.localdate
        self.fields["joined"].required = True

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
