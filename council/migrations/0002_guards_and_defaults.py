"""The database's own guard that a request never asks to waive more than the period
owes, and the department's starting checklist and draft templates (editable in the
admin afterwards)."""

from django.db import migrations

WITHIN_PERIOD = """
CREATE FUNCTION council_request_period_within() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM employers_contributionperiod p
                WHERE p.id = NEW.period_id
                  AND (NEW.fines > p.fines OR NEW.surcharges > p.surcharges)) THEN
        RAISE EXCEPTION 'council: the waiver asked exceeds what period % owes', NEW.period_id
              USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER council_request_period_within
    BEFORE INSERT OR UPDATE OF fines, surcharges, period_id ON council_requestperiod
    FOR EACH ROW EXECUTE FUNCTION council_request_period_within();
CREATE FUNCTION council_waiver_within() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM employers_contributionperiod p
                WHERE p.id = NEW.period_id
                  AND (NEW.fines > p.fines OR NEW.surcharges > p.surcharges)) THEN
        RAISE EXCEPTION 'council: the waiver exceeds what period % owes', NEW.period_id
              USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER council_waiver_within
    BEFORE INSERT OR UPDATE OF fines, surcharges, period_id ON council_waiver
    FOR EACH ROW EXECUTE FUNCTION council_waiver_within();
"""

DROP = """
DROP TRIGGER council_waiver_within ON council_waiver;
DROP FUNCTION council_waiver_within();
DROP TRIGGER council_request_period_within ON council_requestperiod;
DROP FUNCTION council_request_period_within();
"""

SETTLEMENT_DOCUMENTS = [
    "Carta de solicitud firmada por el patrono o su representante legal",
    "Credencial o poder del representante legal",
    "NIT del patrono y DUI del representante legal",
    "Comprobante de pago de las cotizaciones",
    "Estado de cuenta patronal a la fecha",
]
DISCHARGE_DOCUMENTS = [
    "Estado de cuenta patronal sin saldo",
    "Constancia de cumplimiento del convenio de pago o de los pagos",
]

SETTLEMENT_TEXT = """ANTEPROYECTO DE ACUERDO

El Consejo Directivo del Instituto Salvadoreño del Seguro Social, CONSIDERANDO:

I. Que el patrono {patrono}, número patronal {numero_patronal}, NIT {nit}, presentó el {fecha_recibida} solicitud de pago por transacción número {numero_solicitud}, ofreciendo pagar las cotizaciones adeudadas ({contribuciones}) {forma_pago}.

II. Que el Departamento de Recuperación Prejudicial verificó la documentación presentada y el estado de cuenta patronal de los períodos siguientes:
{periodos}

III. Que las multas ({multas}) y recargos ({recargos}) causados en dichos períodos suman {total_exonerado} ({total_exonerado_letras}).

POR TANTO, ACUERDA: Exonerar al patrono {patrono} del pago de multas y recargos por un total de {total_exonerado} ({total_exonerado_letras}), condicionado al pago de las cotizaciones en los términos ofrecidos; y encomendar al Departamento de Recuperación Prejudicial su aplicación en la cuenta patronal.
"""

DISCHARGE_TEXT = """ANTEPROYECTO DE ACUERDO DE DESCARGO

El Consejo Directivo del Instituto Salvadoreño del Seguro Social, CONSIDERANDO:

I. Que el patrono {patrono}, número patronal {numero_patronal}, NIT {nit}, ha cumplido sus compromisos de pago con el Instituto según consta en la solicitud número {numero_solicitud}.

II. Que el Departamento de Recuperación Prejudicial verificó que la cuenta patronal no presenta saldo en mora.

POR TANTO, ACUERDA: Autorizar el descargo del patrono {patrono} de los registros de mora del Departamento de Recuperación Prejudicial.
"""


def load(apps, schema_editor):
    DocumentType = apps.get_model("council", "DocumentType")
    DraftTemplate = apps.get_model("council", "DraftTemplate")
    for kind, names in (("settlement", SETTLEMENT_DOCUMENTS), ("discharge", DISCHARGE_DOCUMENTS)):
        for order, name in enumerate(names, start=1):
            DocumentType.objects.get_or_create(name=name, defaults={"kind": kind, "order": order})
    DraftTemplate.objects.get_or_create(kind="settlement", defaults={"text": SETTLEMENT_TEXT})
    DraftTemplate.objects.get_or_create(kind="discharge", defaults={"text": DISCHARGE_TEXT})


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial")]

    operations = [
        migrations.RunSQL(WITHIN_PERIOD, DROP),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
