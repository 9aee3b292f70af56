from django.db import migrations

from accessrights.defaults import install_default_roles


# The item types of the first release; a later one gives the default roles its own rows.
ENTITIES = ("company", "contact", "lead", "deal")


def create_roles(apps, schema_editor):
    install_default_roles(
        apps.get_model("accessrights", "Role"),
        apps.get_model("accessrights", "RolePermission"),
        ENTITIES,
    )


def remove_roles(apps, schema_editor):
    apps.get_model("accessrights", "Role").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accessrights", "0001_initial")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
