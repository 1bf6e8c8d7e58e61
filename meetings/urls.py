from django.urls import path

from wekker.stub import not_yet

app_name = "meetings"

# Names other apps and mails rely on; each issue replaces its stubs with real views.
urlpatterns = [
    path("my/agenda/", not_yet, name="my_agenda"),
    path("meetings/<int:pk>/", not_yet, name="detail"),
    path("meetings/<int:pk>/calendar.ics", not_yet, name="meeting_ics"),
    path("groups/<slug:slug>/calendar.ics", not_yet, name="group_feed"),
    path("calendar/<str:token>.ics", not_yet, name="personal_feed"),
    path("rsvp/<str:token>/", not_yet, name="rsvp_signed"),
    path("actions/", not_yet, name="actions"),
    path("actions/<int:pk>/", not_yet, name="action"),
]
