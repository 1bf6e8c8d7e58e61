"""Placeholder pages for URL names that later issues fill in. Delete when unused."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def not_yet(request, *args, **kwargs):
    raise Http404
