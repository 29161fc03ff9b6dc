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


def seed_strategies() -> dict[str, int]:
    """A challenger under test before the first night opens the demo's cases, so that
    the draw gives it its share of them: the champion's ladder with a visit by the
    agent instead of the reminder call. Once: skipped when any challenger exists."""
    from recovery import strategies
    from recovery.models import Strategy, StrategyAction, StrategyRole

    if Strategy.objects.exclude(role=StrategyRole.CHAMPION).exists():
        return {"skipped": 1}
    head = User.objects.filter(groups__name=Role.DEPARTMENT_HEAD.value).order_by("pk").first()
    if head is None:
        return {"skipped": 1}
    challenger = strategies.challenger_start(
        actor=head,
        name="Visita temprana",
        share=30,
        notes="La visita del gestor en lugar de la llamada de recordatorio, antes de las cartas.",
        reason="Probar si la visita temprana mejora el contacto y los convenios.",
    )
    first = challenger.levels.order_by("order").first()
    if first is not None:
        strategies.level_save(
            actor=head,
            strategy=challenger,
            level=first,
            data={"name": "Visita del gestor", "action": StrategyAction.VISIT, "letter": ""},
            reason="Una visita en lugar de la llamada: el patrono atiende en persona.",
        )
    return {"challenger": 1}
