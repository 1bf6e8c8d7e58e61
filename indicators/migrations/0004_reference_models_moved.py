"""Observations point at the reference app's territories and domains; this app forgets them.

State only, except the content types: their app label follows the models, so that
permissions and admin history that refer to them carry over.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("territory", "domain")


def move_content_types(apps, schema_editor, source="indicators", target="reference"):
    """The content types (and so the permissions and admin history) follow the models.

    If the target's content type exists already (a `migrate reference` run before this one
    made it), the permissions move to it, their holders with them, and the old type goes.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MOVED:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if old is None:
            continue
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        for permission in Permission.objects.filter(content_type=old):
            twin = Permission.objects.filter(content_type=new, codename=permission.codename).first()
            if twin is None:
                permission.content_type = new
                permission.save(update_fields=["content_type"])
                continue
            twin.user_set.add(*permission.user_set.all())
            twin.group_set.add(*permission.group_set.all())
            permission.delete()
        old.delete()


def restore_content_types(apps, schema_editor):
    move_content_types(apps, schema_editor, source="reference", target="indicators")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("indicators", "0003_reference_tables"),
        ("reference", "0001_initial"),
        ("stakeholders", "0002_reference_foreign_keys"),
        ("groups", "0002_reference_foreign_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="observation",
                    name="territory",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="observations",
                        to="reference.territory",
                        verbose_name="territory",
                    ),
                ),
                migrations.AlterField(
                    model_name="observation",
                    name="domain",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="observations",
                        to="reference.domain",
                        verbose_name="domain",
                    ),
                ),
                migrations.DeleteModel(name="Territory"),
                migrations.DeleteModel(name="Domain"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
