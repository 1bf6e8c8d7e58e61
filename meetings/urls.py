from django.urls import path

from . import feeds, rsvp, views

app_name = "meetings"

urlpatterns = [
    path("my/agenda/", views.my_agenda, name="my_agenda"),
    path("my/agenda/feed/renew/", views.renew_feed, name="renew_feed"),
    # Planning, per group.
    path("groups/<slug:slug>/plan/", views.plan, name="plan"),
    path("groups/<slug:slug>/meetings/new/", views.meeting_new, name="new"),
    path("groups/<slug:slug>/attendance/", views.attendance_report, name="attendance_report"),
    path("groups/<slug:slug>/actions/new/", views.action_new, name="action_new"),
    # A meeting.
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("meetings/<int:pk>/edit/", views.edit, name="edit"),
    path("meetings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("meetings/<int:pk>/answer/", views.answer, name="answer"),
    path("meetings/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("meetings/<int:pk>/agenda/publish/", views.agenda_publish, name="agenda_publish"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/autosave/", views.minutes_autosave, name="minutes_autosave"),
    path("meetings/<int:pk>/minutes/send/", views.minutes_send, name="minutes_send"),
    path("meetings/<int:pk>/minutes/adopt/", views.minutes_adopt, name="minutes_adopt"),
    path("meetings/<int:pk>/actions/new/", views.meeting_action_new, name="meeting_action_new"),
    # Calendar feeds and signed one-click answers.
    path("meetings/<int:pk>/calendar.ics", feeds.meeting_ics, name="meeting_ics"),
    path("groups/<slug:slug>/calendar.ics", feeds.group_feed, name="group_feed"),
    path("calendar/<str:token>.ics", feeds.personal_feed, name="personal_feed"),
    path("rsvp/<str:token>/", rsvp.rsvp_signed, name="rsvp_signed"),
    # Actions.
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
]
