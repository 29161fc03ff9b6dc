from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

VIEW = "prescription.view_periodclock"
RECORD_NOTICE = "prescription.add_noticeservice"
VIEW_NOTICE = "prescription.view_noticeservice"
MANAGE_RULES = "prescription.add_prescriptionrule"
VIEW_RULES = "prescription.view_prescriptionrule"


class PrescriptionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "prescription"
    verbose_name = _("Prescription")
    role_permissions = {
        Role.DEPARTMENT_HEAD: [VIEW, VIEW_NOTICE, RECORD_NOTICE, VIEW_RULES, MANAGE_RULES],
        Role.BRANCH_HEAD: [VIEW, VIEW_NOTICE, RECORD_NOTICE, VIEW_RULES],
        Role.AGENT: [VIEW, VIEW_NOTICE, RECORD_NOTICE, VIEW_RULES],
        Role.AUDITOR: [VIEW, VIEW_NOTICE, VIEW_RULES],
        Role.LEGAL: [VIEW_RULES],
    }
    menu_entries = [MenuEntry(_("Prescription"), "prescription:clock_list", VIEW, 57)]
    page_panels = {
        "case": ["prescription.views.case_panel"],
        "queue": ["prescription.views.queue_panel"],
        "employer": ["prescription.views.employer_panel"],
        "dashboard": ["prescription.views.dashboard_panel"],
    }

    def ready(self):
        from core import background
        from prescription import services

        background.register("prescription_refresh", services.clocks_refresh_job)
