"""The holiday calendar and the nightly-job record move to core (from employers and
recovery): the tables are renamed, the rows stay; the content types follow so that
permissions granted on them stay granted."""

import django.utils.timezone
from django.db import migrations, models


from core.migrations_util import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("employers", "0007_load_holidays"),
        ("recovery", "0004_legal_event_kind"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE employers_holiday RENAME TO core_holiday",
                    "ALTER TABLE core_holiday RENAME TO employers_holiday",
                ),
                migrations.RunSQL(
                    "ALTER TABLE recovery_jobrun RENAME TO core_jobrun",
                    "ALTER TABLE core_jobrun RENAME TO recovery_jobrun",
                ),
            ],
            state_operations=[
        migrations.CreateModel(
            name='Holiday',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='date')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('kind', models.CharField(choices=[('national', 'National holiday'), ('institutional', 'Institutional closing day')], max_length=15, verbose_name='kind')),
            ],
            options={
                'verbose_name': 'holiday',
                'verbose_name_plural': 'holidays',
                'ordering': ['date'],
            },
        ),
        migrations.CreateModel(
            name='JobRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job', models.CharField(max_length=60, verbose_name='job')),
                ('run_date', models.DateField(verbose_name='run as of')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('counts', models.JSONField(blank=True, default=dict, verbose_name='counts')),
            ],
            options={
                'verbose_name': 'job run',
                'verbose_name_plural': 'job runs',
                'ordering': ['-run_date', 'job'],
                'constraints': [models.UniqueConstraint(fields=('job', 'run_date'), name='job_runs_once_a_date')],
            },
        ),
                ],
        ),
        move_content_types({"employers": ["holiday"], "recovery": ["jobrun"]}, to="core"),
    ]
