"""Branch (now in people) and Holiday (now in core) leave employers' state; the
tables were renamed by those apps' migrations."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0006_branch_moved'),
        ('employers', '0008_drop_branch_triggers'),
        ('people', '0007_move_branch'),
        ('core', '0001_move_holiday_jobrun'),
        ('recovery', '0006_models_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='employer',
                    name='branch',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='employers', to='people.branch', verbose_name='branch'),
                ),
                migrations.AlterField(
                    model_name='employerevent',
                    name='branch',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='people.branch', verbose_name='branch'),
                ),
                migrations.RemoveField(
                    model_name='branchevent',
                    name='pgh_obj',
                ),
                migrations.RemoveField(
                    model_name='branchevent',
                    name='pgh_context',
                ),
                migrations.DeleteModel(
                    name='Holiday',
                ),
                migrations.DeleteModel(
                    name='Branch',
                ),
                migrations.DeleteModel(
                    name='BranchEvent',
                ),
                ],
        ),
]
