"""Territories and domains move to the `reference` app: first their tables take its name.

Rows, ids and the foreign keys pointing at them stay as they are (a table rename keeps
them on SQLite and PostgreSQL); reference/0001 then takes the models over in Django's
state, and 0004 drops them from this app's state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_reference_data")]

    operations = [
        migrations.AlterModelTable(name="territory", table="reference_territory"),
        migrations.AlterModelTable(name="domain", table="reference_domain"),
    ]
