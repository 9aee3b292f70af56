"""The default roles get their scopes for quotes and invoices."""

from django.db import migrations

from accessrights.defaults import install_default_roles

ENTITIES = ("quote", "invoice")


def give_scopes(apps, schema_editor):
    install_default_roles(
        apps.get_model("accessrights", "Role"),
        apps.get_model("accessrights", "RolePermission"),
        ENTITIES,
    )


def take_scopes(apps, schema_editor):
    RolePermission = apps.get_model("accessrights", "RolePermission")
    RolePermission.objects.filter(entity__in=ENTITIES).delete()


class Migration(migrations.Migration):
    dependencies = [("quotes", "0001_initial"), ("accessrights", "0004_role_name_unique_case_insensitive")]

    operations = [migrations.RunPython(give_scopes, take_scopes)]
