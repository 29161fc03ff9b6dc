from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

VIEW = "solvency.view_solvencycertificate"
ISSUE = "solvency.add_solvencycertificate"


class SolvencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "solvency"
    verbose_name = _("Solvency certificates")
    # Who answers an employer's request issues it; everyone in the institute may verify
    # one (the verification page needs a login only).
    role_permissions = {
        Role.DEPARTMENT_HEAD: [VIEW, ISSUE],
        Role.BRANCH_HEAD: [VIEW, ISSUE],
        Role.AGENT: [VIEW, ISSUE],
        Role.ADMIN_STAFF: [VIEW, ISSUE],
        Role.AUDITOR: [VIEW],
    }
    menu_entries = [MenuEntry(_("Certificates"), "solvency:certificate_list", VIEW, 58)]
    page_panels = {"employer": ["solvency.views.employer_panel"]}
