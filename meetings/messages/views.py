from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from groups import access

from ..markdown import render_markdown
from ..view_helpers import error_text
from . import services
from .forms import MessageForm


@login_required
def message_new(request, slug):
    """A coordinator writes to the group's current members; a preview before sending."""
    group = access.group_for_coordinator(request.roles, slug)
    form = MessageForm(request.POST or None)
    count = len(services.recipients(group, today=timezone.localdate()))
    preview = None
    if form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["body"])
        else:
            try:
                message = services.send_message(group, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                text = ngettext(
                    "The message is on its way to %(count)d member.",
                    "The message is on its way to %(count)d members.",
                    message.recipient_count,
                )
                messages.success(request, text % {"count": message.recipient_count})
                return redirect(group)
    status = 400 if form.errors else 200
    context = {"group": group, "form": form, "count": count, "preview": preview}
    return render(request, "meetings/messages/message_form.html", context, status=status)
