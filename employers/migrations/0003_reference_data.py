"""Branches, departments and municipalities; editable in the admin afterwards.

Municipality codes are the department code followed by a two-digit sequence in the
order of the 2024 law; the 262 districts are not loaded yet.
"""

import csv
from pathlib import Path

from django.db import migrations

BRANCHES = [
    ("SS", "Oficina Central Administrativa (San Salvador)"),
    ("SA", "Santa Ana"),
    ("SO", "Sonsonate"),
    ("SM", "San Miguel"),
    ("US", "Usulután"),
    ("AP", "Agencia Plaza Mundo Apopa"),
]
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Branch = apps.get_model("employers", "Branch")
    Department = apps.get_model("employers", "Department")
    Municipality = apps.get_model("employers", "Municipality")
    for code, name in BRANCHES:
        Branch.objects.update_or_create(code=code, defaults={"name": name})
    with DATA_FILE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            department, _ = Department.objects.update_or_create(
                code=row["department_code"], defaults={"name": row["department_name"]}
            )
            Municipality.objects.update_or_create(
                code=row["municipality_code"],
                defaults={"name": row["municipality_name"], "department": department},
            )


def unload(apps, schema_editor):
    apps.get_model("employers", "Municipality").objects.all().delete()
    apps.get_model("employers", "Department").objects.all().delete()
    apps.get_model("employers", "Branch").objects.filter(
        code__in=[code for code, _ in BRANCHES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("employers", "0002_initial")]

    operations = [migrations.RunPython(load, unload)]
