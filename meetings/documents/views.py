from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups import access

from ..models import Document, Meeting
from ..view_helpers import error_text
from . import services
from .forms import DocumentForm


@login_required
def documents(request, pk):
    """A coordinator adds documents to a meeting or its minutes, and sees those deleted."""
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    if form.is_valid():
        document = services.add_document(
            meeting, upload=form.cleaned_data["file"], part=form.cleaned_data["part"], by=request.user
        )
        messages.success(request, _("“%(name)s” was added.") % {"name": document.name})
        return redirect(reverse("meetings:documents", args=[meeting.pk]))
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "form": form,
        "documents": meeting.documents.select_related("uploaded_by", "deleted_by").order_by("-uploaded_at", "-pk"),
        "max_size": services.max_size(),
    }
    return render(request, "meetings/documents/documents.html", context, status=400 if form.errors else 200)


@login_required
def document(request, pk, doc_pk):
    """The file, streamed to those who may see the meeting (and its minutes, for the minutes' annexes)."""
    roles = request.roles
    meeting = access.for_member(roles, Meeting.objects.for_page(), pk=pk)
    visible = services.visible_documents(meeting, coordinates=roles.can_coordinate(meeting.group))
    doc = access.part_of(visible, pk=doc_pk)
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=doc.name, content_type=doc.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request, pk, doc_pk):
    meeting = access.for_coordinator(request.roles, Meeting.objects.for_page(), pk=pk)
    doc = access.part_of(Document.objects.live().select_related("meeting"), meeting=meeting, pk=doc_pk)
    try:
        services.delete_document(doc, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("“%(name)s” was deleted.") % {"name": doc.name})
    return redirect(reverse("meetings:documents", args=[meeting.pk]))
