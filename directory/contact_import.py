"""The contact import page: a spreadsheet, a dry run, then all rows or none."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups import access

from . import contact_file, importing


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.csv or .xlsx)"),
        help_text=gettext_lazy(
            "First row: last name, first name, organisation, job title, e-mail, phone (in French or English)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.records = contact_file.read(upload)
        return upload


@login_required
def contact_import(request):
    """Coordinators and admins import contacts; "Simulate" shows what would change and writes nothing."""
    access.require(request.roles.can_manage_directory)
    form = ImportForm(request.POST or None, request.FILES or None)
    plan, dry_run = None, "dry_run" in request.POST
    if form.is_valid():
        plan = importing.plan(form.records, request.roles)
        if plan.ok and not dry_run:
            importing.apply(plan)
            messages.success(request, _summary(plan))
            return redirect("directory:directory")
    status = 400 if form.errors or (plan is not None and not plan.ok) else 200
    return render(
        request, "directory/contact_import.html", {"form": form, "plan": plan, "dry_run": dry_run}, status=status
    )


def _summary(plan):
    created = ngettext("%(n)d contact created", "%(n)d contacts created", len(plan.create)) % {"n": len(plan.create)}
    changed = ngettext("%(n)d changed", "%(n)d changed", len(plan.change)) % {"n": len(plan.change)}
    same = ngettext("%(n)d unchanged", "%(n)d unchanged", len(plan.unchanged)) % {"n": len(plan.unchanged)}
    return _("Import done: %(created)s, %(changed)s, %(same)s.") % {
        "created": created,
        "changed": changed,
        "same": same,
    }
