from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("summary.json", views.summary_json, name="summary"),
    path("export.csv", views.export_csv, name="export"),
    path("observations.csv", views.export_observations, name="export_observations"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/decide/", views.import_decide, name="import_decide"),
]
