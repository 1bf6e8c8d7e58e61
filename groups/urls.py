from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("<slug:slug>/edit/", views.group_edit, name="edit"),
    path("<slug:slug>/archive/", views.group_archive, name="archive"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("<slug:slug>/members/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("<slug:slug>/members/<int:pk>/rejoin/", views.membership_rejoin, name="membership_rejoin"),
]
