"""Branch moves down beside the users (from employers): tables renamed, rows kept,
its history triggers reinstalled under the new name."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

from core.migrations_util import move_content_types


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0006_agreement_permissions'),
        ('employers', '0008_drop_branch_triggers'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE employers_branch RENAME TO people_branch",
                    "ALTER TABLE people_branch RENAME TO employers_branch",
                ),
                migrations.RunSQL(
                    "ALTER TABLE employers_branchevent RENAME TO people_branchevent",
                    "ALTER TABLE people_branchevent RENAME TO employers_branchevent",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='Branch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=4, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ],
                    options={
                        'verbose_name': 'branch',
                        'verbose_name_plural': 'branches',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='BranchEvent',
                    fields=[
                        ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                        ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                        ('pgh_label', models.TextField(help_text='The event label.')),
                        ('id', models.BigIntegerField()),
                        ('code', models.CharField(max_length=4, verbose_name='code')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ],
                    options={
                        'abstract': False,
                    },
                ),
                migrations.AlterField(
                    model_name='user',
                    name='branch',
                    field=models.ForeignKey(blank=True, help_text='Required for branch heads and collection agents.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='people.branch', verbose_name='branch'),
                ),
                migrations.AlterField(
                    model_name='userevent',
                    name='branch',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='Required for branch heads and collection agents.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='people.branch', verbose_name='branch'),
                ),
                migrations.AddField(
                    model_name='branchevent',
                    name='pgh_context',
                    field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
                ),
                migrations.AddField(
                    model_name='branchevent',
                    name='pgh_obj',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='people.branch'),
                ),
                ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='branch',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "people_branchevent" ("code", "id", "is_active", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") SELECT new_values."code", new_values."id", new_values."is_active", new_values."name", _pgh_attached_context.value, NOW(), \'insert\', new_values."id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='8effa8d081617b505a313f5bc2bf20b3ddbc50c4', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_7a7c9', referencing='REFERENCING NEW TABLE AS new_values ', table='people_branch', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='branch',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "people_branchevent" ("code", "id", "is_active", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") SELECT new_values."code", new_values."id", new_values."is_active", new_values."name", _pgh_attached_context.value, NOW(), \'update\', new_values."id" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='8c369b9f28654096cb8e3d4c6643d15090168fcd', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_adf98', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='people_branch', when='AFTER')),
        ),
        move_content_types({"employers": ["branch", "branchevent"]}, to="people"),
]
