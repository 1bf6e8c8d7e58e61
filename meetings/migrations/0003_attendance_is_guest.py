"""Guests are marked: an invitation row of someone who was never a member of the group."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_guests(apps, schema_editor):
    Attendance = apps.get_model("meetings", "Attendance")
    Membership = apps.get_model("groups", "Membership")
    member = Membership.objects.filter(group=OuterRef("meeting__group"), contact=OuterRef("contact"))
    Attendance.objects.filter(~Exists(member)).update(is_guest=True)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0002_reference_foreign_keys"),
        ("meetings", "0002_minutes_delivery"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="is_guest",
            field=models.BooleanField(default=False, verbose_name="guest"),
        ),
        migrations.RunPython(mark_guests, migrations.RunPython.noop),
    ]
