"""Demo correspondence: letters received due and overdue, one answered and sent, one
closed, a request to another unit awaiting its answer. Made through the services the
pages use. Never used in production."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from correspondence import services
from correspondence.models import CorrespondenceItem, ResponseTemplate
from people.demo import demo_user
from people.roles import Role
from recovery.models import RecoveryCase

PDF = b"%PDF-1.4\n% Nota de demostracion\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed_correspondence() -> dict[str, int]:
    """Once: skipped when any item exists."""
    if CorrespondenceItem.objects.exists():
        return {"skipped": 1}
    secretary, head = demo_user(Role.SECRETARY), demo_user(Role.DEPARTMENT_HEAD)
    head_ss = demo_user(Role.BRANCH_HEAD, "SS")
    if not (secretary and head and head_ss):
        return {"skipped": 1}
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    case = RecoveryCase.objects.filter(branch=head_ss.branch).order_by("pk").first()

    def register(**fields):
        return services.item_register(actor=secretary, **fields)

    overdue = register(
        reference="UA-2026-0412",
        counterpart="Unidad de Afiliación e Inscripción",
        subject="Estado de cuenta del patrono para trámite de inscripción",
        dated_on=today - 20 * day,
        deadline=today - 5 * day,
        case=case,
        upload=SimpleUploadedFile("nota-ua.pdf", PDF, content_type="application/pdf"),
    )
    services.item_assign(item=overdue, assignee=head_ss, actor=head)
    due = register(
        reference="MINTRAB-DGIT-1187",
        sender_kind="external",
        counterpart="Ministerio de Trabajo y Previsión Social",
        subject="Consulta sobre cotizaciones en mora de una empresa inspeccionada",
        dated_on=today - 3 * day,
        deadline=today + 2 * day,
    )
    services.item_assign(item=due, assignee=head, actor=head)
    register(
        reference="DIV-ARBE-2026-301",
        counterpart="Jefatura de División de Aseguramiento, Recaudación y Beneficios Económicos",
        subject="Informe de avance del Plan Anual de Recuperación de Mora",
        dated_on=today - day,
        deadline=today + 10 * day,
    )
    answered = register(
        reference="UJ-2026-0098",
        counterpart="Unidad Jurídica",
        subject="Confirmación de saldo de un patrono remitido",
        dated_on=today - 12 * day,
        deadline=today - 2 * day,
    )
    services.item_assign(item=answered, assignee=head, actor=head)
    template = ResponseTemplate.objects.get(name="Respuesta a nota recibida")
    services.response_draft(
        item=answered, actor=head, body=services.template_text(template, answered)
    )
    services.item_dispatch(item=answered, actor=secretary, sent_on=today - 3 * day)
    services.item_close(item=answered, actor=secretary, note="Entregada con acuse de recibo.")
    request = register(
        direction="outgoing",
        counterpart="Unidad de Afiliación e Inscripción",
        subject="Documentación base del patrono (escritura y credencial del representante)",
        dated_on=today - 6 * day,
        deadline=today + 4 * day,
        case=case,
    )
    services.item_assign(item=request, assignee=head_ss, actor=head)
    request_template = ResponseTemplate.objects.get(name="Solicitud a otra unidad")
    services.response_draft(
        item=request, actor=head_ss, body=services.template_text(request_template, request)
    )
    services.item_dispatch(item=request, actor=secretary, sent_on=today - 6 * day)
    return {"items": CorrespondenceItem.objects.count()}
