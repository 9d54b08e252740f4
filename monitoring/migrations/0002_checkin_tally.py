"""The check-in tally (``CheckInTally``), filled from the check-ins there are, and on PostgreSQL the
triggers that keep it right whatever writes (services, ``bulk_create``, ``update()``, COPY, SQL):

- inserted and deleted check-ins are counted per statement, so a bulk load adds one upsert per key;
- an update counts only when it changes what is counted (organisation, household, wave, due date,
  status, last outcome), so the reminder scan and anonymisation cost nothing here;
- a household moved to another settlement takes its check-ins' counts with it.

A check-in write locks its households ``FOR SHARE`` while it reads their settlement, so a concurrent move
of the household waits for it (or it for the move) and the counts land in the settlement that stays.
The status and outcome values are those of ``CheckInStatus`` and ``CallOutcome`` when this was written.
"""

# ruff: noqa: S608 - SQL built from the constants of this file, no input.
import django.db.models.deletion
from django.db import migrations, models

CONCLUDED = "status IN ('completed', 'refused', 'unreachable')"
REACHED = "last_outcome = 'reached'"
COUNTED = "organisation_id, household_id, wave, due_on, status, last_outcome"

UPSERT = """
    INSERT INTO monitoring_checkintally AS t (organisation_id, settlement_id, wave, due_on, due, completed, reached)
    SELECT organisation_id, settlement_id, wave, due_on, sum(due), sum(completed), sum(reached)
    FROM ({changes}) AS changed
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (organisation_id, settlement_id, wave, due_on) DO UPDATE
    SET due = t.due + EXCLUDED.due, completed = t.completed + EXCLUDED.completed, reached = t.reached + EXCLUDED.reached;
"""


def _located(rows: str, sign: str) -> str:
    """Check-ins (``rows``) with their household's settlement, counted with ``sign``."""
    return (
        f"SELECT c.organisation_id, h.settlement_id, c.wave, c.due_on, {sign}1 AS due, "
        f"{sign}(c.{CONCLUDED})::int AS completed, {sign}(c.{REACHED})::int AS reached "
        f"FROM {rows} c JOIN located h ON h.id = c.household_id"
    )


def _lock(*rows: str) -> str:
    union = " UNION ".join(f"SELECT household_id FROM {r}" for r in rows)
    return f"    WITH located AS (SELECT id, settlement_id FROM profiling_household WHERE id IN ({union}) ORDER BY id FOR SHARE)"


def _function(name: str, body: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\n    RETURN NULL;\nEND $$;\n"
    )


CREATE = (
    _function(
        "monitoring_checkintally_insert",
        _lock("new_rows") + UPSERT.format(changes=_located("new_rows", "+")),
    )
    + _function(
        "monitoring_checkintally_delete",
        _lock("old_rows") + UPSERT.format(changes=_located("old_rows", "-")),
    )
    + _function(
        "monitoring_checkintally_update",
        "    WITH was AS (SELECT OLD.*), now AS (SELECT NEW.*), "
        + _lock("was", "now").removeprefix("    WITH ")
        + UPSERT.format(changes=_located("now", "+") + " UNION ALL " + _located("was", "-")),
    )
    + _function(
        "monitoring_checkintally_household_moved",
        UPSERT.format(
            changes=(
                f"SELECT organisation_id, NEW.settlement_id AS settlement_id, wave, due_on, 1 AS due, "
                f"({CONCLUDED})::int AS completed, ({REACHED})::int AS reached "
                f"FROM monitoring_checkin WHERE household_id = NEW.id "
                f"UNION ALL SELECT organisation_id, OLD.settlement_id, wave, due_on, -1, "
                f"-({CONCLUDED})::int, -({REACHED})::int FROM monitoring_checkin WHERE household_id = NEW.id"
            )
        ),
    )
    + f"""
CREATE TRIGGER monitoring_checkintally_insert AFTER INSERT ON monitoring_checkin
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION monitoring_checkintally_insert();
CREATE TRIGGER monitoring_checkintally_delete AFTER DELETE ON monitoring_checkin
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION monitoring_checkintally_delete();
CREATE TRIGGER monitoring_checkintally_update AFTER UPDATE ON monitoring_checkin FOR EACH ROW
    WHEN ((OLD.{COUNTED.replace(", ", ", OLD.")}) IS DISTINCT FROM (NEW.{COUNTED.replace(", ", ", NEW.")}))
    EXECUTE FUNCTION monitoring_checkintally_update();
CREATE TRIGGER monitoring_checkintally_household_moved AFTER UPDATE OF settlement_id ON profiling_household
    FOR EACH ROW WHEN (OLD.settlement_id IS DISTINCT FROM NEW.settlement_id)
    EXECUTE FUNCTION monitoring_checkintally_household_moved();
INSERT INTO monitoring_checkintally (organisation_id, settlement_id, wave, due_on, due, completed, reached)
SELECT c.organisation_id, h.settlement_id, c.wave, c.due_on, count(*),
       count(*) FILTER (WHERE c.{CONCLUDED}), count(*) FILTER (WHERE c.{REACHED})
FROM monitoring_checkin c JOIN profiling_household h ON h.id = c.household_id
GROUP BY 1, 2, 3, 4;
"""
)

DROP = """
DROP TRIGGER IF EXISTS monitoring_checkintally_household_moved ON profiling_household;
DROP TRIGGER IF EXISTS monitoring_checkintally_delete ON monitoring_checkin;
DROP TRIGGER IF EXISTS monitoring_checkintally_update ON monitoring_checkin;
DROP TRIGGER IF EXISTS monitoring_checkintally_insert ON monitoring_checkin;
DROP FUNCTION IF EXISTS monitoring_checkintally_household_moved();
DROP FUNCTION IF EXISTS monitoring_checkintally_delete();
DROP FUNCTION IF EXISTS monitoring_checkintally_update();
DROP FUNCTION IF EXISTS monitoring_checkintally_insert();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_partner_access"),
        ("monitoring", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckInTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("wave", models.CharField(max_length=10)),
                ("due_on", models.DateField()),
                ("due", models.IntegerField(default=0)),
                ("completed", models.IntegerField(default=0)),
                ("reached", models.IntegerField(default=0)),
                (
                    "organisation",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                (
                    "settlement",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.adminarea",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "settlement", "wave", "due_on"), name="checkintally_one_per_key"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
