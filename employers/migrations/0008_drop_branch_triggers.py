"""Before Branch moves to people: drop its history triggers while the table still has
its old name (people's migration installs them again under the new one)."""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("employers", "0007_load_holidays")]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="branch", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="branch", name="update_update"),
    ]
