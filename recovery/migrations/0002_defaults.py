"""Defaults an administrator can change: the opening rule, the strategy levels and
the base documents of a case file."""

import datetime
from decimal import Decimal

from django.db import migrations

LEVELS = [
    # order, name, from days late, action, letter
    (1, "Llamada de recordatorio", 15, "call", ""),
    (2, "Primer requerimiento de pago", 30, "letter", "first_demand"),
    (3, "Segundo requerimiento de pago", 60, "letter", "second_demand"),
    (4, "Aviso final", 90, "letter", "final_notice"),
    (5, "Propuesta de remisión a la Unidad Jurídica", 120, "referral_proposal", ""),
]
DOCUMENTS = [
    "Estado de cuenta patronal",
    "Requerimientos de pago entregados",
    "Escritura de constitución o DUI del patrono",
    "Credencial del representante legal",
    "Constancia de notificación",
]


def load(apps, schema_editor):
    Rule = apps.get_model("recovery", "CaseOpeningRule")
    Level = apps.get_model("recovery", "StrategyLevel")
    Requirement = apps.get_model("recovery", "DocumentRequirement")
    Rule.objects.get_or_create(
        valid_from=datetime.date(2000, 1, 1),
        defaults={"min_arrears": Decimal("100.00"), "min_days_late": 15},
    )
    for order, name, days, action, letter in LEVELS:
        Level.objects.get_or_create(
            order=order,
            defaults={"name": name, "min_days_late": days, "action": action, "letter": letter},
        )
    for order, name in enumerate(DOCUMENTS, start=1):
        Requirement.objects.get_or_create(name=name, defaults={"order": order})


def unload(apps, schema_editor):
    for model in ("DocumentRequirement", "StrategyLevel", "CaseOpeningRule"):
        apps.get_model("recovery", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("recovery", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
