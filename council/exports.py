"""The file of waivers for the employer account system: what it must enter (waivers
approved and not applied) and what it must undo (waivers revoked after it applied
them). `python manage.py export_waivers` and the waivers page write the same rows."""

from collections.abc import Iterator

from django.db.models import QuerySet

from council.models import Waiver, WaiverStatus

HEADER = [
    "movimiento",
    "numero_patronal",
    "nit",
    "periodo",
    "multas",
    "recargos",
    "acuerdo",
    "fecha_acuerdo",
    "solicitud",
]


def waivers_to_export() -> QuerySet:
    return (
        Waiver.objects.outstanding()
        .select_related("period__employer", "request")
        .order_by("period__employer__employer_number", "period__period", "pk")
    )


def waiver_rows(queryset: QuerySet | None = None) -> Iterator[list]:
    """The header, then one row per waiver: EXONERACION to enter, REVOCACION to undo."""
    yield HEADER
    for waiver in (queryset if queryset is not None else waivers_to_export()).iterator(
        chunk_size=2000
    ):
        employer = waiver.period.employer
        yield [
            "EXONERACION" if waiver.status == WaiverStatus.PENDING else "REVOCACION",
            employer.employer_number,
            employer.nit,
            waiver.period.period.strftime("%Y-%m"),
            waiver.fines,
            waiver.surcharges,
            waiver.request.resolution_number,
            waiver.request.resolution_date,
            waiver.request.number,
        ]
