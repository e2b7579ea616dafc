"""Load the Dutch municipalities with their CBS population figures (reference data)."""

from django.db import migrations


def load(apps, schema_editor):
    from samenbieb.network.reference import municipalities_load

    municipalities_load(model=apps.get_model("network", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
