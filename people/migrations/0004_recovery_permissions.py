"""Recovery-case permissions for the roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADDED = {
    "Jefe de Departamento": [
        "recovery.view_recoverycase",
        "recovery.change_recoverycase",
        "recovery.assign_case",
    ],
    "Jefe de Sucursal": [
        "recovery.view_recoverycase",
        "recovery.change_recoverycase",
        "recovery.assign_case",
    ],
    "Gestor de Cobros": ["recovery.view_recoverycase", "recovery.change_recoverycase"],
    "Colaborador Administrativo": ["recovery.view_recoverycase"],
    "Unidad Jurídica": ["recovery.view_recoverycase"],
    "Auditor": ["recovery.view_recoverycase"],
}


def _permissions(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    for perm in perms:
        app_label, codename = perm.split(".")
        yield Permission.objects.get(content_type__app_label=app_label, codename=codename)


def add(apps, schema_editor):
    app_config = apps.get_app_config("recovery")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for role, perms in ADDED.items():
        Group.objects.get(name=role).permissions.add(*_permissions(apps, perms))


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, perms in ADDED.items():
        Group.objects.get(name=role).permissions.remove(*_permissions(apps, perms))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_statement_level_history"),
        ("recovery", "0001_initial"),
    ]

    operations = [migrations.RunPython(add, remove)]
