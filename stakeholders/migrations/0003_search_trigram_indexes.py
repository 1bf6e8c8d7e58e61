"""Trigram indexes for the directory's search (icontains) on PostgreSQL.

Django writes `name__icontains=x` as `UPPER("name"::text) LIKE UPPER('%x%')`: a GIN trigram
index on that very expression serves it for terms of three letters or more. SQLite has no
such index; there the search scans, which is fine at a Mission Locale's size.
"""

from django.db import migrations

INDEXES = [
    ("contact_first_name_trgm", "stakeholders_contact", "first_name"),
    ("contact_last_name_trgm", "stakeholders_contact", "last_name"),
    ("contact_job_title_trgm", "stakeholders_contact", "job_title"),
    ("organisation_name_trgm", "stakeholders_organisation", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0002_reference_foreign_keys")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
