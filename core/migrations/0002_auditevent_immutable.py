"""On PostgreSQL, a trigger refuses UPDATE and DELETE of audit events, whatever code or SQL attempts them."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_immutable BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditevent_immutable ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_immutable();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
