from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import access
from groups.models import WorkingGroup
from groups.paging import CappedPaginator

from ..markdown import render_markdown
from ..models import Action, Meeting
from . import services
from .filters import ActionFilter
from .forms import ActionForm, ActionProgressForm


@login_required
def actions(request):
    """Every action of the groups the user can see, filtered."""
    roles = request.roles
    action_filter = filtered_actions(request)
    page = CappedPaginator(action_filter.qs, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/actions.html",
        {
            "filter": action_filter,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "actions": page.object_list,
            "today": timezone.localdate(),
            # The groups the user runs by membership: for an admin, not the whole country.
            "coordinated": WorkingGroup.objects.filter(pk__in=roles.coordinated_group_ids).order_by("name"),
        },
    )


ACTIONS_PER_PAGE = 50


def filtered_actions(request):
    """The page's filter on what the user may see: its `.qs` is the list (and the export)."""
    roles = request.roles
    return ActionFilter(
        request.GET or None, queryset=_actions_queryset(roles), groups=_filter_groups(roles, request.GET.get("group"))
    )


def _actions_queryset(roles):
    """Everything a row of the actions page shows."""
    return (
        Action.objects.visible_to(roles)
        .select_related("group", "owner__organisation", "meeting")
        .order_by("due_date", "pk")
    )


def _filter_groups(roles, chosen):
    """The groups to filter on: those I sit in, and the one chosen if I may see it (an
    admin reaches any group's actions from its page): never a national list of thousands."""
    wanted = Q(pk__in=roles.member_group_ids)
    if chosen and str(chosen).isdigit():
        wanted |= Q(pk__in=WorkingGroup.objects.member_of(roles).filter(pk=chosen).values("pk"))
    return WorkingGroup.objects.filter(wanted).order_by("name")


def _create_action(request, *, group, meeting):
    initial = {"status": Action.Status.TODO}
    form = ActionForm(request.POST or None, group=group, initial=initial)
    if form.is_valid():
        action = services.create_action(group=group, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("Action created."))
        return redirect(meeting if meeting is not None else action)
    return render(
        request, "meetings/action_form.html", {"group": group, "meeting": meeting, "form": form, "action": None}
    )


@login_required
def action_new(request, slug):
    group = access.group_for_coordinator(request.roles, slug)
    return _create_action(request, group=group, meeting=None)


@login_required
def meeting_action_new(request, pk):
    """A decision of this meeting becomes an action."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    return _create_action(request, group=meeting.group, meeting=meeting)


@login_required
def action(request, pk):
    """An action; its owner or a coordinator updates its status and progress."""
    roles = request.roles
    action = access.for_member(roles, Action.objects.for_page(), pk=pk)
    coordinates = roles.can_coordinate(action.group)
    may_update = coordinates or (roles.contact is not None and roles.contact.pk == action.owner_id)
    form = ActionProgressForm(request.POST or None, instance=action) if may_update else None
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            services.update_action(action, by=request.user, **form.cleaned_data)
            messages.success(request, _("Action updated."))
            return redirect(action)
    return render(
        request,
        "meetings/action.html",
        {
            "action": action,
            "group": action.group,
            "form": form,
            "coordinates": coordinates,
            "description_html": render_markdown(action.description),
            "progress_html": render_markdown(action.progress),
        },
    )


@login_required
def action_edit(request, pk):
    action = access.for_coordinator(request.roles, Action.objects.for_page(), pk=pk)
    form = ActionForm(request.POST or None, instance=action, group=action.group)
    if form.is_valid():
        services.update_action(action, by=request.user, **form.cleaned_data)
        messages.success(request, _("Action updated."))
        return redirect(action)
    return render(
        request,
        "meetings/action_form.html",
        {"group": action.group, "meeting": action.meeting, "form": form, "action": action},
    )
