import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.db.models.deletion import ProtectedError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import access
from groups.models import Membership
from groups.paging import page_of
from stakeholders import personal_data, services
from stakeholders.models import Contact, Organisation

from .filters import ContactFilter, OrganisationFilter
from .forms import ContactForm, OrganisationForm

PAGE_SIZE = 25


def _require_directory(request):
    access.require(request.roles.can_manage_directory)


def current_memberships():
    return Membership.objects.current().select_related("group").order_by("group__name")


@login_required
def directory(request):
    """The contacts of the network, for coordinators and admins."""
    _require_directory(request)
    contacts = ContactFilter(
        request.GET,
        request=request,
        queryset=Contact.objects.select_related("organisation").prefetch_related(
            Prefetch("memberships", queryset=current_memberships(), to_attr="current_memberships")
        ),
    )
    page, query = page_of(request, contacts.qs, PAGE_SIZE)
    return render(
        request,
        "directory/directory.html",
        {"filter": contacts, "page_obj": page, "query": query, "tab": "contacts"},
    )


@login_required
def organisations(request):
    _require_directory(request)
    found = OrganisationFilter(
        request.GET,
        request=request,
        queryset=Organisation.objects.select_related("sector", "territory")
        .annotate(contact_count=Count("contacts", filter=Q(contacts__is_archived=False), distinct=True))
        .order_by("name"),
    )
    page, query = page_of(request, found.qs, PAGE_SIZE)
    return render(
        request,
        "directory/organisation_list.html",
        {"filter": found, "page_obj": page, "query": query, "tab": "organisations"},
    )


@login_required
def organisation_detail(request, pk):
    organisation = access.organisation_for_directory(
        request.roles, pk, Organisation.objects.select_related("sector", "territory")
    )
    contacts = organisation.contacts.prefetch_related(
        Prefetch("memberships", queryset=current_memberships(), to_attr="current_memberships")
    ).order_by("is_archived", "last_name", "first_name")
    return render(request, "directory/organisation_detail.html", {"organisation": organisation, "contacts": contacts})


