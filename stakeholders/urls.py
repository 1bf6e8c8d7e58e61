from django.urls import path

from wekker.stub import not_yet

app_name = "stakeholders"

urlpatterns = [
    path("", not_yet, name="directory"),
    path("organisations/<int:pk>/", not_yet, name="organisation"),
    path("contacts/<int:pk>/", not_yet, name="contact"),
]
