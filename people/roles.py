"""The seven roles of the department, as Django groups.

The group names are what users read in the admin, so they are the Spanish titles.
What each role may do is declared by each app on its AppConfig (people.registry).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPARTMENT_HEAD = "Jefe de Departamento", _("Department head")
    BRANCH_HEAD = "Jefe de Sucursal", _("Branch head")
    AGENT = "Gestor de Cobros", _("Collection agent")
    ADMIN_STAFF = "Colaborador Administrativo", _("Administrative staff")
    LEGAL = "Unidad Jurídica", _("Legal unit")
    SECRETARY = "Secretaria", _("Secretary")
    AUDITOR = "Auditor", _("Auditor (read-only)")


# Roles that see every branch; the branch roles see only their own branch.
ALL_BRANCH_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.ADMIN_STAFF, Role.AUDITOR})
BRANCH_ROLES = frozenset({Role.BRANCH_HEAD, Role.AGENT})
