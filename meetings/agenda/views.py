from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import access

from ..models import AgendaItem, Meeting
from ..view_helpers import next_url
from . import services
from .forms import AgendaItemForm


@login_required
def agenda(request, pk):
    """Build a meeting's agenda: add, edit, reorder, remove items; publish it."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    form = AgendaItemForm(request.POST or None, group=meeting.group)
    if form.is_valid():
        services.add_agenda_item(meeting=meeting, **form.cleaned_data)
        messages.success(request, _("Item added to the agenda."))
        return redirect("meetings:agenda", pk=meeting.pk)
    items = list(meeting.agenda_items.select_related("presenter"))
    total = sum(item.duration_minutes for item in items)
    return render(
        request,
        "meetings/agenda.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "items": items,
            "form": form,
            "total": total,
            "over": total > meeting.duration_minutes,
        },
    )


def _item(meeting, item_pk):
    return access.part_of(AgendaItem.objects, pk=item_pk, meeting=meeting)


@login_required
def agenda_item_edit(request, pk, item_pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    item = _item(meeting, item_pk)
    form = AgendaItemForm(request.POST or None, instance=item, group=meeting.group)
    if form.is_valid():
        form.save()
        messages.success(request, _("Agenda item updated."))
        return redirect("meetings:agenda", pk=meeting.pk)
    return render(
        request,
        "meetings/agenda_item_form.html",
        {"meeting": meeting, "group": meeting.group, "form": form, "item": item},
    )


@login_required
@require_POST
def agenda_item_move(request, pk, item_pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    item = _item(meeting, item_pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.move_agenda_item(item, direction=direction)
    return redirect(reverse("meetings:agenda", args=[meeting.pk]) + f"#item-{item.pk}")


@login_required
@require_POST
def agenda_item_delete(request, pk, item_pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    services.delete_agenda_item(_item(meeting, item_pk))
    messages.success(request, _("Item removed from the agenda."))
    return redirect("meetings:agenda", pk=meeting.pk)


@login_required
@require_POST
def agenda_publish(request, pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    if request.POST.get("publish") == "0":
        services.unpublish_agenda(meeting, by=request.user)
        messages.success(request, _("The agenda is hidden from members again."))
    else:
        services.publish_agenda(meeting, by=request.user)
        messages.success(request, _("Agenda published: members can see it."))
    return redirect(next_url(request, reverse("meetings:agenda", args=[meeting.pk])))