@login_required
def organisation_edit(request, pk=None):
    _require_directory(request)
    organisation = access.organisation_for_directory(request.roles, pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if form.is_valid():
        organisation = form.save()
        messages.success(request, _("The organisation “%(name)s” was saved.") % {"name": organisation.name})
        return redirect(organisation)
    return render(request, "directory/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_archive(request, pk):
    organisation = access.organisation_for_directory(request.roles, pk)
    archived = not request.POST.get("restore")
    services.set_archived(organisation, archived)
    messages.success(
        request, _("The organisation was archived.") if archived else _("The organisation is active again.")
    )
    return redirect(organisation)


@login_required
def organisation_delete(request, pk):
    """A confirmation page, then the deletion (only of an organisation nothing refers to)."""
    organisation = access.organisation_for_directory(request.roles, pk)
    if request.method != "POST":
        return render(request, "directory/organisation_delete.html", {"organisation": organisation})
    try:
        organisation.delete()
    except ProtectedError:
        messages.error(
            request,
            _("This organisation cannot be deleted: contacts or groups' records refer to it. Archive it instead."),
        )
        return redirect(organisation)
    messages.success(request, _("The organisation was deleted."))
    return redirect("directory:organisations")


@login_required
def contact_detail(request, pk):
    contact = access.contact_for_directory(request.roles, pk, Contact.objects.select_related("organisation", "user"))
    memberships = contact.memberships.select_related("group").order_by("group__name")
    return render(
        request,
        "directory/contact_detail.html",
        {
            "contact": contact,
            "memberships": memberships,
            "can_see_details": request.roles.can_see_contact_details,
            "can_edit": request.roles.can_edit_contact(contact),
            "can_resend_invitation": services.can_resend_invitation(contact),
        },
    )


@login_required
def contact_edit(request, pk=None):
    _require_directory(request)
    contact = access.contact_for_editor(request.roles, pk) if pk else None
    initial = {}
    if contact is None and request.GET.get("organisation", "").isdigit():
        initial["organisation"] = request.GET["organisation"]
    form = ContactForm(
        request.POST or None,
        instance=contact,
        initial=initial,
        may_change_login_email=contact is None or request.roles.can_change_login_email(contact),
    )
    if form.is_valid():
        contact = form.save()
        messages.success(request, _("The contact %(name)s was saved.") % {"name": contact.full_name})
        return redirect(contact)
    return render(request, "directory/contact_form.html", {"form": form, "contact": contact})


@login_required
@require_POST
def contact_invite(request, pk):
    contact = access.contact_for_editor(request.roles, pk)
    try:
        services.invite(contact, invited_by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("An invitation was sent to %(email)s. The link to choose a password works for %(lifetime)s.")
            % {"email": contact.email, "lifetime": services.link_lifetime()},
        )
    return redirect(contact)


@login_required
@require_POST
def contact_archive(request, pk):
    contact = access.contact_for_editor(request.roles, pk)
    archived = not request.POST.get("restore")
    services.set_archived(contact, archived)
    messages.success(request, _("The contact was archived.") if archived else _("The contact is active again."))
    return redirect(contact)


@login_required
def contact_delete(request, pk):
    """A confirmation page, then the deletion (only of a contact nothing refers to)."""
    contact = access.contact_for_editor(request.roles, pk, Contact.objects.select_related("organisation"))
    if request.method != "POST":
        return render(request, "directory/contact_delete.html", {"contact": contact})
    if contact.user_id is not None:
        messages.error(
            request, _("This contact has a login and cannot be deleted. Archive them, or erase their personal data.")
        )
        return redirect(contact)
    organisation = contact.organisation
    try:
        contact.delete()
    except ProtectedError:
        messages.error(
            request,
            _(
                "This contact cannot be deleted: memberships, attendance or actions refer to them. "
                "Archive them instead, or erase their personal data."
            ),
        )
        return redirect(contact)
    messages.success(request, _("The contact was deleted."))
    return redirect(organisation)


@login_required
def contact_export(request, pk):
    """RGPD right of access: everything about one contact, as a JSON download."""
    contact = access.contact_for_editor(request.roles, pk, Contact.objects.select_related("organisation", "user"))
    body = json.dumps(personal_data.export(contact), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}-donnees-personnelles.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def contact_erase(request, pk):
    """RGPD right to erasure: a confirmation page, then anonymisation (history rows are kept)."""
    contact = access.contact_for_editor(request.roles, pk, Contact.objects.select_related("organisation", "user"))
    refusal = None
    if contact.user is not None and contact.user.is_staff and not request.roles.is_admin:
        refusal = _("This contact's login is an administrator's: only an administrator may erase it.")
    elif contact.user_id is not None and contact.user_id == request.user.pk:
        refusal = _("You cannot erase your own contact from here: ask an administrator.")
    if request.method == "POST" and refusal is None:
        personal_data.erase(contact, erased_by=request.user)
        messages.success(request, _("The contact's personal data was erased. Their history is kept anonymously."))
        return redirect(contact)
    return render(request, "directory/contact_erase.html", {"contact": contact, "refusal": refusal})


@login_required
def role_models(request):
    """Role models and their testimonies, for awareness actions: every logged-in user."""
    access.require(request.roles.can_see_role_models)
    found = Contact.objects.filter(is_role_model=True, is_archived=False).select_related("organisation")
    search = request.GET.get("q", "").strip()
    if search:
        found = found.filter(
            Q(testimony_trade__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(organisation__name__icontains=search)
        )
    page, query = page_of(request, found.order_by("testimony_trade", "last_name", "first_name"), PAGE_SIZE)
    return render(
        request,
        "directory/role_models.html",
        {
            "page_obj": page,
            "query": query,
            "search": search,
            "can_see_details": request.roles.can_see_contact_details,
            "can_manage": request.roles.can_manage_directory,
        },
    )
