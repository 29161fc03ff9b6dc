"""The seven roles of the department, as Django groups, and what each may do.

The group names are what users read in the admin, so they are the Spanish titles.
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

# Model permissions per role ("app_label.codename"). The data migration that creates
# the groups reads this table, and so does the test that checks it.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DEPARTMENT_HEAD: [
        "employers.view_branch",
        "employers.view_employer",
        "employers.change_employer",
        "employers.view_contributionperiod",
        "employers.view_arrearsimport",
        "employers.add_arrearsimport",
        "employers.view_history",
        "recovery.view_recoverycase",
        "recovery.change_recoverycase",
        "recovery.assign_case",
        "agreements.view_paymentagreement",
        "agreements.add_paymentagreement",
        "agreements.change_paymentagreement",
        "agreements.approve_agreement",
        "agreements.add_payment",
        "recovery.view_legalreferral",
    ],
    Role.BRANCH_HEAD: [
        "employers.view_branch",
        "employers.view_employer",
        "employers.view_contributionperiod",
        "employers.view_history",
        "recovery.view_recoverycase",
        "recovery.change_recoverycase",
        "recovery.assign_case",
        "agreements.view_paymentagreement",
        "agreements.add_paymentagreement",
        "agreements.change_paymentagreement",
        "agreements.approve_agreement",
        "agreements.add_payment",
        "recovery.view_legalreferral",
    ],
    Role.AGENT: [
        "employers.view_branch",
        "employers.view_employer",
        "employers.view_contributionperiod",
        "recovery.view_recoverycase",
        "recovery.change_recoverycase",
        "agreements.view_paymentagreement",
        "agreements.add_paymentagreement",
        "agreements.change_paymentagreement",
        "agreements.add_payment",
    ],
    Role.ADMIN_STAFF: [
        "employers.view_branch",
        "employers.view_employer",
        "employers.change_employer",
        "employers.view_contributionperiod",
        "employers.view_arrearsimport",
        "employers.add_arrearsimport",
        "recovery.view_recoverycase",
        "agreements.view_paymentagreement",
        "agreements.add_payment",
        "recovery.view_legalreferral",
    ],
    Role.LEGAL: [
        "recovery.view_recoverycase",
        "agreements.view_paymentagreement",
        "recovery.view_legalreferral",
        "recovery.change_legalreferral",
    ],
    Role.SECRETARY: [],
    Role.AUDITOR: [
        "employers.view_branch",
        "employers.view_employer",
        "employers.view_contributionperiod",
        "employers.view_arrearsimport",
        "employers.view_history",
        "recovery.view_recoverycase",
        "agreements.view_paymentagreement",
        "recovery.view_legalreferral",
    ],
}
