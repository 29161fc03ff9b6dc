import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from stdnum.sv.nit import calc_check_digit

from employers.models import ContributionPeriod, Employer
from people.models import Branch, User


def make_nit(n: int) -> str:
    body = f"0614{(n % 28) + 1:02d}0190{n % 1000:03d}"
    body = body[:13]
    return body + calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Usuario"
    last_name = factory.Sequence(lambda n: f"Prueba {n}")
    password = factory.PostGenerationMethodCall("set_password", "secreto-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=str(extracted)))
        if create:
            self.save()


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    employer_number = factory.Sequence(lambda n: f"{200000000 + n}")
    nit = factory.Sequence(make_nit)
    legal_name = factory.Sequence(lambda n: f"Empresa Número {n}, S.A. de C.V.")
    branch = factory.LazyFunction(lambda: Branch.objects.get(code="SS"))


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributionPeriod

    employer = factory.SubFactory(EmployerFactory)
    period = datetime.date(2026, 1, 1)
    due_date = datetime.date(2026, 2, 13)
    employer_share = Decimal("75.00")
    worker_share = Decimal("30.00")
    fines = Decimal("0.00")
    surcharges = Decimal("0.00")
    paid = Decimal("0.00")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "recovery.RecoveryCase"

    employer = factory.SubFactory(EmployerFactory)
    branch = factory.LazyAttribute(lambda case: case.employer.branch)
    status = "open"
    opening_debt = Decimal("105.00")
    opened_on = datetime.date(2026, 3, 1)
