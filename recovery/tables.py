import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import MoneyColumn
from recovery.models import RecoveryCase


class CaseTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={"th__input": {"class": "select-all"}})
    id = tables.Column(
        verbose_name=_("Case"), linkify=("recovery:case_detail", {"pk": tables.A("pk")})
    )
    employer = tables.Column(
        verbose_name=_("Employer"), accessor="employer__legal_name", order_by="employer__legal_name"
    )
    branch = tables.Column(verbose_name=_("Branch"), accessor="branch__code")
    agent = tables.Column(verbose_name=_("Agent"), accessor="agent", order_by="agent__first_name")
    status = tables.Column(verbose_name=_("Status"))
    priority = tables.Column(verbose_name=_("Priority"))
    level = tables.Column(verbose_name=_("Level"), accessor="level__name", default="—")
    debt = MoneyColumn(verbose_name=_("Debt"))
    oldest_due = tables.DateColumn(verbose_name=_("Oldest due"), format="d/m/Y", default="—")
    last_action_on = tables.DateColumn(verbose_name=_("Last action"), format="d/m/Y", default="—")

    class Meta:
        model = RecoveryCase
        fields = [
            "select",
            "id",
            "employer",
            "branch",
            "agent",
            "status",
            "priority",
            "level",
            "debt",
            "oldest_due",
            "last_action_on",
        ]
        empty_text = _("No case matches these filters.")
        # Rows written out in the template (the columns below stay the definition of
        # headers, ordering and exports); tests/recovery/test_list_rendering.py holds the two
        # renderings equal.
        template_name = "recovery/_case_table.html"

    @property
    def show_select(self) -> bool:
        return "select" in self.columns

    def render_agent(self, value):
        return value.get_full_name() or value.username

    def render_employer(self, record):
        return format_html(
            '{}<br><span class="muted">{}</span>',
            record.employer.legal_name,
            record.employer.employer_number,
        )

    def render_priority(self, record):
        return record.get_priority_display()
