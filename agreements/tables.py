import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from agreements.models import PaymentAgreement
from core.tables import MoneyColumn


class AgreementTable(tables.Table):
    id = tables.Column(
        verbose_name=_("Agreement"), linkify=("agreements:agreement_detail", {"pk": tables.A("pk")})
    )
    employer = tables.Column(
        verbose_name=_("Employer"),
        accessor="employer__legal_name",
        order_by="employer__legal_name",
        linkify=("employers:employer_detail", {"pk": tables.A("employer_id")}),
    )
    branch = tables.Column(verbose_name=_("Branch"), accessor="branch__code")
    agent = tables.Column(verbose_name=_("Agent"), accessor="case__agent", default="—")
    status = tables.Column(verbose_name=_("Status"))
    total_amount = MoneyColumn(verbose_name=_("Amount agreed"))
    paid = MoneyColumn(verbose_name=_("Paid"))
    next_due = tables.DateColumn(verbose_name=_("Next due"), format="d/m/Y", default="—")
    overdue = tables.Column(verbose_name=_("Overdue"), attrs={"td": {"class": "num"}})

    class Meta:
        model = PaymentAgreement
        fields = [
            "id",
            "employer",
            "branch",
            "agent",
            "status",
            "total_amount",
            "paid",
            "next_due",
            "overdue",
        ]
        empty_text = _("No agreement matches these filters.")

    def render_agent(self, value):
        return value.get_full_name() or value.username
