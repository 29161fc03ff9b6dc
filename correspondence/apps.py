from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

VIEW = "correspondence.view_correspondenceitem"
ADD = "correspondence.add_correspondenceitem"
ASSIGN = "correspondence.assign_correspondenceitem"
DISPATCH = "correspondence.dispatch_correspondenceitem"


class CorrespondenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "correspondence"
    verbose_name = _("Correspondence")
    # The secretary registers and dispatches; the head and the branch heads assign and
    # answer; the auditor reads.
    role_permissions = {
        Role.SECRETARY: [VIEW, ADD, DISPATCH],
        Role.DEPARTMENT_HEAD: [VIEW, ADD, ASSIGN, DISPATCH],
        Role.BRANCH_HEAD: [VIEW, ADD, ASSIGN],
        Role.ADMIN_STAFF: [VIEW, ADD],
        Role.AGENT: [VIEW],
        Role.AUDITOR: [VIEW],
    }
    menu_entries = [
        MenuEntry(
            _("Correspondence"),
            "correspondence:item_list",
            VIEW,
            65,
            landing=5,
            landing_roles=frozenset({Role.SECRETARY}),
        ),
    ]
    # A case's page lists its correspondence (recovery's page, people's registry).
    page_panels = {"case": ["correspondence.views.case_panel"]}
