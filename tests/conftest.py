import pytest

from employers.models import Branch
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
