"""Branch moved to people: the foreign keys follow in the state only (same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0005_agreement_event_kinds'),
        ('people', '0007_move_branch'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='paymentagreement',
                    name='branch',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.branch'),
                ),
                migrations.AlterField(
                    model_name='paymentagreementevent',
                    name='branch',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='people.branch'),
                ),
                ],
        ),
]
