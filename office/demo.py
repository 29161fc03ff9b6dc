"""Demo office work: a guideline half of the staff acknowledged and its earlier
version, a meeting with open action items (one overdue) and one done, a training on
this year's plan with its attendance and one still to come, an induction half way, an
agent's evaluation.
Made through the services the pages use. Never used in production."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from office import services
from office.models import Guideline, Training, staff_visible_to
from people.demo import demo_user
from people.roles import Role
from reporting.models import RecoveryPlan

PDF = b"%PDF-1.4\n% Documento de demostracion\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def seed_office() -> dict[str, int]:
    """Once: skipped when any guideline exists."""
    if Guideline.objects.exists():
        return {"skipped": 1}
    head = demo_user(Role.DEPARTMENT_HEAD)
    head_ss = demo_user(Role.BRANCH_HEAD, "SS")
    if not (head and head_ss):
        return {"skipped": 1}
    today = timezone.localdate()
    now = timezone.now()
    day = datetime.timedelta(days=1)
    staff = list(staff_visible_to(head))

    manual = services.guideline_publish(
        actor=head,
        upload=_pdf("manual-de-organizacion-v1.pdf"),
        kind="manual",
        title="Manual de Organización del Departamento",
        version="2025",
        summary="Funciones y estructura del Departamento de Recuperación Prejudicial.",
    )
    for person in staff:
        services.guideline_acknowledge(guideline=manual, actor=person)
    first = services.guideline_publish(
        actor=head,
        upload=_pdf("lineamiento-gestion-telefonica-v1.pdf"),
        kind="guideline",
        title="Lineamiento de gestión telefónica",
        version="1",
        summary="Toda promesa de pago se confirma por escrito al patrono.",
    )
    current = services.guideline_publish(
        actor=head,
        upload=_pdf("lineamiento-gestion-telefonica-v2.pdf"),
        kind="guideline",
        title="Lineamiento de gestión telefónica",
        version="2",
        summary=(
            "Primera llamada dentro de las 48 horas de abierto el caso; toda promesa de "
            "pago se confirma por escrito al patrono el mismo día."
        ),
        supersedes=first,
    )
    # Half of the staff has read the version in force.
    for person in staff[: len(staff) // 2]:
        services.guideline_acknowledge(guideline=current, actor=person)

    ss_staff = [p for p in staff if p.branch_id == head_ss.branch_id]
    owners = [p for p in ss_staff if p.pk != head_ss.pk] or [head_ss]
    meeting = services.meeting_record(
        actor=head,
        title="Seguimiento mensual del Plan Anual de Recuperación de Mora",
        held_on=today - 10 * day,
        place="Sala de reuniones, oficinas centrales",
        branch=None,
        minutes=(
            "1. Avance de la recuperación contra la meta del mes.\n"
            "2. Convenios próximos a incumplir.\n"
            "3. Remisiones pendientes a la Unidad Jurídica."
        ),
        attendees=[head, head_ss, *owners[:2]],
        actions=[
            {
                "what": "Contactar a los 20 patronos con mayor mora de la sucursal",
                "owner": owners[0],
                "due_on": today - 3 * day,
            },
            {
                "what": "Revisar los convenios con cuota vencida esta semana",
                "owner": head_ss,
                "due_on": today + 5 * day,
            },
            {
                "what": "Enviar el informe de remisiones del mes",
                "owner": head_ss,
                "due_on": today - 2 * day,
            },
        ],
    )
    done = meeting.action_items.get(what__startswith="Enviar")
    services.action_done(item=done, actor=head_ss, note="Enviado por correo al jefe.")

    plan = RecoveryPlan.objects.filter(year=today.year, status="approved").first()
    past = services.training_plan(
        actor=head,
        topic="Estrategias y políticas del Plan Anual de Recuperación de Mora",
        starts_at=now - 20 * day,
        place="Auditorio, oficinas centrales",
        online_link="",
        trainer="Jefatura del Departamento",
        plan=plan,
        upload=_pdf("plan-anual-presentacion.pdf"),
    )
    services.training_invite(training=past, actor=head)
    invited = [i.user_id for i in past.invitations.order_by("pk")]
    services.attendance_record(
        training=past, actor=head, present=invited[: max(1, len(invited) * 2 // 3)]
    )
    upcoming = services.training_plan(
        actor=head,
        topic="Convenios de pago: requisitos y seguimiento",
        starts_at=now + 7 * day,
        place="",
        online_link="https://reuniones.isss.example/convenios",
        trainer="Jefatura del Departamento",
        plan=plan,
    )
    services.training_invite(training=upcoming, actor=head, roles=[Role.AGENT])

    newcomer = owners[-1]
    induction = services.induction_start(user=newcomer, actor=head, started_on=today - 6 * day)
    for task in list(induction.tasks.all())[:3]:
        services.induction_tick(task=task, actor=head_ss, done=True)
    # One evaluation, of an agent of the branch, over the year to date.
    agent = next((p for p in owners if p.role == Role.AGENT), None)
    if agent is not None:
        # The year to date: this month's figures are those of the night before.
        services.evaluation_make(
            actor=head_ss,
            person=agent,
            first_month=today.replace(month=1, day=1),
            last_month=today.replace(day=1),
            ratings={"follow_up_quality": 4, "procedures": 4, "deadlines": 3, "teamwork": 5},
            overall=4,
            strengths="Gestiones constantes y bien documentadas; buen trato con los patronos.",
            improvements="Cerrar los acuerdos de reunión dentro del plazo.",
        )
    return {
        "guidelines": Guideline.objects.count(),
        "meetings": 1,
        "trainings": Training.objects.count(),
        "inductions": 1,
    }
