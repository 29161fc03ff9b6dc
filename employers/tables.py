import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from core.tables import MoneyColumn
from employers.models import Employer


class EmployerTable(tables.Table):
    employer_number = tables.Column(
        verbose_name=_("Employer no."),
        linkify=("employers:employer_detail", {"pk": tables.A("pk")}),
    )
    legal_name = tables.Column(verbose_name=_("Legal name"))
    nit = tables.Column(verbose_name=_("NIT"))
    branch = tables.Column(
        verbose_name=_("Branch"), accessor="branch__code", order_by="branch__code"
    )
    sector = tables.Column(verbose_name=_("Sector"))
    status = tables.Column(verbose_name=_("Status"))
    arrears = MoneyColumn(verbose_name=_("Arrears"))
    # The Board's waivers the account system has not applied yet (with_outstanding_waivers).
    waived = MoneyColumn(verbose_name=_("Waived, not yet applied"), default="—")
    oldest_arrears_period = tables.DateColumn(
        verbose_name=_("Oldest period owed"), format="Y-m", empty_values=(None,), default="—"
    )

    class Meta:
        model = Employer
        fields = [
            "employer_number",
            "legal_name",
            "nit",
            "branch",
            "sector",
            "status",
            "arrears",
            "waived",
            "oldest_arrears_period",
        ]
        empty_text = _("No employer matches these filters.")
        # Rows written out in the template; a test holds it equal to the generic rendering.
        template_name = "employers/_employer_table.html"
        row_attrs = {"class": lambda record: "arrears" if record.arrears > 0 else ""}

    def render_legal_name(self, record):
        if record.trade_name:
            return format_html(
                '{}<br><span class="muted">{}</span>', record.legal_name, record.trade_name
            )
        return record.legal_name

    def render_waived(self, value):
        return format_money(value) if value else "—"

    def render_nit(self, record):
        return record.nit_display
