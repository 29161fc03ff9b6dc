from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

_DRAFT = [
    "agreements.view_paymentagreement",
    "agreements.add_paymentagreement",
    "agreements.change_paymentagreement",
]


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agreements"
    verbose_name = _("Payment agreements")
    role_permissions = {
        Role.DEPARTMENT_HEAD: [
            *_DRAFT,
            "agreements.approve_agreement",
            "agreements.add_payment",
            "agreements.change_agreementpolicy",
        ],
        Role.BRANCH_HEAD: [*_DRAFT, "agreements.approve_agreement", "agreements.add_payment"],
        Role.AGENT: [*_DRAFT, "agreements.add_payment"],
        Role.ADMIN_STAFF: ["agreements.view_paymentagreement", "agreements.add_payment"],
        Role.LEGAL: ["agreements.view_paymentagreement"],
        Role.AUDITOR: ["agreements.view_paymentagreement"],
    }
    menu_entries = [
        MenuEntry(
            _("Agreements"), "agreements:agreement_list", "agreements.view_paymentagreement", 30
        ),
    ]

    def ready(self):
        from agreements.statement import register_statement_payments

        register_statement_payments()
