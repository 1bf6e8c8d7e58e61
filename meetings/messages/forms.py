from django import forms
from django.utils.translation import gettext_lazy as _

from . import services


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=services.SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Message (Markdown)"),
        max_length=services.BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("**bold**, *italics*, lists with “- ”, links: [text](https://…)."),
    )

    def clean_subject(self):
        # A subject is one line: a line break would start the mail's body (header injection).
        return " ".join(self.cleaned_data["subject"].split())
