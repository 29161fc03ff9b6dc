from importlib import import_module

import pytest

from people.models import Branch
from people.registry import role_groups_sync
from people.roles import Role
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
    apps = _AppsAfterTheMoves()
    import_module("employers.migrations.0003_reference_data").load(apps, None)
    import_module("employers.migrations.0007_load_holidays").load(apps, None)
    import_module("recovery.migrations.0002_defaults").load(apps, None)
    import_module("agreements.migrations.0002_default_policy").load(apps, None)
    import_module("council.migrations.0002_guards_and_defaults").load(apps, None)
    import_module("correspondence.migrations.0002_default_template").load(apps, None)
    import_module("office.migrations.0002_default_induction").load(apps, None)
    import_module("prescription.migrations.0002_default_rule").default_rule(apps, None)
    role_groups_sync()


class _AppsAfterTheMoves:
    """The app registry as the data migrations knew it: models that moved since are
    found under their old app label."""

    MOVED = {("employers", "branch"): "people", ("employers", "holiday"): "core"}

    def get_model(self, app_label: str, model_name: str):
        from django.apps import apps

        app_label = self.MOVED.get((app_label, model_name.lower()), app_label)
        return apps.get_model(app_label, model_name)
