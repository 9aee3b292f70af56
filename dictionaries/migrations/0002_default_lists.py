"""Fill every new database with the default reference lists and the default deal pipeline."""

from django.db import migrations

from dictionaries.defaults import install_defaults


def create_defaults(apps, schema_editor):
    install_defaults(apps.get_model("dictionaries", "Entry"), apps.get_model("dictionaries", "Pipeline"))


def remove_defaults(apps, schema_editor):
    apps.get_model("dictionaries", "Entry").objects.all().delete()
    apps.get_model("dictionaries", "Pipeline").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dictionaries", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
