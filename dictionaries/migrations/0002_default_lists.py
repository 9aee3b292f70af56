"""Fill every new database with the default reference lists and the default deal pipeline."""

from django.db import migrations

from dictionaries.defaults import DEAL_STAGE, DEFAULT_PIPELINE_NAME, LISTS, SORT_STEP


def create_defaults(apps, schema_editor):
    Entry = apps.get_model("dictionaries", "Entry")
    Pipeline = apps.get_model("dictionaries", "Pipeline")
    pipeline = Pipeline.objects.create(name=DEFAULT_PIPELINE_NAME, sort=SORT_STEP, is_default=True)
    Entry.objects.bulk_create(
        Entry(
            list_code=spec.code,
            pipeline=pipeline if spec.code == DEAL_STAGE else None,
            code=default.code,
            name=default.name,
            original_name=default.name,
            sort=position * SORT_STEP,
            color=default.color,
            is_system=default.is_system,
            semantics=default.semantics,
        )
        for spec in LISTS
        for position, default in enumerate(spec.entries, start=1)
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("dictionaries", "Entry").objects.all().delete()
    apps.get_model("dictionaries", "Pipeline").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dictionaries", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
