from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """What Django costs with nothing to do: the floor the pages are compared with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), path("", include("wekker.urls"))]
