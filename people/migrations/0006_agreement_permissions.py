"""Agreement and legal-referral permissions for the roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGREEMENTS = [
    "agreements.view_paymentagreement",
    "agreements.add_paymentagreement",
    "agreements.change_paymentagreement",
]
ADDED = {
    "Jefe de Departamento": [
        *AGREEMENTS,
        "agreements.approve_agreement",
        "agreements.add_payment",
        "recovery.view_legalreferral",
    ],
    "Jefe de Sucursal": [
        *AGREEMENTS,
        "agreements.approve_agreement",
        "agreements.add_payment",
        "recovery.view_legalreferral",
    ],
    "Gestor de Cobros": [*AGREEMENTS, "agreements.add_payment"],
    "Colaborador Administrativo": [
        "agreements.view_paymentagreement",
        "agreements.add_payment",
        "recovery.view_legalreferral",
    ],
    "Unidad Jurídica": [
        "agreements.view_paymentagreement",
        "recovery.view_legalreferral",
        "recovery.change_legalreferral",
    ],
    "Auditor": ["agreements.view_paymentagreement", "recovery.view_legalreferral"],
}


def _permissions(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    for perm in perms:
        app_label, codename = perm.split(".")
        yield Permission.objects.get(content_type__app_label=app_label, codename=codename)


def add(apps, schema_editor):
    for label in ("agreements", "recovery"):
        app_config = apps.get_app_config(label)
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
        ("people", "0005_notification"),
        ("agreements", "0001_initial"),
        ("recovery", "0003_legalreferral_legalreferralevent_and_more"),
    ]

    operations = [migrations.RunPython(add, remove)]
