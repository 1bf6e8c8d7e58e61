import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, services
from .filters import GroupFilter
from .forms import SEARCH_LIMIT, GroupCreateForm, GroupForm, MembershipAddForm, MembershipForm, find_contacts
from .models import WorkingGroup
from .paging import page_of

PAGE_SIZE = 20


@login_required
def group_list(request):
    groups = GroupFilter(request.GET, queryset=WorkingGroup.objects.visible_to(request.roles).for_list())
    page, query = page_of(request, groups.qs, PAGE_SIZE)
    return render(
        request,
        "groups/group_list.html",
        {
            "filter": groups,
            "page_obj": page,
            "query": query,
            "can_create": request.roles.can_create_group,
        },
    )


@login_required
def group_create(request):
    access.require(request.roles.can_create_group)
    form = GroupCreateForm(request.POST or None)
    if form.is_valid():
        group = services.create_group(coordinator=request.roles.contact, **form.cleaned_data)
        messages.success(request, _("The group “%(name)s” was created.") % {"name": group.name})
        return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request, slug):
    group = access.group_for_coordinator(request.roles, slug)
    form = GroupForm(request.POST or None, instance=group)
    if form.is_valid():
        form.save()
        messages.success(request, _("The group was updated."))
        return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def group_archive(request, slug):
    group = access.group_for_coordinator(request.roles, slug)
    if request.POST.get("restore"):
        services.restore_group(group)
        messages.success(request, _("The group is active again."))
    else:
        services.archive_group(group)
        messages.success(request, _("The group was archived. It no longer appears in the list; nothing was deleted."))
    return redirect(group)


@login_required
def members(request, slug):
    """Current and former members, and the form to add one: a search, then a choice among its results."""
    group = access.group_for_coordinator(request.roles, slug)
    data = request.POST if request.method == "POST" else None
    search = (data or request.GET).get("q", "").strip()
    found, more = find_contacts(search)
    form = MembershipAddForm(data, group=group, found=found)
    if form.is_valid():
        try:
            membership = services.add_member(group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("contact", error)
        else:
            messages.success(request, _("%(name)s was added to the group.") % {"name": membership.contact.full_name})
            return redirect("groups:members", slug=group.slug)
    rows = group.memberships.select_related("contact__organisation").order_by(
        "contact__last_name", "contact__first_name"
    )
    return render(
        request,
        "groups/members.html",
        {
            "group": group,
            "form": form,
            "search": search,
            "found": found,
            "more": more,
            "search_limit": SEARCH_LIMIT,
            # Members who join later are listed with the current ones, their date shown.
            "current": list(rows.not_ended()),
            "former": list(rows.former()),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def membership_edit(request, slug, pk):
    group, membership = access.membership_for_coordinator(request.roles, slug, pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if form.is_valid():
        form.save()
        messages.success(request, _("The membership of %(name)s was updated.") % {"name": membership.contact.full_name})
        return redirect("groups:members", slug=group.slug)
    return render(request, "groups/membership_form.html", {"group": group, "membership": membership, "form": form})


@login_required
def membership_end(request, slug, pk):
    """A confirmation page, then the member leaves today (their history stays)."""
    group, membership = access.membership_for_coordinator(request.roles, slug, pk)
    if request.method != "POST":
        return render(request, "groups/membership_end.html", {"group": group, "membership": membership})
    services.end_membership(membership, left=max(timezone.localdate(), membership.joined or dt.date.min))
    messages.success(
        request,
        _("%(name)s left the group. Their history is kept; they will get no new mail.")
        % {"name": membership.contact.full_name},
    )
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def membership_rejoin(request, slug, pk):
    group, membership = access.membership_for_coordinator(request.roles, slug, pk)
    services.rejoin(membership)
    messages.success(request, _("%(name)s is a member again.") % {"name": membership.contact.full_name})
    return redirect("groups:members", slug=group.slug)
