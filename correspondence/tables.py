import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from correspondence.models import CorrespondenceItem


class ItemTable(tables.Table):
    subject = tables.Column(
        verbose_name=_("Subject"), linkify=("correspondence:item_detail", {"pk": tables.A("pk")})
    )
    direction = tables.Column(verbose_name=_("Kind"))
    counterpart = tables.Column(verbose_name=_("Unit or body"))
    dated_on = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    deadline = tables.DateColumn(verbose_name=_("Due"), format="d/m/Y", default="—")
    assigned_to = tables.Column(verbose_name=_("Assigned to"), default="—")
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = CorrespondenceItem
        fields = [
            "deadline",
            "subject",
            "direction",
            "counterpart",
            "dated_on",
            "assigned_to",
            "status",
        ]
        order_by = ["deadline"]
        empty_text = _("No correspondence matches these filters.")

    def render_assigned_to(self, value):
        return value.display_name

    def render_deadline(self, record, value):
        if record.is_overdue(timezone.localdate()):
            return format_html('<span class="badge bad">{}</span>', value.strftime("%d/%m/%Y"))
        return value.strftime("%d/%m/%Y")

    def render_subject(self, record, value):
        if record.reference:
            return format_html('{}<br><span class="muted">{}</span>', value, record.reference)
        return value
