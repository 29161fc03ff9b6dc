from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from people.registry import MenuEntry
from people.roles import Role

VIEW_PLAN = "reporting.view_recoveryplan"
ADD_PLAN = "reporting.add_recoveryplan"
CHANGE_PLAN = "reporting.change_recoveryplan"
APPROVE_PLAN = "reporting.approve_recoveryplan"
CONFIRM_PLAN = "reporting.confirm_recoveryplan"
DASHBOARD = "reporting.view_dashboard"
VIEW_REPORT = "reporting.view_monthlyreport"
ADD_REPORT = "reporting.add_monthlyreport"


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Plan and reports")
    # The head drafts, approves and reports; each branch head confirms its branch's
    # targets and watches its branch; the auditor reads everything and writes nothing.
    role_permissions = {
        Role.DEPARTMENT_HEAD: [
            VIEW_PLAN,
            ADD_PLAN,
            CHANGE_PLAN,
            APPROVE_PLAN,
            DASHBOARD,
            VIEW_REPORT,
            ADD_REPORT,
        ],
        Role.BRANCH_HEAD: [VIEW_PLAN, CONFIRM_PLAN, DASHBOARD, VIEW_REPORT],
        Role.ADMIN_STAFF: [VIEW_PLAN, DASHBOARD, VIEW_REPORT],
        Role.AUDITOR: [VIEW_PLAN, DASHBOARD, VIEW_REPORT],
    }
    menu_entries = [
        MenuEntry(
            _("Dashboard"),
            "reporting:dashboard",
            DASHBOARD,
            5,
            landing=5,
            landing_roles=frozenset({Role.DEPARTMENT_HEAD}),
        ),
        MenuEntry(_("Recovery plan"), "reporting:plan_list", VIEW_PLAN, 70),
        MenuEntry(_("Monthly report"), "reporting:report_list", VIEW_REPORT, 75),
        MenuEntry(_("Strategies"), "reporting:strategy_home", "recovery.view_strategy", 76),
        MenuEntry(_("Forecast"), "reporting:forecast", DASHBOARD, 74),
    ]

    # The agent's own figures on its work queue (recovery's page, people's registry).
    page_panels = {"queue": ["reporting.views.agent_panel"]}

    def ready(self):
        from core import background
        from reporting.report import build_report_job

        background.register("monthly_report", build_report_job)
