"""The project's URLs and `/__trivial__/`: the floor of this stack (routing, middleware, no template)."""

from django.http import HttpResponse
from django.urls import path

from wekker.urls import urlpatterns as project_urls


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("__trivial__/", trivial), *project_urls]
