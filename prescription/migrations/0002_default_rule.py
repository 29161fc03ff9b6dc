import datetime

from django.db import migrations

LEGAL_BASIS = (
    "SIN CONFIRMAR. El plazo de prescripción de las cotizaciones adeudadas no se ha "
    "confirmado en fuentes públicas; se supone de 10 años hasta que la Unidad Jurídica lo "
    "confirme con su base legal (ley del régimen, Código Civil o Código Tributario). "
    "Registre una regla nueva con la base legal confirmada."
)


def default_rule(apps, schema_editor):
    Rule = apps.get_model("prescription", "PrescriptionRule")
    if not Rule.objects.exists():
        Rule.objects.create(
            valid_from=datetime.date(1990, 1, 1), years=10, legal_basis=LEGAL_BASIS, confirmed=False
        )


class Migration(migrations.Migration):
    dependencies = [("prescription", "0001_initial")]

    operations = [migrations.RunPython(default_rule, migrations.RunPython.noop)]
