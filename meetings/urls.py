from django.urls import path

from . import pages
from .actions import export as actions_export
from .actions import views as actions
from .agenda import views as agenda
from .attendance import export as attendance_export
from .attendance import sign_in
from .attendance import views as attendance
from .calendar import views as calendar
from .documents import views as documents
from .messages import views as group_messages
from .minutes import views as minutes
from .planning import views as planning
from .rsvp import views as rsvp

app_name = "meetings"

urlpatterns = [
    path("my/agenda/", pages.my_agenda, name="my_agenda"),
    path("my/agenda/feed/renew/", calendar.renew_feed, name="renew_feed"),
    # A group's page and its planning.
    path("groups/<slug:slug>/", pages.group_detail, name="group"),
    path("groups/<slug:slug>/plan/", planning.plan, name="plan"),
    path("groups/<slug:slug>/meetings/new/", planning.meeting_new, name="new"),
    path("groups/<slug:slug>/attendance/", attendance.attendance_report, name="attendance_report"),
    path("groups/<slug:slug>/attendance.xlsx", attendance_export.attendance_xlsx, name="attendance_xlsx"),
    path("groups/<slug:slug>/actions/new/", actions.action_new, name="action_new"),
    path("groups/<slug:slug>/messages/new/", group_messages.message_new, name="message_new"),
    # A meeting.
    path("meetings/<int:pk>/", pages.meeting_detail, name="detail"),
    path("meetings/<int:pk>/edit/", planning.edit, name="edit"),
    path("meetings/<int:pk>/cancel/", planning.cancel, name="cancel"),
    path("meetings/<int:pk>/answer/", rsvp.answer, name="answer"),
    path("meetings/<int:pk>/agenda/", agenda.agenda, name="agenda"),
    path("meetings/<int:pk>/agenda/publish/", agenda.agenda_publish, name="agenda_publish"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/edit/", agenda.agenda_item_edit, name="agenda_item_edit"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/move/", agenda.agenda_item_move, name="agenda_item_move"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/delete/", agenda.agenda_item_delete, name="agenda_item_delete"),
    path("meetings/<int:pk>/attendance/", attendance.attendance, name="attendance"),
    path("meetings/<int:pk>/sign-in.pdf", sign_in.sign_in_sheet, name="sign_in"),
    path("meetings/<int:pk>/minutes/", minutes.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/autosave/", minutes.minutes_autosave, name="minutes_autosave"),
    path("meetings/<int:pk>/minutes/send/", minutes.minutes_send, name="minutes_send"),
    path("meetings/<int:pk>/minutes/adopt/", minutes.minutes_adopt, name="minutes_adopt"),
    path("meetings/<int:pk>/minutes/correct/", minutes.minutes_correct, name="minutes_correct"),
    path("meetings/<int:pk>/documents/", documents.documents, name="documents"),
    path("meetings/<int:pk>/documents/<int:doc_pk>/", documents.document, name="document"),
    path("meetings/<int:pk>/documents/<int:doc_pk>/delete/", documents.document_delete, name="document_delete"),
    path("meetings/<int:pk>/actions/new/", actions.meeting_action_new, name="meeting_action_new"),
    # Calendar feeds and signed one-click answers.
    path("meetings/<int:pk>/calendar.ics", calendar.meeting_ics, name="meeting_ics"),
    path("groups/<slug:slug>/calendar.ics", calendar.group_feed, name="group_feed"),
    path("calendar/<str:token>.ics", calendar.personal_feed, name="personal_feed"),
    path("rsvp/<str:token>/", rsvp.rsvp_signed, name="rsvp_signed"),
    # Actions.
    path("actions/", actions.actions, name="actions"),
    path("actions/export.xlsx", actions_export.actions_xlsx, name="actions_xlsx"),
    path("actions/<int:pk>/", actions.action, name="action"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
]
