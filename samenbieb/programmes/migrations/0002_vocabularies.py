"""The shared vocabularies of themes, target groups and topics (programmes/vocabularies.py)."""

from django.db import migrations

from samenbieb.programmes.vocabularies import vocabularies_load


def load(apps, schema_editor):
    vocabularies_load(
        apps.get_model("programmes", "Theme"),
        apps.get_model("programmes", "TargetGroup"),
        apps.get_model("programmes", "Topic"),
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_activities_registrations_slots_partners")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
