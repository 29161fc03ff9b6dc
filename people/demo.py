"""Demo users, one per role, for `make run`. Never used in production."""

from django.contrib.auth.models import Group
from django.db import transaction

from people.models import Branch, User
from people.roles import Role

DEMO_PASSWORD = "Recupera.2026"

DEMO_USERS = [
    # username, first name, last name, role, branch code
    ("jefe", "Marta", "Hernández", Role.DEPARTMENT_HEAD, None),
    ("jefe.ss", "Carlos", "Rivas", Role.BRANCH_HEAD, "SS"),
    # Every branch has its head: each confirms its branch's targets in the plan.
    ("jefe.sa", "Gloria", "Menjívar", Role.BRANCH_HEAD, "SA"),
    ("jefe.so", "Ernesto", "Alvarado", Role.BRANCH_HEAD, "SO"),
    ("jefe.sm", "Patricia", "Chávez", Role.BRANCH_HEAD, "SM"),
    ("jefe.us", "Raúl", "Portillo", Role.BRANCH_HEAD, "US"),
    ("jefe.ap", "Silvia", "Orellana", Role.BRANCH_HEAD, "AP"),
    ("gestor.ss", "Ana", "Martínez", Role.AGENT, "SS"),
    ("gestor.sm", "José", "Ramírez", Role.AGENT, "SM"),
    ("colaborador", "Lucía", "Flores", Role.ADMIN_STAFF, None),
    ("juridico", "Roberto", "Guevara", Role.LEGAL, None),
    ("secretaria", "Sonia", "López", Role.SECRETARY, None),
    ("auditor", "Mauricio", "Castillo", Role.AUDITOR, None),
]


@transaction.atomic
def ensure_demo_users() -> list[tuple[str, str, str]]:
    """Create the demo users if missing; return (username, role, branch) rows."""
    rows = []
    for username, first, last, role, branch_code in DEMO_USERS:
        branch = Branch.objects.get(code=branch_code) if branch_code else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "branch": branch},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role.value))
        rows.append((username, role.value, branch_code or "todas"))
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    rows.append(("admin", "Superusuario (admin de Django)", "todas"))
    return rows


def demo_user(role: Role, branch_code: str | None = None) -> User | None:
    """The first active demo user of `role` (in that branch): whom the demos act as."""
    users = User.objects.filter(groups__name=role.value, is_active=True)
    if branch_code:
        users = users.filter(branch__code=branch_code)
    return users.order_by("pk").first()
