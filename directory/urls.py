from django.urls import path

from . import contact_import, export, views

app_name = "directory"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.xlsx", export.partners_xlsx, name="export"),
    path("role-models/", views.role_models, name="role_models"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/archive/", views.organisation_archive, name="organisation_archive"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path("contacts/new/", views.contact_edit, name="contact_create"),
    path("contacts/import/", contact_import.contact_import, name="import"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/invite/", views.contact_invite, name="contact_invite"),
    path("contacts/<int:pk>/archive/", views.contact_archive, name="contact_archive"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/export.json", views.contact_export, name="contact_export"),
    path("contacts/<int:pk>/erase/", views.contact_erase, name="contact_erase"),
]
