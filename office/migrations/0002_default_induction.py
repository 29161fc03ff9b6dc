from django.db import migrations

# The induction plan of a new collection staff member, as the department runs it; the
# head adds, reorders or retires steps in the admin.
STEPS = [
    ("Bienvenida y presentación al equipo del departamento", ""),
    ("Lectura del Manual de Organización y de los lineamientos vigentes", ""),
    ("Plan Anual de Recuperación de Mora: metas, estrategias y políticas", ""),
    ("Procedimiento de gestión de cobro prejudicial y niveles de estrategia", ""),
    ("Convenios de pago: condiciones, requisitos e incumplimiento", ""),
    ("Uso de Recupera: cola de trabajo, casos, gestiones y promesas", ""),
    ("Acompañamiento en gestiones con un gestor con experiencia", ""),
]


def load(apps, schema_editor):
    InductionItem = apps.get_model("office", "InductionItem")
    for order, (title, description) in enumerate(STEPS, start=1):
        InductionItem.objects.get_or_create(
            title=title, defaults={"description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("office", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
