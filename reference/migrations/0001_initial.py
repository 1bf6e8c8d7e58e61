"""The reference app takes over the tables indicators/0003 renamed: state only, no SQL."""

import django.db.models.deletion
from django.db import migrations, models

TERRITORY_LEVELS = [
    ("country", "Country"),
    ("region", "Région"),
    ("departement", "Département"),
    ("mission_locale", "Mission Locale"),
]
NOMENCLATURES = [("rome", "ROME (France Travail)"), ("fap2009", "FAP-2009 (DARES)")]


class Migration(migrations.Migration):
    initial = True

    dependencies = [("indicators", "0003_reference_tables")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Territory",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=20, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("level", models.CharField(choices=TERRITORY_LEVELS, max_length=20, verbose_name="level")),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="reference.territory",
                                verbose_name="parent",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "territory",
                        "verbose_name_plural": "territories",
                        "ordering": ["code"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("parent", models.F("id")), _negated=True),
                                name="territory_not_own_parent",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Domain",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "nomenclature",
                            models.CharField(choices=NOMENCLATURES, default="rome", max_length=10, verbose_name="nomenclature"),
                        ),
                        ("code", models.CharField(max_length=10, verbose_name="code")),
                        ("label", models.CharField(max_length=200, verbose_name="label")),
                        ("family_code", models.CharField(blank=True, max_length=10, verbose_name="family domain code")),
                        ("family_label", models.CharField(blank=True, max_length=200, verbose_name="family domain label")),
                    ],
                    options={
                        "verbose_name": "profession domain",
                        "verbose_name_plural": "profession domains",
                        "ordering": ["nomenclature", "code"],
                        "constraints": [models.UniqueConstraint(fields=("nomenclature", "code"), name="domain_unique_code")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
