from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Attendance
from . import services


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
        super().__init__(*args, prefix=f"c{attendance.contact_id}", **kwargs)
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
