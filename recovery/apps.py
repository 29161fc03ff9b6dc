from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import BRANCH_ROLES, Role

_WORK = ["recovery.view_recoverycase", "recovery.change_recoverycase"]


# The department head edits the strategies and the case-opening rules in the
# application (reporting's Estrategias page); the auditor reads them.
STRATEGY_PERMISSIONS = [
    "recovery.view_strategy",
    "recovery.change_strategy",
    "recovery.change_strategylevel",
    "recovery.add_caseopeningrule",
]


class RecoveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery"
    verbose_name = _("Recovery cases")
    role_permissions = {
        Role.DEPARTMENT_HEAD: [*_WORK, "recovery.assign_case", *STRATEGY_PERMISSIONS],
        Role.BRANCH_HEAD: [*_WORK, "recovery.assign_case"],
        Role.AGENT: _WORK,
        Role.ADMIN_STAFF: ["recovery.view_recoverycase"],
        Role.LEGAL: ["recovery.view_recoverycase"],
        Role.AUDITOR: ["recovery.view_strategy", "recovery.view_recoverycase"],
    }
    menu_entries = [
        MenuEntry(
            _("Work queue"),
            "recovery:queue",
            "recovery.view_recoverycase",
            10,
            landing=10,
            landing_roles=BRANCH_ROLES,
        ),
        MenuEntry(_("Cases"), "recovery:case_list", "recovery.view_recoverycase", 20),
    ]

    def ready(self):
        from core import background
        from recovery import services
        from recovery.links import register

        register()
        background.register("demand_letters", services.demand_letters_job)
