"""Payments import: `manage.py import_payments FILE`, the bank's file of receipts.

Every valid row is posted; every row that cannot be is listed with its line, column,
value and reason, and the others are not lost with it (one employer's bad row must not
leave the other employers' installments unpaid, to go overdue and breach). The file is
read in one transaction: killed half-way, it posts nothing, and run again it posts
every row once. Idempotent by receipt number: a receipt already recorded with the same
agreement, date and amount is skipped; with other data it is listed as an error.
`dry_run` checks every row and posts nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Payment, PaymentAgreement
from agreements.payments import payment_record
from core.money import MAX_AMOUNT
from core.tabular import ImportFileError, RowError, parse_date, read_rows, sniff_format

logger = logging.getLogger(__name__)

COLUMNS = ["numero_recibo", "convenio", "fecha_pago", "monto"]


@dataclass
class PaymentImportResult:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _DryRun(Exception):
    pass


def _rows(path: Path):
    return read_rows(path, sniff_format(path, COLUMNS))


def import_payments(*, path: Path, actor=None, dry_run: bool = False) -> PaymentImportResult:
    """Post every valid row of a payments file; ImportFileError (logged) when the file as a
    whole cannot be read, and then nothing is posted."""
    try:
        return _import(path, actor, dry_run)
    except ImportFileError as exc:
        logger.warning("Payments file %s refused: %s", path.name, exc)
        raise


def _import(path: Path, actor, dry_run: bool) -> PaymentImportResult:
    result = PaymentImportResult()
    try:
        with transaction.atomic():
            for line, row in _rows(path):
                result.rows += 1
                # Each row in its own savepoint (payment_record's): a refused row
                # leaves nothing behind and the next one goes on.
                error = _import_row(line, row, actor, result)
                if error:
                    result.errors.append(error)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _import_row(line: int, row: dict, actor, result: PaymentImportResult) -> RowError | None:
    receipt = row["numero_recibo"]
    if not receipt:
        return RowError(line, "numero_recibo", receipt, _("Required."))
    if not row["convenio"].isdigit():
        return RowError(
            line, "convenio", row["convenio"], _("The agreement number has only digits.")
        )
    agreement = PaymentAgreement.objects.filter(pk=int(row["convenio"])).first()
    if agreement is None:
        return RowError(line, "convenio", row["convenio"], _("No agreement has this number."))
    try:
        paid_on = parse_date(row["fecha_pago"])
    except ValidationError as exc:
        return RowError(line, "fecha_pago", row["fecha_pago"], " ".join(exc.messages))
    try:
        amount = Decimal(row["monto"])
        if amount != amount.quantize(Decimal("0.01")) or amount <= 0:
            raise InvalidOperation
        if amount > MAX_AMOUNT:
            return RowError(
                line,
                "monto",
                row["monto"],
                _("The amount is larger than any payment can be (at most %(max)s).")
                % {"max": f"{MAX_AMOUNT:,}"},
            )
    except InvalidOperation:
        return RowError(
            line,
            "monto",
            row["monto"],
            _("Not a valid amount: digits with a dot for decimals, e.g. 1234.56."),
        )
    existing = Payment.objects.filter(receipt_number=receipt).first()
    if existing is not None:
        same = (existing.agreement_id, existing.paid_on, existing.amount) == (
            agreement.pk,
            paid_on,
            amount,
        )
        if same:
            result.unchanged += 1
            return None
        return RowError(
            line,
            "numero_recibo",
            receipt,
            _("This receipt is already recorded with another agreement, date or amount."),
        )
    try:
        with transaction.atomic():
            payment_record(
                agreement=agreement,
                actor=actor,
                receipt_number=receipt,
                paid_on=paid_on,
                amount=amount,
            )
    except ValidationError as exc:
        return RowError(line, "", receipt, " ".join(exc.messages))
    result.created += 1
    return None
