from django.utils.functional import SimpleLazyObject

from .access import Roles


class RolesMiddleware:
    """`request.roles`: the user's roles, read once per request on first use (see groups.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.roles = SimpleLazyObject(lambda: Roles(request.user))
        return self.get_response(request)
