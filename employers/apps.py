from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

_READ = [
    "employers.view_employer",
    "employers.view_contributionperiod",
]
_IMPORTS = ["employers.view_arrearsimport", "employers.add_arrearsimport"]


class EmployersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "employers"
    verbose_name = _("Employers")
    role_permissions = {
        Role.DEPARTMENT_HEAD: [
            *_READ,
            "employers.change_employer",
            *_IMPORTS,
            "employers.view_history",
        ],
        Role.BRANCH_HEAD: [*_READ, "employers.view_history"],
        Role.AGENT: _READ,
        Role.ADMIN_STAFF: [*_READ, "employers.change_employer", *_IMPORTS],
        Role.AUDITOR: [*_READ, "employers.view_arrearsimport", "employers.view_history"],
    }
    menu_entries = [
        MenuEntry(
            _("Employers"), "employers:employer_list", "employers.view_employer", 50, landing=20
        ),
        MenuEntry(
            _("Arrears imports"), "employers:import_list", "employers.view_arrearsimport", 60
        ),
    ]

    def ready(self):
        from core import background
        from employers import services

        background.register("arrears_check", services.check_job)
        background.register("arrears_apply", services.apply_job)
