"""A group's territory now points at the reference app (same table: state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial"), ("reference", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workinggroup",
                    name="territory",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.territory",
                        verbose_name="territory",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
