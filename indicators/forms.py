import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reference.models import Nomenclature, Stage
from reference.pickers import searchable
from reference.widgets import QuickSelect

from . import metrics
from .reading import ROME_CODE


def _max_bytes():
    return settings.INDICATORS_UPLOAD_MAX_BYTES


def too_big_message():
    megabytes = _max_bytes() / (1024 * 1024)
    return _(
        "This file is larger than %(size)s MB, the limit of the import page. Split it (by year or by "
        "territory), or ask an administrator to import it with the command line."
    ) % {"size": f"{megabytes:g}".replace(".", ",")}


FAP_CODE = re.compile(r"^[A-Z]\d[A-Z]$")

RULE_CHOICES = [
    (metrics.DARES15, _("DARES ±15 points around the overall share")),
    (metrics.BAND40_60, _("Mixed between 40 % and 60 % of women")),
]


class DashboardFilters(forms.Form):
    """The dashboard's filters, read from the query string (also for the JSON and CSV)."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    territory = forms.ChoiceField(label=_("Territory"), required=False, widget=QuickSelect)
    nomenclature = forms.ChoiceField(
        label=_("Nomenclature"), required=False, choices=Nomenclature.choices, initial=Nomenclature.ROME
    )
    domain = forms.ChoiceField(label=_("Domain"), required=False, widget=QuickSelect)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices])
    rule = forms.ChoiceField(label=_("Mixité rule"), required=False, choices=RULE_CHOICES, initial=metrics.DARES15)
    group = forms.ChoiceField(label=_("Working group"), required=False)

    def __init__(self, data, *, tree, domains, groups=(), **kwargs):
        data = data.copy()
        domain = (data.get("domain") or "").strip().upper()
        match = ROME_CODE.match(domain)
        rome = data.get("nomenclature", "rome") in ("", "rome")
        if match and rome:
            data["domain"] = match.group(1)  # F1703 → F
        # Switching the nomenclature leaves the other one's domain in the query string:
        # show every domain, with a note rather than an error.
        self.reset_domain = ""
        if (match and not rome) or (FAP_CODE.match(domain) and rome):
            self.reset_domain = domain
            data["domain"] = ""
        super().__init__(data, **kwargs)
        self.tree = tree
        self.fields["territory"].choices = tree.options()
        self.fields["domain"].choices = [("", _("All domains"))] + [(d.code, f"{d.code} – {d.label}") for d in domains]
        self.groups = {g.slug: g for g in groups}
        self.fields["group"].choices = [("", _("All groups"))] + [(g.slug, g.name) for g in groups]
        self.chosen_territory = self.chosen_group = None
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
        searchable(self.fields["territory"])

    def cleaned_or_default(self):
        """The valid filters; a bad value falls back to its default (the form shows the error)."""
        self.is_valid()
        values = {}
        for name, field in self.fields.items():
            if name in self.errors or not self.cleaned_data.get(name):
                values[name] = field.initial if field.initial is not None else ""
            else:
                values[name] = self.cleaned_data[name]
        root = self.tree.root()
        values["territory"] = self.tree.by_code.get(values["territory"]) or root
        values["year"] = values["year"] or None
        self.chosen_territory = values["territory"]
        self.chosen_group = self.groups.get(values.pop("group"))
        return values


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns period, territory, nomenclature, domain, stage, women, men[, unknown][, level] — French "
            "headers accepted; with a level column (pays, région, département, mission locale) plain INSEE codes "
            "are read at that level; comma or semicolon; UTF-8 or Windows-1252."
        ),
    )

    def __init__(self, *args, too_big=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big  # the upload handler stopped reading past the limit: the file never arrived

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > _max_bytes():
            raise forms.ValidationError(too_big_message(), code="too_big")
        return upload

    def clean(self):
        if self.too_big:
            self.errors.pop("file", None)
            self.add_error("file", forms.ValidationError(too_big_message(), code="too_big"))
        return self.cleaned_data
