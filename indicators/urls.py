from django.urls import path

from wekker.stub import not_yet

app_name = "indicators"

urlpatterns = [
    path("", not_yet, name="dashboard"),
    path("summary.json", not_yet, name="summary"),
    path("export.csv", not_yet, name="export"),
]
