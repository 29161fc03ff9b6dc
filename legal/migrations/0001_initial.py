"""The Legal Unit's referrals move here from recovery (tables renamed, rows kept,
history triggers reinstalled, permissions kept through their content types); the
referral's own timeline is new."""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from core.migrations_util import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agreements', '0005_agreement_event_kinds'),
        ('pghistory', '0007_auto_20250421_0444'),
        ('recovery', '0005_drop_referral_triggers'),
        ('people', '0006_agreement_permissions'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE recovery_legalreferral RENAME TO legal_legalreferral",
                    "ALTER TABLE legal_legalreferral RENAME TO recovery_legalreferral",
                ),
                migrations.RunSQL(
                    "ALTER TABLE recovery_legalreferralevent RENAME TO legal_legalreferralevent",
                    "ALTER TABLE legal_legalreferralevent RENAME TO recovery_legalreferralevent",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='LegalReferral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'Pending acceptance'), ('accepted', 'Accepted'), ('returned', 'Returned to the department'), ('closed', 'Closed')], default='pending', max_length=10, verbose_name='status')),
                        ('referred_on', models.DateField(verbose_name='referred')),
                        ('debt', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='debt when referred')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('accepted_on', models.DateField(blank=True, null=True, verbose_name='accepted')),
                        ('returned_reason', models.TextField(blank=True, verbose_name='why it was returned')),
                        ('judicial_stage', models.CharField(blank=True, choices=[('preparation', 'Preparing the claim'), ('filed', 'Claim filed (proceso ejecutivo)'), ('served', 'Employer served'), ('seizure', 'Seizure (embargo)'), ('judgment', 'Judgment'), ('enforcement', 'Enforcement'), ('settled', 'Paid / settled')], max_length=12, verbose_name='judicial stage')),
                        ('amount_recovered', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='recovered')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('agreement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='agreements.paymentagreement')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='recovery.recoverycase')),
                    ],
                    options={
                        'verbose_name': 'legal referral',
                        'verbose_name_plural': 'legal referrals',
                        'ordering': ['-referred_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='LegalReferralEvent',
                    fields=[
                        ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                        ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                        ('pgh_label', models.TextField(help_text='The event label.')),
                        ('id', models.BigIntegerField()),
                        ('status', models.CharField(choices=[('pending', 'Pending acceptance'), ('accepted', 'Accepted'), ('returned', 'Returned to the department'), ('closed', 'Closed')], default='pending', max_length=10, verbose_name='status')),
                        ('referred_on', models.DateField(verbose_name='referred')),
                        ('debt', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='debt when referred')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('accepted_on', models.DateField(blank=True, null=True, verbose_name='accepted')),
                        ('returned_reason', models.TextField(blank=True, verbose_name='why it was returned')),
                        ('judicial_stage', models.CharField(blank=True, choices=[('preparation', 'Preparing the claim'), ('filed', 'Claim filed (proceso ejecutivo)'), ('served', 'Employer served'), ('seizure', 'Seizure (embargo)'), ('judgment', 'Judgment'), ('enforcement', 'Enforcement'), ('settled', 'Paid / settled')], max_length=12, verbose_name='judicial stage')),
                        ('amount_recovered', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14, verbose_name='recovered')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('accepted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                        ('agreement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='agreements.paymentagreement')),
                        ('case', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='recovery.recoverycase')),
                        ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                        ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='legal.legalreferral')),
                    ],
                    options={
                        'abstract': False,
                    },
                ),
                migrations.AddConstraint(
                    model_name='legalreferral',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'accepted'])), fields=('case',), name='one_open_referral_per_case'),
                ),
                migrations.AddConstraint(
                    model_name='legalreferral',
                    constraint=models.CheckConstraint(condition=models.Q(('amount_recovered__gte', 0)), name='referral_recovered_ge_0'),
                ),
            ],
        ),
        migrations.CreateModel(
            name='ReferralEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                ('before', models.CharField(blank=True, max_length=200, verbose_name='before')),
                ('after', models.CharField(blank=True, max_length=200, verbose_name='after')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('kind', models.CharField(choices=[('referred', 'Referred'), ('accepted', 'Accepted'), ('returned', 'Returned'), ('progress', 'Progress recorded')], max_length=12, verbose_name='kind')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='timeline', to='legal.legalreferral')),
            ],
            options={
                'verbose_name': 'referral event',
                'verbose_name_plural': 'referral events',
                'ordering': ['-at', '-id'],
                'abstract': False,
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='legalreferral',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "legal_legalreferralevent" ("accepted_by_id", "accepted_on", "agreement_id", "amount_recovered", "case_id", "debt", "id", "judicial_stage", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "referred_on", "returned_reason", "status") SELECT new_values."accepted_by_id", new_values."accepted_on", new_values."agreement_id", new_values."amount_recovered", new_values."case_id", new_values."debt", new_values."id", new_values."judicial_stage", new_values."notes", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."reason", new_values."referred_on", new_values."returned_reason", new_values."status" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='de081a0286f78512ffbde896f8f33e1b8f8562fb', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_1f4df', referencing='REFERENCING NEW TABLE AS new_values ', table='legal_legalreferral', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='legalreferral',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "legal_legalreferralevent" ("accepted_by_id", "accepted_on", "agreement_id", "amount_recovered", "case_id", "debt", "id", "judicial_stage", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "referred_on", "returned_reason", "status") SELECT new_values."accepted_by_id", new_values."accepted_on", new_values."agreement_id", new_values."amount_recovered", new_values."case_id", new_values."debt", new_values."id", new_values."judicial_stage", new_values."notes", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."reason", new_values."referred_on", new_values."returned_reason", new_values."status" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='4645f0b7c8537c715ec04a4560ea3dc83c5ff0b4', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_da588', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='legal_legalreferral', when='AFTER')),
        ),
            move_content_types({"recovery": ["legalreferral", "legalreferralevent"]}, to="legal"),
]
