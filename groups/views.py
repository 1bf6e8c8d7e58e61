import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, services
from .filters import GroupFilter
from .forms import SEARCH_LIMIT, GroupCreateForm, GroupForm, MembershipAddForm, MembershipForm, find_contacts
from .models import Membership, WorkingGroup

PAGE_SIZE = 20

NEXT_MEETINGS = 5


@login_required
def group_list(request):
    groups = GroupFilter(request.GET, queryset=WorkingGroup.objects.visible_to(request.user).for_list())
    page = Paginator(groups.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groups/group_list.html",
        {
            "filter": groups,
            "page_obj": page,
            "query": query.urlencode(),
            "can_create": access.can_create_group(request.user),
        },
    )


def year_progress(group, now):
    """This calendar year's meetings (not events): held, still planned, cancelled, against the target."""
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    start = dt.datetime(today.year, 1, 1, tzinfo=tz)
    end = dt.datetime(today.year + 1, 1, 1, tzinfo=tz)
    # groups may not import meetings: the statuses come from the related model.
    Meeting = group.meetings.model
    cancelled = Q(status=Meeting.Status.CANCELLED)
    # A past meeting that nobody marked cancelled took place, even if its status was not updated.
    held = Q(status=Meeting.Status.HELD) | (Q(ends_at__lt=now) & ~cancelled)
    figures = (
        group.meetings.filter(kind=Meeting.Kind.MEETING, starts_at__gte=start, starts_at__lt=end)
        .aggregate(
            held=Count("pk", filter=held),
            planned=Count("pk", filter=~cancelled & ~held),
            cancelled=Count("pk", filter=cancelled),
        )
    )
    figures["year"] = today.year
    figures["target"] = group.meetings_per_year
    figures["total"] = figures["held"] + figures["planned"]
    figures["missing"] = max(group.meetings_per_year - figures["total"], 0)
    figures["percent_held"] = (
        min(round(100 * figures["held"] / group.meetings_per_year), 100) if group.meetings_per_year else 0
    )
    return figures


def actions_by_lever(group):
    """The group's open actions, grouped by lever in the levers' own order."""
    # groups may not import meetings: the lever choices come from the related model.
    levers = group.actions.model._meta.get_field("lever").choices
    actions = group.actions.open().select_related("owner__organisation").order_by("due_date", "pk")
    by_lever = {value: [] for value, _label in levers}
    for action in actions:
        by_lever[action.lever].append(action)
    return [(label, by_lever[value]) for value, label in levers if by_lever[value]]


@login_required
def group_detail(request, slug):
    user = request.user
    group = get_object_or_404(WorkingGroup.objects.visible_to(user).select_related("territory"), slug=slug)
    coordinators = list(group.memberships.current().coordinators().select_related("contact__organisation"))
    context = {
        "group": group,
        "coordinators": coordinators,
        "is_member": access.can_view_group_content(user, group),
        "can_coordinate": access.can_coordinate(user, group),
        "can_see_details": access.can_see_contact_details(user),
        "today": timezone.localdate(),
    }
    if context["is_member"]:
        now = timezone.now()
        context.update(
            members=list(group.memberships.for_group_page()),
            next_meetings=list(
                group.meetings.filter(ends_at__gte=now).order_by("starts_at")[:NEXT_MEETINGS]
            ),
            actions_by_lever=actions_by_lever(group),
            progress=year_progress(group, now),
        )
    return render(request, "groups/group_detail.html", context)


@login_required
def group_create(request):
    access.require(access.can_create_group(request.user))
    form = GroupCreateForm(request.POST or None)
    if form.is_valid():
        group = services.create_group(created_by=request.user, **form.cleaned_data)
        messages.success(request, _("The group “%(name)s” was created.") % {"name": group.name})
        return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@login_required
def group_edit(request, slug):
    group = access.group_for_coordinator(request.user, slug)
    form = GroupForm(request.POST or None, instance=group)
    if form.is_valid():
        form.save()
        messages.success(request, _("The group was updated."))
        return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def group_archive(request, slug):
    group = access.group_for_coordinator(request.user, slug)
    if request.POST.get("restore"):
        services.restore_group(group)
        messages.success(request, _("The group is active again."))
    else:
        services.archive_group(group)
        messages.success(
            request, _("The group was archived. It no longer appears in the list; nothing was deleted.")
        )
    return redirect(group)


@login_required
def members(request, slug):
    """Current and former members, and the form to add one: a search, then a choice among its results."""
    group = access.group_for_coordinator(request.user, slug)
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
            access.forget(request.user)
            messages.success(
                request, _("%(name)s was added to the group.") % {"name": membership.contact.full_name}
            )
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


def _membership(request, slug, pk):
    group = access.group_for_coordinator(request.user, slug)
    return group, get_object_or_404(Membership.objects.select_related("contact__organisation"), group=group, pk=pk)


@login_required
def membership_edit(request, slug, pk):
    group, membership = _membership(request, slug, pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if form.is_valid():
        form.save()
        access.forget(request.user)
        messages.success(request, _("The membership of %(name)s was updated.") % {"name": membership.contact.full_name})
        return redirect("groups:members", slug=group.slug)
    return render(request, "groups/membership_form.html", {"group": group, "membership": membership, "form": form})


@login_required
@require_POST
def membership_end(request, slug, pk):
    group, membership = _membership(request, slug, pk)
    services.end_membership(membership, left=max(timezone.localdate(), membership.joined or dt.date.min))
    access.forget(request.user)
    messages.success(
        request,
        _("%(name)s left the group. Their history is kept; they will get no new mail.")
        % {"name": membership.contact.full_name},
    )
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def membership_rejoin(request, slug, pk):
    group, membership = _membership(request, slug, pk)
    services.rejoin(membership)
    access.forget(request.user)
    messages.success(request, _("%(name)s is a member again.") % {"name": membership.contact.full_name})
    return redirect("groups:members", slug=group.slug)
