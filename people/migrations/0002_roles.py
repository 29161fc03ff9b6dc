"""The seven roles of the department as groups, with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of people.roles.ROLE_PERMISSIONS as it stood; later migrations add to it.
ROLE_PERMISSIONS = {'Jefe de Departamento': ['employers.view_branch',
                          'employers.view_employer',
                          'employers.change_employer',
                          'employers.view_contributionperiod',
                          'employers.view_arrearsimport',
                          'employers.add_arrearsimport',
                          'employers.view_history'],
 'Jefe de Sucursal': ['employers.view_branch',
                      'employers.view_employer',
                      'employers.view_contributionperiod',
                      'employers.view_history'],
 'Gestor de Cobros': ['employers.view_branch',
                      'employers.view_employer',
                      'employers.view_contributionperiod'],
 'Colaborador Administrativo': ['employers.view_branch',
                                'employers.view_employer',
                                'employers.change_employer',
                                'employers.view_contributionperiod',
                                'employers.view_arrearsimport',
                                'employers.add_arrearsimport'],
 'Unidad Jurídica': [],
 'Secretaria': [],
 'Auditor': ['employers.view_branch',
             'employers.view_employer',
             'employers.view_contributionperiod',
             'employers.view_arrearsimport',
             'employers.view_history']}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[str(role) for role in ROLE_PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("employers", "0003_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
