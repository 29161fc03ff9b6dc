from django.db import migrations

CITIES = {
    "SS": "San Salvador",
    "SA": "Santa Ana",
    "SO": "Sonsonate",
    "SM": "San Miguel",
    "US": "Usulután",
    "AP": "Apopa",
}


def fill(apps, schema_editor):
    Branch = apps.get_model("people", "Branch")
    for code, city in CITIES.items():
        Branch.objects.filter(code=code, city="").update(city=city)


class Migration(migrations.Migration):
    dependencies = [("people", "0009_branch_city")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
