from django.urls import path

from . import views

app_name = "polls"

urlpatterns = [
    path("groups/<slug:slug>/polls/new/", views.poll_new, name="new"),
    path("polls/<int:pk>/", views.poll_detail, name="detail"),
    path("polls/<int:pk>/close/", views.poll_close, name="close"),
    path("polls/<int:pk>/reopen/", views.poll_reopen, name="reopen"),
    path("polls/answer/<str:token>/", views.answer_signed, name="answer"),
]
