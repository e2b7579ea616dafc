"""The audit trail becomes a hash chain per organisation, append-only in the database too.

Existing events are sealed in the order they were written (by id). On PostgreSQL a trigger
refuses UPDATE and DELETE of audit rows, except: a staff account's removal (actor becomes
NULL), a redaction for an erasure and pruning after the retention period, each only when the
application opened that door in the same transaction (see samenbieb/core/audit_chain.py).
"""

import hashlib
import json
import secrets

import django.utils.timezone
from django.db import migrations, models

GENESIS = "0" * 64


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def seal_existing(apps, schema_editor):
    # The hashing rules of samenbieb.core.audit_chain as they stand in this migration.
    import datetime as dt

    AuditEvent = apps.get_model("core", "AuditEvent")
    heads = {}
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        chain = event.organisation_id or 0
        seq, prev = heads.get(chain, (0, GENESIS))
        event.chain, event.chain_seq, event.prev_hash = chain, seq + 1, prev
        event.salt = secrets.token_hex(16)
        event.personal_digest = hashlib.sha256(
            _canonical(
                {
                    "salt": event.salt,
                    "object_id": event.object_id,
                    "details": event.details,
                    "reason": event.reason,
                    "subject_person_id": None,
                    "actor_person_id": None,
                }
            ).encode()
        ).hexdigest()
        event.row_hash = hashlib.sha256(
            _canonical(
                {
                    "chain": chain,
                    "chain_seq": seq + 1,
                    "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(
                        timespec="microseconds"
                    ),
                    "event_type": event.event_type,
                    "actor_label": event.actor_label,
                    "organisation_id": event.organisation_id,
                    "object_type": event.object_type,
                    "personal_digest": event.personal_digest,
                    "prev_hash": prev,
                }
            ).encode()
        ).hexdigest()
        event.save(
            update_fields=[
                "chain",
                "chain_seq",
                "prev_hash",
                "salt",
                "personal_digest",
                "row_hash",
            ]
        )
        heads[chain] = (seq + 1, event.row_hash)


TRIGGER = r"""
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('samenbieb.audit_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: DELETE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.occurred_at, NEW.event_type, NEW.actor_label, NEW.organisation_id,
        NEW.object_type, NEW.chain, NEW.chain_seq, NEW.prev_hash, NEW.personal_digest,
        NEW.row_hash)
       IS DISTINCT FROM
       (OLD.id, OLD.occurred_at, OLD.event_type, OLD.actor_label, OLD.organisation_id,
        OLD.object_type, OLD.chain, OLD.chain_seq, OLD.prev_hash, OLD.personal_digest,
        OLD.row_hash)
       OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id) THEN
        RAISE EXCEPTION 'audit events are append-only: UPDATE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.details, NEW.reason, NEW.object_id, NEW.subject_person_id, NEW.actor_person_id,
        NEW.salt, NEW.redacted_at)
       IS DISTINCT FROM
       (OLD.details, OLD.reason, OLD.object_id, OLD.subject_person_id, OLD.actor_person_id,
        OLD.salt, OLD.redacted_at) THEN
        IF current_setting('samenbieb.audit_redact', true) IS DISTINCT FROM 'on'
           OR NEW.redacted_at IS NULL OR NEW.details <> '{}'::jsonb OR NEW.reason <> ''
           OR NEW.object_id <> '' OR NEW.subject_person_id IS NOT NULL
           OR NEW.actor_person_id IS NOT NULL OR NEW.salt <> '' THEN
            RAISE EXCEPTION 'audit events are append-only: only a redaction may blank them'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_scheduled_run"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="occurred at"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="subject_person_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="member concerned"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_person_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="member who acted"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(
                default=0, editable=False, verbose_name="position in chain"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="previous hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="personal_digest",
            field=models.CharField(
                default="", max_length=64, verbose_name="digest of personal fields"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="salt",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redacted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="redacted at"
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "chain_seq"), name="audit_chain_position"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(subject_person_id__isnull=False),
                fields=["subject_person_id", "-occurred_at"],
                name="audit_subject_time",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(actor_person_id__isnull=False),
                fields=["actor_person_id"],
                name="audit_actor_person",
            ),
        ),
        migrations.RunPython(trigger_create, trigger_drop),
    ]
