import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solvency.models import SolvencyCertificate


class CertificateTable(tables.Table):
    number = tables.Column(verbose_name=gettext_lazy("Number"))
    employer = tables.Column(
        verbose_name=gettext_lazy("Employer"),
        linkify=("employers:employer_detail", {"pk": tables.A("employer_id")}),
    )
    issued_at = tables.DateColumn(verbose_name=gettext_lazy("Issued"), format="d/m/Y")
    valid_until = tables.DateColumn(verbose_name=gettext_lazy("Valid until"), format="d/m/Y")
    standing = tables.Column(verbose_name=gettext_lazy("Standing"))
    pdf = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = SolvencyCertificate
        fields = ["number", "employer", "issued_at", "valid_until", "standing"]
        order_by = ["-issued_at"]
        empty_text = gettext_lazy("No certificate has been issued yet.")

    def render_employer(self, value):
        return f"{value.employer_number} · {value.legal_name}"

    def render_standing(self, record):
        return record.standing_label

    # Set by the view: the employers of the page's rows that are not solvent today.
    not_solvent: set[int] = set()

    def render_valid_until(self, record, value):
        if not record.is_valid(timezone.localdate()):
            return format_html(
                '<span class="badge">{} · {}</span>', value.strftime("%d/%m/%Y"), _("Expired")
            )
        if record.employer_id in self.not_solvent:
            return format_html(
                '{} <span class="badge bad">{}</span>',
                value.strftime("%d/%m/%Y"),
                _("Employer no longer solvent"),
            )
        return value.strftime("%d/%m/%Y")

    def render_pdf(self, record):
        return format_html(
            '<a href="{}">PDF</a>', reverse("solvency:certificate_pdf", args=[record.pk])
        )
