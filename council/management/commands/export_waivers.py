from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.exports import safe_cell
from council.exports import waiver_rows


class Command(BaseCommand):
    help = (
        "Write the file of waivers for the employer account system: waivers approved "
        "and not applied (EXONERACION) and waivers revoked after it applied them "
        "(REVOCACION)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--output", type=Path, help="file to write (default: standard output, CSV only)"
        )

    def handle(self, *args, format: str, output: Path | None, **options):
        import csv

        with translation.override(settings.LANGUAGE_CODE):
            rows = [[safe_cell(value) for value in row] for row in waiver_rows()]
            if format == "xlsx":
                if output is None:
                    raise CommandError(_("An XLSX file needs --output."))
                from openpyxl import Workbook

                workbook = Workbook(write_only=True)
                sheet = workbook.create_sheet("exoneraciones")
                for row in rows:
                    sheet.append(row)
                workbook.save(output)
            elif output is None:
                csv.writer(self.stdout).writerows(rows)
            else:
                with output.open("w", newline="", encoding="utf-8-sig") as handle:
                    csv.writer(handle).writerows(rows)
            if output is not None:
                self.stderr.write(
                    _("%(count)s waivers written to %(file)s.")
                    % {"count": len(rows) - 1, "file": output}
                )
