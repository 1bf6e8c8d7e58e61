from django.urls import path

from wekker.stub import not_yet

from . import feeds, rsvp

app_name = "meetings"

# Names other apps and mails rely on; each issue replaces its stubs with real views.
urlpatterns = [
    path("my/agenda/", not_yet, name="my_agenda"),
    path("meetings/<int:pk>/", not_yet, name="detail"),
    path("meetings/<int:pk>/calendar.ics", feeds.meeting_ics, name="meeting_ics"),
    path("groups/<slug:slug>/calendar.ics", feeds.group_feed, name="group_feed"),
    path("calendar/<str:token>.ics", feeds.personal_feed, name="personal_feed"),
    path("rsvp/<str:token>/", rsvp.rsvp_signed, name="rsvp_signed"),
    path("actions/", not_yet, name="actions"),
    path("actions/<int:pk>/", not_yet, name="action"),
]
