"""The partner directory as a spreadsheet: the contacts the page lists with the same filters."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from groups import access, xlsx
from groups.models import Membership
from stakeholders.models import Contact

from .filters import ContactFilter


def columns():
    return [
        xlsx.Column(_("Last name"), 20),
        xlsx.Column(_("First name"), 16),
        xlsx.Column(_("Organisation"), 32),
        xlsx.Column(_("Kind of organisation"), 22),
        xlsx.Column(_("Job title"), 26),
        xlsx.Column(_("E-mail"), 30),
        xlsx.Column(_("Phone"), 16),
        xlsx.Column(_("Territory"), 20),
        xlsx.Column(_("Groups"), 36),
        xlsx.Column(_("Role model"), 10),
        xlsx.Column(_("Archived"), 10),
        xlsx.Column(_("Updated"), 12),
    ]


def rows(contacts):
    yes = _("yes")
    for contact in contacts:
        organisation = contact.organisation
        yield [
            contact.last_name,
            contact.first_name,
            organisation.name,
            organisation.get_kind_display(),
            contact.job_title,
            contact.email,
            contact.phone,
            organisation.territory.name if organisation.territory_id else "",
            ", ".join(m.group.name for m in contact.current_memberships),
            yes if contact.is_role_model else "",
            yes if contact.is_archived else "",
            timezone.localtime(contact.updated_at).date(),
        ]


@require_safe
@login_required
def partners_xlsx(request):
    """/partners/export.xlsx: the directory's contacts (coordinators and admins), filtered like the page."""
    access.require(request.roles.can_manage_directory)
    memberships = Membership.objects.current().select_related("group").order_by("group__name")
    found = ContactFilter(
        request.GET,
        request=request,
        queryset=Contact.objects.select_related("organisation__territory").prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="current_memberships")
        ),
    )
    contacts = found.qs.iterator(chunk_size=2000)
    today = timezone.localdate()
    return xlsx.response(columns(), rows(contacts), title=_("Partners"), filename=f"partenaires-{today}.xlsx")
