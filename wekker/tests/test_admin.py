"""Every model is in the admin: each changelist and add page opens for an admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from meetings.tests.factories import ActionFactory, AgendaItemFactory, AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"reference", "stakeholders", "groups", "meetings", "indicators"}
MODELS = sorted(
    f"{model._meta.app_label}.{model._meta.model_name}"
    for model in admin.site._registry
    if model._meta.app_label in OUR_APPS
)


def test_it_registers_every_model_of_our_apps():
    from django.apps import apps

    ours = {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
    }
    assert ours <= set(MODELS)


@pytest.fixture
def some_data(mixite, membre, coordinatrice):
    meeting = MeetingFactory(group=mixite)
    AgendaItemFactory(meeting=meeting)
    AttendanceFactory(meeting=meeting, contact=membre.contact)
    ActionFactory(group=mixite, meeting=meeting, owner=membre.contact)


@pytest.mark.parametrize("model", MODELS)
def test_it_opens_the_changelist_and_add_page(client, admin_user, some_data, model):
    app_label, model_name = model.split(".")
    client.force_login(admin_user)
    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    # Deliveries are made by the dispatcher, documents, group messages and change records by the
    # pages, the observatory's derived tables by the imports, the reminders' plan mark by the passes
    # and its change log by triggers: not by hand.
    by_machine = ("delivery", "document", "groupmessage", "meetingchange", "minutescorrection")
    by_machine += ("stagedrow", "rollup", "coverage", "rollupversion", "remindermark", "reminderchange")
    assert add.status_code in ((403,) if model_name in by_machine else (200,))


@pytest.mark.parametrize("model", ["meetings.meeting", "groups.workinggroup", "stakeholders.contact"])
def test_it_opens_a_change_page_with_its_inlines(client, admin_user, some_data, model):
    from django.apps import apps

    app_label, model_name = model.split(".")
    obj = apps.get_model(app_label, model_name).objects.first()
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_it_speaks_french_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    assert "Administration de Wekker" in html


def test_it_never_deletes_a_group_from_the_admin(client, admin_user, mixite):
    client.force_login(admin_user)
    response = client.get(reverse("admin:groups_workinggroup_delete", args=[mixite.pk]))
    assert response.status_code == 403


def test_it_archives_groups_with_an_admin_action(client, admin_user, mixite):
    client.force_login(admin_user)
    client.post(
        reverse("admin:groups_workinggroup_changelist"),
        {"action": "archive", "_selected_action": [mixite.pk]},
    )
    mixite.refresh_from_db()
    assert mixite.status == "archived"
