from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Document
from . import services, types


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, office documents (Word, Excel, PowerPoint, OpenDocument) or images."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in types.EXTENSIONS)}),
    )
    part = forms.ChoiceField(label=_("Attach to"), choices=Document.Part.choices, initial=Document.Part.MEETING)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean_file(self):
        upload = self.cleaned_data["file"]
        services.check_upload(upload)
        return upload

    def clean_part(self):
        part = self.cleaned_data["part"]
        try:
            services.check_part(self.meeting, part)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return part
