from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

VIEW = "council.view_settlementrequest"
ADD = "council.add_settlementrequest"
REVIEW = "council.review_settlementrequest"
DECIDE = "council.decide_settlementrequest"
APPLY = "council.apply_settlementrequest"
ARCHIVE = "council.archive_settlementrequest"


class CouncilConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "council"
    verbose_name = _("Board of Directors")
    # The head reviews and approves what goes to the Board; the department's staff
    # prepare the packages, record the outcomes, the application and the archive, and
    # approve nothing; branches register what their employers bring and follow it.
    role_permissions = {
        Role.DEPARTMENT_HEAD: [VIEW, ADD, REVIEW, DECIDE, APPLY, ARCHIVE],
        Role.ADMIN_STAFF: [VIEW, ADD, DECIDE, APPLY, ARCHIVE],
        Role.BRANCH_HEAD: [VIEW, ADD],
        Role.AGENT: [VIEW, ADD],
        Role.AUDITOR: [VIEW],
    }
    menu_entries = [
        MenuEntry(
            _("Board"),
            "council:desk",
            VIEW,
            45,
            landing=15,
            landing_roles=frozenset({Role.ADMIN_STAFF}),
        ),
    ]

    def ready(self):
        from council.services import waivers_apply_from_import
        from council.statement import (
            outstanding_waivers_by_employer,
            outstanding_waivers_by_period,
        )
        from employers.imports import register_import_listener
        from employers.queries import register_statement_waivers

        register_statement_waivers(outstanding_waivers_by_period, outstanding_waivers_by_employer)
        register_import_listener(waivers_apply_from_import)
