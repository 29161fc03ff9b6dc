from importlib import import_module

import pytest

from employers.models import Branch
from people.roles import ROLE_PERMISSIONS, Role
from tests.factories import EmployerFactory, UserFactory


@pytest.fixture
def branch_ss(db):
    return Branch.objects.get(code="SS")


@pytest.fixture
def branch_sm(db):
    return Branch.objects.get(code="SM")


@pytest.fixture
def head(db):
    return UserFactory(role=Role.DEPARTMENT_HEAD, username="jefa")


@pytest.fixture
def agent_ss(db, branch_ss):
    return UserFactory(role=Role.AGENT, branch=branch_ss, username="gestor-ss")


@pytest.fixture
def agent_sm(db, branch_sm):
    return UserFactory(role=Role.AGENT, branch=branch_sm, username="gestor-sm")


@pytest.fixture
def employer_ss(db, branch_ss):
    return EmployerFactory(branch=branch_ss, legal_name="Panadería El Trigal, S.A. de C.V.")


@pytest.fixture
def employer_sm(db, branch_sm):
    return EmployerFactory(branch=branch_sm, legal_name="Ferretería La Unión")


@pytest.fixture
def reference_data(transactional_db):
    """Branches, roles and recovery defaults as the data migrations load them.

    A transactional test flushes every table when it ends, so the next one must put
    them back (post_migrate recreates the content types and permissions, not these).
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    import_module("employers.migrations.0003_reference_data").load(apps, None)
    import_module("employers.migrations.0007_load_holidays").load(apps, None)
    import_module("recovery.migrations.0002_defaults").load(apps, None)
    import_module("agreements.migrations.0002_default_policy").load(apps, None)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in (perm.split(".") for perm in perms)
            ]
        )
