from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role


class LegalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "legal"
    verbose_name = _("Legal Unit")
    role_permissions = {
        Role.DEPARTMENT_HEAD: ["legal.view_legalreferral", "legal.add_legalreferral"],
        Role.BRANCH_HEAD: ["legal.view_legalreferral", "legal.add_legalreferral"],
        Role.AGENT: ["legal.add_legalreferral"],
        Role.ADMIN_STAFF: ["legal.view_legalreferral"],
        Role.LEGAL: ["legal.view_legalreferral", "legal.change_legalreferral"],
        Role.AUDITOR: ["legal.view_legalreferral"],
    }
    menu_entries = [
        # The Legal Unit works from its inbox: its home page.
        MenuEntry(
            _("Legal Unit"),
            "legal:referral_list",
            "legal.view_legalreferral",
            40,
            landing=5,
            landing_roles=frozenset({Role.LEGAL}),
        ),
    ]

    def ready(self):
        from agreements.payments import register_payment_listener
        from legal.services import referral_payment_received

        register_payment_listener(referral_payment_received)
