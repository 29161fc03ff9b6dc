from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from agreements.imports import import_payments
from core.tabular import ImportFileError


class Command(BaseCommand):
    help = "Import agreement payments (numero_recibo, convenio, fecha_pago, monto)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if not file.is_file():
                raise CommandError(_("File not found: %(file)s") % {"file": file})
            try:
                result = import_payments(path=file, dry_run=dry_run)
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            done = _(
                "%(rows)s rows: %(created)s payments recorded, %(unchanged)s already recorded."
            )
            if dry_run:
                done = _(
                    "Dry run, nothing recorded. %(rows)s rows: %(created)s payments would "
                    "be recorded, %(unchanged)s already recorded."
                )
            self.stdout.write(
                done
                % {"rows": result.rows, "created": result.created, "unchanged": result.unchanged}
            )
            if not result.ok:
                self.stderr.write(
                    _("%(count)s rows could not be posted; the others were:")
                    % {"count": len(result.errors)}
                )
                for error in result.errors:
                    self.stderr.write(
                        _("line %(line)s, column %(column)s, value %(value)r: %(reason)s")
                        % {
                            "line": error.line,
                            "column": error.column or "-",
                            "value": error.value,
                            "reason": error.reason,
                        }
                    )
                raise SystemExit(1)
