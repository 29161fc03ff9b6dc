"""JobRun (now in core) and LegalReferral (now in legal) leave recovery's state;
Branch moved to people. The tables were renamed by those apps' migrations."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0007_move_branch'),
        ('recovery', '0005_drop_referral_triggers'),
        ('legal', '0001_initial'),
        ('core', '0001_move_holiday_jobrun'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
            ],
            state_operations=[
                migrations.DeleteModel(
                    name='JobRun',
                ),
                migrations.RemoveField(
                    model_name='legalreferralevent',
                    name='pgh_obj',
                ),
                migrations.RemoveField(
                    model_name='legalreferralevent',
                    name='accepted_by',
                ),
                migrations.RemoveField(
                    model_name='legalreferralevent',
                    name='agreement',
                ),
                migrations.RemoveField(
                    model_name='legalreferralevent',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='legalreferralevent',
                    name='pgh_context',
                ),
                migrations.AlterField(
                    model_name='employersnapshot',
                    name='branch',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.branch'),
                ),
                migrations.AlterField(
                    model_name='recoverycase',
                    name='branch',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.branch', verbose_name='branch'),
                ),
                migrations.AlterField(
                    model_name='recoverycaseevent',
                    name='branch',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='people.branch', verbose_name='branch'),
                ),
                migrations.DeleteModel(
                    name='LegalReferral',
                ),
                migrations.DeleteModel(
                    name='LegalReferralEvent',
                ),
                ],
        ),
]
