from decimal import Decimal

from django.db import migrations


def set_limit(apps, schema_editor):
    apps.get_model("agreements", "AgreementPolicy").objects.filter(
        name="Política general de convenios", head_approval_threshold__isnull=True
    ).update(head_approval_threshold=Decimal("25000.00"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_head_approval_threshold")]

    operations = [migrations.RunPython(set_limit, migrations.RunPython.noop)]
