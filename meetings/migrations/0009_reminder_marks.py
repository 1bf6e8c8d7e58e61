"""The reminders' plan mark, and the triggers that record what may owe a reminder again.

An idle pass checks only the reminders that fell due since the last one (notices/catch_up.py),
unless a ReminderChange row says that something a pass already checked has changed. The
triggers write those rows whatever writes the table (a form, the admin, a queryset update,
SQL), so the shortcut never depends on a code path remembering to say so. Only writes that
can *add* a recipient or a reminder matter: a member leaving or a "no" needs no new mail.
"""

from django.db import migrations, models

# (table, event, condition on OLD/NEW or None): the writes that may owe a reminder again.
# `changed(column)` is a null-safe "differs", written for each database below.
TRIGGERS = [
    ("groups_membership", "INSERT", None),
    ("groups_membership", "UPDATE", ["group_id", "contact_id", "joined", '"left"']),
    ("stakeholders_contact", "UPDATE", ["is_archived", "email"]),
    ("groups_workinggroup", "UPDATE", ["status", "reminder_offsets"]),
    ("meetings_meeting", "INSERT", None),
    ("meetings_meeting", "UPDATE", ["group_id", "starts_at", "all_day", "status"]),
    # Only a "no" taken back (changed or deleted) can owe a reminder again.
    ("meetings_attendance", "UPDATE", "OLD.answer = 'no'"),
    ("meetings_attendance", "DELETE", "OLD.answer = 'no'"),
    # A reminder row deleted (dropped when it no longer made sense, or by hand) or rekeyed.
    ("meetings_delivery", "DELETE", "OLD.kind = 'reminder'"),
    ("meetings_delivery", "UPDATE", ["kind", "meeting_id", "contact_id", "offset_days", "meeting_starts_at"]),
]


def _name(table, event):
    return f"reminder_change_{table}_{event.lower()}"


def _condition(condition, differs):
    if condition is None or isinstance(condition, str):
        return condition
    return " OR ".join(differs.format(column=column) for column in condition)


def _postgresql(table, event, condition):
    when = _condition(condition, "OLD.{column} IS DISTINCT FROM NEW.{column}")
    return (
        f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} FOR EACH ROW "
        + (f"WHEN ({when}) " if when else "")
        + "EXECUTE FUNCTION meetings_reminder_change()"
    )


def _sqlite(table, event, condition):
    when = _condition(condition, "OLD.{column} IS NOT NEW.{column}")
    insert = f"INSERT INTO meetings_reminderchange (\"table\", at) VALUES ('{table}', CURRENT_TIMESTAMP)"  # noqa: S608 – TRIGGERS' constants, no input
    return (
        f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} FOR EACH ROW "
        + (f"WHEN {when} " if when else "")
        + f"BEGIN {insert}; END"
    )


POSTGRESQL_FUNCTION = """
CREATE FUNCTION meetings_reminder_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO meetings_reminderchange ("table", at) VALUES (TG_TABLE_NAME, now());
    RETURN NULL;
END
$$
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION)
        for trigger in TRIGGERS:
            schema_editor.execute(_postgresql(*trigger))
    elif vendor == "sqlite":
        for trigger in TRIGGERS:
            schema_editor.execute(_sqlite(*trigger))
    else:
        # Without triggers the plan could skip a change: refuse rather than send less.
        raise NotImplementedError(f"reminder change triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, event, _condition in TRIGGERS:
        on = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}{on}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS meetings_reminder_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_reach"),  # the leaf: one line of migrations (see 0004_notices_true)
        ("groups", "0003_workinggroup_poll_reminder_days"),
        ("stakeholders", "0003_search_trigram_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=63, verbose_name="table")),
                ("at", models.DateTimeField(verbose_name="at")),
            ],
            options={
                "verbose_name": "change since the reminders' plan",
                "verbose_name_plural": "changes since the reminders' plan",
            },
        ),
        migrations.CreateModel(
            name="ReminderMark",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("checked_through", models.DateTimeField(verbose_name="checked through")),
                ("full_check_at", models.DateTimeField(verbose_name="last full check")),
            ],
            options={
                "verbose_name": "reminders' plan mark",
                "verbose_name_plural": "reminders' plan marks",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
