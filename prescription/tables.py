import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_money
from employers.models import MAIN_WORK_CENTRE
from prescription.models import PeriodClock
from prescription.services import action_label


class ClockTable(tables.Table):
    employer = tables.Column(
        verbose_name=gettext_lazy("Employer"),
        linkify=("employers:employer_detail", {"pk": tables.A("employer_id")}),
        order_by=("employer__legal_name",),
    )
    period = tables.Column(
        verbose_name=gettext_lazy("Period"), accessor="period__period", order_by=("period__period",)
    )
    balance = tables.Column(
        verbose_name=gettext_lazy("Owed"),
        accessor="period__balance",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    started_on = tables.DateColumn(verbose_name=gettext_lazy("Clock started"), format="d/m/Y")
    start_kind = tables.Column(verbose_name=gettext_lazy("Started by"))
    prescribes_on = tables.Column(verbose_name=gettext_lazy("Prescribes on"))
    action = tables.Column(
        verbose_name=gettext_lazy("What would interrupt it"), orderable=False, empty_values=()
    )

    class Meta:
        model = PeriodClock
        fields = ["employer", "period", "balance", "started_on", "start_kind", "prescribes_on"]
        order_by = ["prescribes_on"]
        empty_text = gettext_lazy("No period matches: none is about to prescribe.")

    def render_employer(self, value):
        return f"{value.employer_number} · {value.legal_name}"

    def render_period(self, record, value):
        if record.period.work_centre != MAIN_WORK_CENTRE:
            centre = _("centre")
            return f"{value:%m/%Y} · {centre} {record.period.work_centre}"
        return value.strftime("%m/%Y")

    def render_balance(self, value):
        return format_money(value)

    def render_prescribes_on(self, record, value):
        if record.prescribed_on:
            return format_html(
                '{} <span class="badge bad">{}</span>',
                value.strftime("%d/%m/%Y"),
                gettext_lazy("Prescribed"),
            )
        return value.strftime("%d/%m/%Y")

    def render_action(self, record):
        if record.prescribed_on:
            return "—"
        return action_label(record.action)
