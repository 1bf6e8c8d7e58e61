from django.urls import path

from wekker.stub import not_yet

app_name = "groups"

urlpatterns = [
    path("", not_yet, name="list"),
    path("<slug:slug>/", not_yet, name="detail"),
]
