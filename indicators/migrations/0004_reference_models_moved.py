"""Observations point at the reference app's territories and domains; this app forgets them.

State only, except the content types: their app label follows the models, so that
permissions and admin history that refer to them carry over.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("territory", "domain")


def move_content_types(apps, schema_editor, source="indicators", target="reference"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def restore_content_types(apps, schema_editor):
    move_content_types(apps, schema_editor, source="reference", target="indicators")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
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
