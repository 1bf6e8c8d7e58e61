from django.db import migrations


def load(apps, schema_editor):
    from reference.loading import load_reference_data

    load_reference_data(apps.get_model("indicators", "Territory"), apps.get_model("indicators", "Domain"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
