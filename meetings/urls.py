from django.urls import path

from wekker.stub import not_yet

app_name = "meetings"

urlpatterns = [
    path("my/agenda/", not_yet, name="my_agenda"),
    path("meetings/<int:pk>/", not_yet, name="detail"),
    path("actions/", not_yet, name="actions"),
    path("actions/<int:pk>/", not_yet, name="action"),
    path("calendar/<str:token>.ics", not_yet, name="personal_feed"),
]
