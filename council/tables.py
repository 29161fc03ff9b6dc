import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import MoneyColumn
from council.models import SettlementRequest, Waiver


class RequestTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Request"), linkify=("council:request_detail", {"pk": tables.A("pk")})
    )
    kind = tables.Column(verbose_name=_("Kind"))
    employer = tables.Column(
        verbose_name=_("Employer"), accessor="employer__legal_name", order_by="employer__legal_name"
    )
    branch = tables.Column(verbose_name=_("Branch"), accessor="branch__code")
    received_on = tables.DateColumn(verbose_name=_("Received"), format="d/m/Y")
    status = tables.Column(verbose_name=_("Status"))
    waived = MoneyColumn(verbose_name=_("Fines and surcharges"), orderable=True)
    session = tables.Column(
        verbose_name=_("Session"), accessor="submission__session__number", default="—"
    )
    resolution_number = tables.Column(verbose_name=_("Resolution"), default="—")

    class Meta:
        model = SettlementRequest
        fields = [
            "number",
            "kind",
            "employer",
            "branch",
            "received_on",
            "status",
            "waived",
            "session",
            "resolution_number",
        ]
        empty_text = _("No request matches these filters.")

    def render_employer(self, record):
        return format_html(
            '{}<br><span class="muted">{}</span>',
            record.employer.legal_name,
            record.employer.employer_number,
        )

    def render_kind(self, record):
        return _("Discharge") if record.kind == "discharge" else _("Waiver")


class WaiverTable(tables.Table):
    request = tables.Column(
        verbose_name=_("Request"),
        accessor="request__number",
        linkify=("council:request_detail", {"pk": tables.A("request_id")}),
    )
    employer = tables.Column(verbose_name=_("Employer"), accessor="period__employer__legal_name")
    period = tables.Column(verbose_name=_("Period"), accessor="period__period")
    fines = MoneyColumn(verbose_name=_("Fines"))
    surcharges = MoneyColumn(verbose_name=_("Surcharges"))
    resolution = tables.Column(verbose_name=_("Resolution"), accessor="request__resolution_number")
    status = tables.Column(verbose_name=_("Status"))
    recorded_at = tables.DateColumn(verbose_name=_("Recorded"), format="d/m/Y")
    evidence = tables.Column(verbose_name=_("Evidence"), empty_values=(), orderable=False)

    class Meta:
        model = Waiver
        fields = [
            "request",
            "employer",
            "period",
            "fines",
            "surcharges",
            "resolution",
            "status",
            "recorded_at",
            "evidence",
        ]
        empty_text = _("No waiver matches these filters.")

    def render_period(self, value):
        return value.strftime("%m/%Y")

    def render_evidence(self, record):
        if record.applied_import_id:
            return _("Import of %(date)s") % {
                "date": record.applied_import.created_at.strftime("%d/%m/%Y")
            }
        if record.applied_note:
            return record.applied_note
        if record.revoked_reason:
            return record.revoked_reason
        return "—"
