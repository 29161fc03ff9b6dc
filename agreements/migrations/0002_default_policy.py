"""A starting agreement policy; the administrator adapts it (with its dates) in the admin."""

import datetime
from decimal import Decimal

from django.db import migrations

TIERS = [("1000.00", 6), ("10000.00", 12), ("50000.00", 24), ("999999999999.99", 36)]


def load(apps, schema_editor):
    Policy = apps.get_model("agreements", "AgreementPolicy")
    Tier = apps.get_model("agreements", "PolicyTier")
    policy, created = Policy.objects.get_or_create(
        name="Política general de convenios",
        defaults={
            "valid_from": datetime.date(2000, 1, 1),
            "min_down_payment_pct": Decimal("10.00"),
            "grace_days": 5,
            "approval_threshold": Decimal("5000.00"),
            "approver": "branch_head",
            "breach_installments": 2,
            "breach_days": 60,
            "breach_on_new_arrears": True,
            "warning_days": 3,
            "allocation_order": "period_first",
        },
    )
    if created:
        for up_to, count in TIERS:
            Tier.objects.create(policy=policy, up_to_debt=Decimal(up_to), max_installments=count)


def unload(apps, schema_editor):
    apps.get_model("agreements", "AgreementPolicy").objects.filter(
        name="Política general de convenios"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
