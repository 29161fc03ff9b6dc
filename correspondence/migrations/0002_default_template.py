from django.db import migrations

BODY = """Estimados señores de {remitente}:

En atención a su nota con referencia {referencia} del {fecha}, sobre «{asunto}», el
Departamento de Recuperación Prejudicial les informa lo siguiente:

[Escriba aquí la respuesta.]

Patrono: {patrono} (número patronal {numero_patronal}).

Atentamente,"""

REQUEST = """Estimados señores de {remitente}:

Para continuar la gestión de cobro prejudicial del patrono {patrono} (número patronal
{numero_patronal}), solicitamos su colaboración con lo siguiente: «{asunto}».

Agradeceremos su respuesta a más tardar el {fecha_limite}.

Atentamente,"""


def load(apps, schema_editor):
    Template = apps.get_model("correspondence", "ResponseTemplate")
    Template.objects.get_or_create(name="Respuesta a nota recibida", defaults={"body": BODY})
    Template.objects.get_or_create(name="Solicitud a otra unidad", defaults={"body": REQUEST})


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
