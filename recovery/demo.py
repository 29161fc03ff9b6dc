"""Demo background jobs (core.background), so that *Trabajos* is not empty on a first
look: a batch of demand letters an agent printed (done, its PDF kept) and an arrears
file the department head uploaded that was refused (failed, with the reason). Made
through the same services the pages use. Never used in production."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import BackgroundJob
from employers import services as employer_services
from people.models import User
from people.roles import Role
from recovery import services
from recovery.models import CaseStatus, LetterKind, RecoveryCase


def seed_background_jobs() -> dict[str, int]:
    """Once: skipped when any background job exists."""
    if BackgroundJob.objects.exists():
        return {"skipped": 1}
    made = 0
    agent = User.objects.filter(username="gestor.ss").first()
    if agent is not None:
        cases = list(
            RecoveryCase.objects.with_debt()
            .filter(agent=agent, status=CaseStatus.OPEN)
            .order_by("-debt")[:3]
        )
        if cases:
            services.demand_letters_start(
                cases=cases, actor=agent, letter=LetterKind.FIRST_DEMAND, deadline_days=8
            )
            made += 1
    head = User.objects.filter(groups__name=Role.DEPARTMENT_HEAD.value).first()
    if head is not None:
        # Saved from a spreadsheet in the wrong encoding: refused with line and column.
        content = (
            b"numero_patronal;nit;razon_social;sucursal;periodo;fecha_vencimiento;"
            b"cuota_patronal;cuota_laboral;multa;recargo;pagado\r\n"
            b"300400500;0614-050707-104-8;Caf\x81 Volcan;SA;2026-03;14/04/2026;150;60;0;0;0\r\n"
        )
        upload = SimpleUploadedFile("mora-marzo.csv", content, content_type="text/csv")
        # A refusal before any job (type, size) would leave nothing to show.
        with contextlib.suppress(ValidationError):
            employer_services.arrears_import_upload(upload=upload, actor=head)
            made += 1
    return {"background_jobs": made}
