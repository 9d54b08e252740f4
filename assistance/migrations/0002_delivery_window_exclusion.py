"""On PostgreSQL, the database itself refuses a second delivery of the same activity to the same
beneficiary by the same implementing organisation inside the repeat window of an earlier one.

Each delivered record blocks ``[delivered_on, blocked_until)`` (no end for once-only activities; an empty
range for activities without a window). Integer ranges stand in for equality so the constraint needs only
the GiST support built into PostgreSQL, no extension. The services check the same rule first and explain
it (and also cover overlap groups); this constraint is the guard against two requests racing.
"""

from django.db import migrations

CONSTRAINT = "assistance_no_repeat_inside_window"

CREATE = f"""
ALTER TABLE assistance_assistancerecord ADD CONSTRAINT {CONSTRAINT}
EXCLUDE USING gist (
    int8range(household_id, household_id, '[]') WITH &&,
    int8range(COALESCE(member_id, 0), COALESCE(member_id, 0), '[]') WITH &&,
    int8range(activity_type_id, activity_type_id, '[]') WITH &&,
    int8range(implementing_organisation_id, implementing_organisation_id, '[]') WITH &&,
    daterange(delivered_on, blocked_until, '[)') WITH &&
) WHERE (status = 'delivered')
"""

DROP = f"ALTER TABLE assistance_assistancerecord DROP CONSTRAINT IF EXISTS {CONSTRAINT}"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
