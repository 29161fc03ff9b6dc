import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The employer's branch loses its own index: employer_branch_name_idx (branch, legal
    name) leads with the same column. Only the index is dropped (Django's AlterField
    would also drop and re-validate the foreign key)."""

    dependencies = [
        ("employers", "0016_employer_relations"),
        ("people", "0011_text_limits"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="employer",
                    name="branch",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="employers",
                        to="people.branch",
                        verbose_name="branch",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "employers_employer_branch_id_fe9ba2ac"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "employers_employer_branch_id_fe9ba2ac"'
                    ' ON "employers_employer" ("branch_id")',
                ),
            ],
        ),
    ]
