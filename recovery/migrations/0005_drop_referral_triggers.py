"""Before LegalReferral moves to legal: drop its history triggers while the table
still has its old name (legal's migration installs them again under the new one)."""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("recovery", "0004_legal_event_kind")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="legalreferral", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="legalreferral", name="update_update"),
    ]
