"""An organisation's sector and territory now point at the reference app (same tables: state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0001_initial"), ("reference", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="organisation",
                    name="sector",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"nomenclature": "rome"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.domain",
                        verbose_name="sector (ROME domain)",
                    ),
                ),
                migrations.AlterField(
                    model_name="organisation",
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
