"""What the views of every concern share."""

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme


def error_text(error):
    """A ValidationError's messages as one sentence for messages.error()."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def next_url(request, default):
    """The `next` the form carries when it is a page of this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
