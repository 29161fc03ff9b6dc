"""El Salvador's national holidays from python-holidays (Spanish names), 2000-2040."""

from django.db import migrations


def load(apps, schema_editor):
    import holidays

    Holiday = apps.get_model("employers", "Holiday")
    calendar = holidays.SV(years=range(2000, 2041), language="es")
    Holiday.objects.bulk_create(
        [Holiday(date=day, name=name[:120], kind="national") for day, name in calendar.items()],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("employers", "Holiday").objects.filter(kind="national").delete()


class Migration(migrations.Migration):
    dependencies = [("employers", "0006_holidays")]

    operations = [migrations.RunPython(load, unload)]
