import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from reference.pickers import by_level
from stakeholders.models import Contact, Organisation

PHONE = re.compile(r"^\+?[0-9 .()\-]{6,30}$")


def https_by_default(model_field, **kwargs):
    """An address typed without a scheme is taken as https:// (Django 6's default)."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class SectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, domain):
        return f"{domain.code} – {domain.label}"


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        formfield_callback = https_by_default
        fields = ["name", "kind", "sector", "territory", "website", "notes"]
        field_classes = {"sector": SectorChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"website": _("A full address, e.g. https://www.example.fr")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = self.fields["sector"].queryset.filter(nomenclature="rome").order_by("code")
        by_level(self.fields["territory"])
        self.fields["website"].error_messages["invalid"] = _(
            "Enter a full web address starting with https:// or http://."
        )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        formfield_callback = https_by_default
        fields = [
            "first_name",
            "last_name",
            "organisation",
            "job_title",
            "email",
            "phone",
            "is_role_model",
            "testimony_trade",
            "testimony_video_url",
        ]
        help_texts = {
            "is_role_model": _(
                "A person whose testimony helps awareness actions (e.g. a woman in a trade seen as male)."
            ),
            "testimony_video_url": _("A full address, e.g. https://www.youtube.com/watch?v=…"),
        }

    def __init__(self, *args, may_change_login_email=True, **kwargs):
        super().__init__(*args, **kwargs)
        # The address of a contact with a login receives their password links and signed answers.
        self.may_change_login_email = may_change_login_email
        if not may_change_login_email:
            self.fields["email"].help_text = _(
                "This contact has a login: only an administrator may change their address."
            )
        organisations = Organisation.objects.filter(is_archived=False)
        if self.instance.organisation_id:
            organisations = organisations | Organisation.objects.filter(pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = organisations.order_by("name")
        self.fields["organisation"].empty_label = _("Choose an organisation…")
        self.fields["testimony_video_url"].error_messages["invalid"] = _(
            "Enter a full web address starting with https:// or http://."
        )
        self.fields["email"].error_messages["invalid"] = _("Enter a valid e-mail address, e.g. prenom.nom@example.fr.")

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise ValidationError(_("Enter a phone number with digits, spaces and an optional leading +."))
        return phone

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            others = Contact.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
            other = others.select_related("organisation").first()
            if other is not None:
                raise ValidationError(
                    _("Another contact already uses this address: %(name)s (%(organisation)s).")
                    % {"name": other.full_name, "organisation": other.organisation.name}
                )
        if not self.may_change_login_email and email.lower() != self.instance.email.lower():
            raise ValidationError(_("This contact has a login: only an administrator may change their e-mail address."))
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_role_model") and not cleaned.get("testimony_trade", "").strip():
            self.add_error("testimony_trade", _("A role model needs the trade of their testimony."))
        return cleaned
