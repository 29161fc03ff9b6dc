"""Deterministic, realistic demo data for El Salvador: employers and their periods.

Most employers are current; about one in eight is behind, a few of them for years.
Rows go in with COPY, so 50,000 employers and their periods take a few minutes.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from stdnum.sv.nit import calc_check_digit

from core.calendar import add_months, period_due_date, preload_holidays
from core.money import to_cents
from employers.models import ContributionPeriod, Department, Employer, Municipality, Sector
from employers.validators import dui_check_digit
from people.models import Branch

FIRST_NAMES = [
    "José",
    "María",
    "Juan",
    "Ana",
    "Carlos",
    "Rosa",
    "Luis",
    "Carmen",
    "Jorge",
    "Marta",
    "Francisco",
    "Gloria",
    "Manuel",
    "Sonia",
    "Roberto",
    "Patricia",
    "Mario",
    "Blanca",
    "Óscar",
    "Reina",
    "Ernesto",
    "Morena",
    "Salvador",
    "Lorena",
    "René",
    "Claudia",
]
LAST_NAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "Rodríguez",
    "Pérez",
    "González",
    "Ramírez",
    "Flores",
    "Rivera",
    "Cruz",
    "Reyes",
    "Díaz",
    "Romero",
    "Mejía",
    "Orellana",
    "Guevara",
    "Portillo",
    "Alvarado",
    "Castillo",
    "Menjívar",
    "Argueta",
    "Chávez",
    "Quintanilla",
    "Ayala",
    "Villalta",
    "Peña",
    "Escobar",
    "Sánchez",
    "Aguilar",
]
BUSINESS_WORDS = [
    "El Salvador",
    "Cuscatlán",
    "Centroamericana",
    "del Pacífico",
    "La Esperanza",
    "San José",
    "Los Volcanes",
    "El Progreso",
    "Maya",
    "Izalco",
    "Lempa",
    "Jiboa",
    "El Roble",
    "Santa Lucía",
    "La Ceiba",
    "Las Flores",
    "Monte Verde",
    "El Mirador",
    "Tazumal",
    "Chaparrastique",
]
ACTIVITIES = [
    ("Panadería", "Elaboración de productos de panadería"),
    ("Comercial", "Venta al por mayor de productos diversos"),
    ("Textiles", "Fabricación de prendas de vestir"),
    ("Transportes", "Transporte de carga por carretera"),
    ("Constructora", "Construcción de edificios"),
    ("Agroindustrias", "Cultivo y beneficiado de café"),
    ("Restaurante", "Restaurantes y servicio de comidas"),
    ("Farmacia", "Venta al por menor de productos farmacéuticos"),
    ("Ferretería", "Venta al por menor de artículos de ferretería"),
    ("Seguridad", "Actividades de seguridad privada"),
    ("Clínica", "Actividades de hospitales y clínicas"),
    ("Colegio", "Enseñanza preescolar, primaria y secundaria"),
    ("Distribuidora", "Distribución de bebidas y alimentos"),
    ("Maquila", "Confección de prendas para exportación"),
    ("Hotel", "Alojamiento en hoteles"),
    ("Taller", "Mantenimiento y reparación de vehículos"),
]
LEGAL_FORMS = ["S.A. de C.V.", "S.A. de C.V.", "S.A. de C.V.", "S. de R.L. de C.V.", "S.A."]
# Where each department's employers are managed.
BRANCH_BY_DEPARTMENT = {
    "01": "SA",
    "02": "SA",
    "03": "SO",
    "04": "SS",
    "05": "SS",
    "06": "SS",
    "07": "SS",
    "08": "US",
    "09": "SS",
    "10": "US",
    "11": "US",
    "12": "SM",
    "13": "SM",
    "14": "SM",
}
# Rough share of employers per department (San Salvador and La Libertad dominate).
DEPARTMENT_WEIGHTS = {
    "01": 3,
    "02": 7,
    "03": 5,
    "04": 2,
    "05": 16,
    "06": 45,
    "07": 2,
    "08": 3,
    "09": 1,
    "10": 2,
    "11": 4,
    "12": 7,
    "13": 1,
    "14": 2,
}
EMPLOYER_RATE = Decimal("0.075")
WORKER_RATE = Decimal("0.03")
CEILING = Decimal("1000.00")
FINE = Decimal("11.43")


@dataclass
class SeedResult:
    employers: int
    periods: int


def _nit(rng: random.Random, department_code: str) -> str:
    municipality = f"{department_code}{rng.randint(1, 20):02d}"
    born = datetime.date(rng.randint(1960, 2020), rng.randint(1, 12), rng.randint(1, 28))
    body = f"{municipality}{born:%d%m%y}{rng.randint(101, 999):03d}"
    return body + calc_check_digit(body)


def _dui(rng: random.Random) -> str:
    body = f"{rng.randint(0, 99_999_999):08d}"
    return body + dui_check_digit(body)


def _address(rng: random.Random) -> str:
    street = rng.choice(["Calle", "Avenida", "Pasaje", "Colonia"])
    return f"{street} {rng.choice(BUSINESS_WORDS)} #{rng.randint(1, 250)}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}"


def _employer_row(rng, number, departments, municipalities, branches) -> tuple[list, int]:
    department = rng.choices(
        departments, weights=[DEPARTMENT_WEIGHTS[d.code] for d in departments]
    )[0]
    municipality = rng.choice(municipalities[department.pk])
    branch_code = BRANCH_BY_DEPARTMENT[department.code]
    if branch_code == "SS" and department.code == "06" and rng.random() < 0.15:
        branch_code = "AP"
    roll = rng.random()
    if roll < 0.70:
        sector, person_type = Sector.PRIVATE, "legal"
    elif roll < 0.82:
        sector, person_type = Sector.PRIVATE, "natural"
    elif roll < 0.90:
        sector, person_type = Sector.DOMESTIC, "natural"
    elif roll < 0.94:
        sector, person_type = Sector.NONPROFIT, "legal"
    elif roll < 0.97:
        sector, person_type = Sector.MUNICIPAL, "legal"
    elif roll < 0.99:
        sector, person_type = Sector.AUTONOMOUS, "legal"
    else:
        sector, person_type = Sector.PUBLIC, "legal"
    kind, activity = rng.choice(ACTIVITIES)
    word = rng.choice(BUSINESS_WORDS)
    if person_type == "natural":
        legal_name = _person(rng)
        dui = _dui(rng)
        nit = dui
        trade_name = f"{kind} {word}" if sector == Sector.PRIVATE else ""
        if sector == Sector.DOMESTIC:
            activity = "Actividades de los hogares como empleadores de personal doméstico"
    else:
        dui = ""
        nit = _nit(rng, department.code)
        if sector == Sector.MUNICIPAL:
            legal_name = f"Alcaldía Municipal de {municipality.name}"
            trade_name, activity = "", "Administración pública municipal"
        elif sector in (Sector.PUBLIC, Sector.AUTONOMOUS):
            legal_name = f"Instituto {word} de Desarrollo"
            trade_name, activity = "", "Administración pública"
        elif sector == Sector.NONPROFIT:
            legal_name = f"Fundación {word}"
            trade_name, activity = "", "Actividades de asociaciones sin fines de lucro"
        else:
            legal_name = f"{kind} {word} {rng.choice(LEGAL_FORMS)}"
            trade_name = f"{kind} {word}"
    domestic = sector == Sector.DOMESTIC
    workers = 1 if domestic else max(1, int(rng.lognormvariate(1.6, 1.1)))
    now = timezone.now()
    row = [
        f"{number:09d}",
        person_type,
        nit,
        dui,
        f"{rng.randint(1000, 399999)}-{rng.randint(0, 9)}" if person_type == "legal" else "",
        legal_name,
        trade_name,
        activity,
        sector,
        _address(rng),
        department.pk,
        municipality.pk,
        f"2{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "",
        _person(rng) if person_type == "legal" else "",
        branches[branch_code],
        "active",
        now,
        now,
    ]
    return row, workers


def _periods_for(rng, workers: int, months: list[datetime.date], today: datetime.date, deep: bool):
    """Yield period rows: current employers pay everything; the others stop paying."""
    wage = Decimal(rng.choice([365, 408, 450, 500, 650, 800, 1200, 1500]))
    insured = min(wage, CEILING)
    employer_share = to_cents(insured * EMPLOYER_RATE * workers)
    worker_share = to_cents(insured * WORKER_RATE * workers)
    roll = rng.random()
    if deep:
        unpaid_from = rng.randint(0, 3)
    elif roll < 0.86:
        unpaid_from = len(months)  # current
    elif roll < 0.97:
        unpaid_from = len(months) - rng.randint(1, 8)  # a few months behind
    else:
        unpaid_from = rng.randint(0, len(months) - 6)  # deep arrears
    for index, period in enumerate(months):
        due = period_due_date(period)
        due_total = employer_share + worker_share
        if index < unpaid_from or due >= today:
            paid, fines, surcharges = due_total, Decimal("0.00"), Decimal("0.00")
        else:
            partial = rng.random() < 0.2
            paid = (
                to_cents(due_total * Decimal(rng.choice(["0.25", "0.5"])))
                if partial
                else Decimal("0.00")
            )
            late_days = (today - due).days
            surcharges = to_cents(
                employer_share * (Decimal("0.05") if late_days <= 15 else Decimal("0.10"))
            )
            fines = FINE
        yield [period, due, employer_share, worker_share, fines, surcharges, paid]


def seed_demo(
    *, employers: int, seed: int, months: int = 24, today: datetime.date | None = None
) -> SeedResult:
    """Create `employers` employers with `months` periods each (plus older debt for some)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    last = add_months(today.replace(day=1), -1)
    window = [add_months(last, -i) for i in range(months - 1, -1, -1)]
    departments = list(Department.objects.order_by("code"))
    municipalities: dict[int, list[Municipality]] = {}
    for municipality in Municipality.objects.all():
        municipalities.setdefault(municipality.department_id, []).append(municipality)
    branches = dict(Branch.objects.values_list("code", "pk"))
    start_number = 100_000_001 + Employer.objects.count()
    # Read the holiday table now: inside the COPY below the connection is busy.
    preload_holidays(range(window[0].year - 16, today.year + 2))
    columns = [
        "employer_number",
        "person_type",
        "nit",
        "dui",
        "nrc",
        "legal_name",
        "trade_name",
        "economic_activity",
        "sector",
        "address",
        "department_id",
        "municipality_id",
        "phone",
        "email",
        "legal_representative",
        "branch_id",
        "status",
        "created_at",
        "updated_at",
    ]
    workers_by_number = {}
    branch_by_number = {}
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        with cursor.copy(f"COPY employers_employer ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(employers):
                row, workers = _employer_row(
                    rng, start_number + i, departments, municipalities, branches
                )
                workers_by_number[row[0]] = workers
                branch_by_number[row[0]] = row[columns.index("branch_id")]
                copy.write_row(row)
        ids = dict(
            Employer.objects.filter(employer_number__in=list(workers_by_number)).values_list(
                "employer_number", "pk"
            )
        )
        period_columns = [
            "employer_id",
            "period",
            "due_date",
            "employer_share",
            "worker_share",
            "fines",
            "surcharges",
            "paid",
        ]
        count = 0
        up_to_date = []
        with cursor.copy(
            f"COPY employers_contributionperiod ({', '.join(period_columns)}) FROM STDIN"
        ) as copy:
            for number, workers in workers_by_number.items():
                span, deep = window, rng.random() < 0.02
                if deep:  # the long tail: debt from years ago, never paid
                    first = add_months(window[0], -rng.randint(12, 180))
                    span = [add_months(first, i) for i in range(6)] + window
                owes = False
                for row in _periods_for(rng, workers, span, today, deep):
                    copy.write_row([ids[number], *row])
                    owes = owes or row[-1] < row[2] + row[3]
                    count += 1
                # San Miguel's: the San Salvador demo stories keep their own employers.
                if not owes and branch_by_number[number] == branches.get("SM"):
                    up_to_date.append(number)
        if up_to_date:
            count += _second_work_centre(ids[up_to_date[0]], window[-6:], today)
    return SeedResult(employers=employers, periods=count)


def _second_work_centre(employer_id: int, months: list[datetime.date], today) -> int:
    """The first San Miguel demo employer up to date at its main centre also reports a
    second work centre (002, a branch office of the company), whose last months are
    unpaid: the statement, the letters and the certificate show its periods apart."""
    rows = [
        ContributionPeriod(
            employer_id=employer_id,
            work_centre="002",
            period=period,
            due_date=period_due_date(period),
            employer_share=Decimal("225.00"),
            worker_share=Decimal("90.00"),
            fines=FINE if period_due_date(period) < today else Decimal("0.00"),
            surcharges=Decimal("22.50") if period_due_date(period) < today else Decimal("0.00"),
        )
        for period in months
    ]
    ContributionPeriod.objects.bulk_create(rows)
    return len(rows)


def demo_old_debt(employer: Employer, periods: list[datetime.date], amount: Decimal) -> int:
    """Periods of long ago left unpaid (the demo of the prescription clock): written
    here, by the app that owns the table, as the arrears import would have written them.
    Periods the employer already has are left as they are."""
    existing = set(
        ContributionPeriod.objects.filter(employer=employer, period__in=periods).values_list(
            "period", flat=True
        )
    )
    rows = [
        ContributionPeriod(
            employer=employer,
            period=period,
            due_date=period_due_date(period),
            employer_share=to_cents(amount * Decimal("0.75")),
            worker_share=to_cents(amount * Decimal("0.25")),
            fines=FINE,
        )
        for period in periods
        if period not in existing
    ]
    ContributionPeriod.objects.bulk_create(rows)
    return len(rows)


def seed_relations(today: datetime.date | None = None) -> dict[str, int]:
    """Demo of the related employers: a San Miguel company closed with its arrears and
    one still working that shares its phone and its legal representative (the company
    that reopened under a new name), through the employers' own service; then the
    night's search, which alerts San Miguel's head. Once: skipped when any relation
    exists."""
    from employers import services
    from employers.models import EmployerRelation, EmployerStatus
    from employers.relations import relations_find
    from people.demo import demo_user
    from people.roles import Role

    if EmployerRelation.objects.filter(alerted_on__isnull=False).exists():
        return {"skipped": 1}
    today = today or timezone.localdate()
    actor = demo_user(Role.DEPARTMENT_HEAD)
    branch = Branch.objects.filter(code="SM").first()
    if actor is None or branch is None:
        return {"skipped": 1}
    owing = ContributionPeriod.objects.filter(balance__gt=0, due_date__lt=today).values("employer")
    closed = (
        Employer.objects.filter(branch=branch, pk__in=owing).order_by("employer_number").first()
    )
    reopened = (
        Employer.objects.filter(branch=branch).exclude(pk__in=owing).order_by("-employer_number")
    ).first()
    if closed is None or reopened is None:
        return {"skipped": 1}
    shared = {"phone": "2661-4470", "legal_representative_dui": "024950463"}
    services.employer_update(
        employer=closed,
        actor=actor,
        data={**shared, "status": EmployerStatus.CLOSED, "legal_representative": "Juana Pérez"},
    )
    services.employer_update(
        employer=reopened,
        actor=actor,
        data={**shared, "legal_representative": "Juana Pérez"},
    )
    return relations_find(run_date=today)
