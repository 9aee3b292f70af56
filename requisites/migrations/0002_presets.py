from django.db import migrations

from requisites.defaults import install_presets


def create_presets(apps, schema_editor):
    install_presets(apps.get_model("requisites", "Preset"), apps.get_model("requisites", "PresetField"))


def remove_presets(apps, schema_editor):
    apps.get_model("requisites", "Preset").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("requisites", "0001_initial")]

    operations = [migrations.RunPython(create_presets, remove_presets)]
