"""Refusals made once, before any view: text with NUL characters."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


def _has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


def _small(request):
    """A body Django will parse without refusing it: a larger one is left to the view, which
    answers the size (reading it here would raise, and the view could no longer tell)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None or length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RefuseNulMiddleware:
    """A NUL character in the path, a query parameter or a form field is refused with a 400.

    No text a person types contains one, and PostgreSQL cannot store or compare it (a
    DataError, a 500, wherever a parameter reached the ORM). A form-encoded body is checked
    too, when it is within Django's limit. A multipart body is left to its view: reading it
    here would fix its upload handlers before the view sets them (the indicators import
    streams its file), and its text fields refuse NUL themselves (ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form_encoded = request.content_type == "application/x-www-form-urlencoded"
        body_has_nul = request.method == "POST" and form_encoded and _small(request) and _has_nul(request.POST)
        if "\x00" in request.path_info or _has_nul(request.GET) or body_has_nul:
            raise BadRequest(_("The request contains a NUL character."))
        return self.get_response(request)
