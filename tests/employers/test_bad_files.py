"""Files that are not what they claim (issue 10, items 1 to 3): each gets a clear message,
never a 500 or a traceback; the stored upload goes and the attempt is logged."""

import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core import tabular
from employers.imports import COLUMNS, ImportFileError
from employers.models import ArrearsImport, ContributionPeriod

GOOD_ROW = (
    "100200300;0614-050707-104-8;Panadería El Trigal;SS;2026-01;13/02/2026;750.00;300.00;0;37.50;0"
)


def arrears_bytes(*rows: bytes) -> bytes:
    header = ";".join(COLUMNS).encode()
    return b"\r\n".join([header, *rows]) + b"\r\n"


def undefined_byte_file() -> bytes:
    # Line 3's legal name carries 0x81, which Windows-1252 does not define (and which
    # is not UTF-8 on its own).
    good = GOOD_ROW.encode("cp1252")
    bad = good.replace("Panadería".encode("cp1252"), b"Panader\x81a").replace(
        b"2026-01", b"2026-02"
    )
    return arrears_bytes(good, bad)


def upload(client, content: bytes, name="mora.csv"):
    return client.post(
        reverse("employers:import_upload"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def stored_uploads(media_root) -> list:
    folder = media_root / "imports"
    return list(folder.iterdir()) if folder.exists() else []


def bomb_xlsx(tmp_path, member: str, size: int) -> bytes:
    """A valid workbook with one member that unpacks to `size` bytes of one letter."""
    workbook = openpyxl.Workbook()
    workbook.active.append(COLUMNS)
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    target = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != member:
                dst.writestr(item, src.read(item.filename))
        dst.writestr(member, b"<sst>" + b"a" * size + b"</sst>")
    return target.read_bytes()


BAD_FILES = {
    "random_bytes": lambda tmp_path: os.urandom(256 * 1024) + b"\x00",
    "undefined_byte": lambda tmp_path: undefined_byte_file(),
    "1711_columns": lambda tmp_path: (
        ";".join(COLUMNS + [f"c{i}" for i in range(1700)]) + "\r\n" + GOOD_ROW + "\r\n"
    ).encode(),
}
EXPECTED = {
    "random_bytes": "no es un archivo CSV ni XLSX",
    "undefined_byte": "Línea 3, columna razon_social: el byte 0x81 no es un carácter",
    "1711_columns": "El encabezado tiene 1711 columnas",
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_file_that_is_not_readable_text_is_refused_removed_and_logged(
    client, head, settings, tmp_path, kind
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(head)
    response = upload(client, BAD_FILES[kind](tmp_path))
    assert response.status_code == 200
    page = response.content.decode()
    assert EXPECTED[kind] in page
    assert "Traceback" not in page
    assert stored_uploads(settings.MEDIA_ROOT) == []
    logged = ArrearsImport.objects.get()
    assert logged.status == "rejected" and logged.created_by == head
    assert logged.error_count == 1 and EXPECTED[kind] in logged.errors[0]["reason"]
    assert len(logged.sha256) == 64
    assert not ContributionPeriod.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_the_command_says_what_is_wrong_and_logs_the_attempt(tmp_path, head, kind):
    path = tmp_path / "mora.csv"
    path.write_bytes(BAD_FILES[kind](tmp_path))
    with pytest.raises(CommandError) as error:
        call_command("import_arrears", str(path), stdout=io.StringIO())
    assert EXPECTED[kind] in str(error.value)
    assert ArrearsImport.objects.get().status == "rejected"


@pytest.mark.django_db
def test_the_undefined_byte_is_located_by_line_and_column(tmp_path):
    path = tmp_path / "mora.csv"
    path.write_bytes(undefined_byte_file())
    with pytest.raises(ImportFileError) as error:
        tabular.sniff_format(path, COLUMNS)
    assert (error.value.line, error.value.column) == (3, "razon_social")


@pytest.mark.parametrize(
    "member", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "docProps/app.xml"]
)
def test_an_xlsx_that_unpacks_to_far_more_than_it_holds_is_refused_before_opening(
    tmp_path, member, monkeypatch
):
    path = tmp_path / "mora.xlsx"
    path.write_bytes(bomb_xlsx(tmp_path, member, 20 * 1024 * 1024))
    assert path.stat().st_size < 200 * 1024
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    with pytest.raises(ImportFileError) as error:
        tabular.sniff_format(path, COLUMNS)
    assert "descomprime a 20 MB" in str(error.value) and member in str(error.value)
    assert opened == []


def test_shared_strings_over_the_limit_are_refused_even_when_they_compress_little(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(tabular, "XLSX_MAX_SHARED_STRINGS", 1024)
    path = tmp_path / "mora.xlsx"
    path.write_bytes(bomb_xlsx(tmp_path, "xl/sharedStrings.xml", 2048))
    with pytest.raises(ImportFileError):
        tabular.sniff_format(path, COLUMNS)


@pytest.mark.django_db
def test_an_xlsx_bomb_through_the_page_is_refused_with_a_message(client, head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(head)
    content = bomb_xlsx(tmp_path, "xl/sharedStrings.xml", 20 * 1024 * 1024)
    response = upload(client, content, name="mora.xlsx")
    assert "El libro se descomprime a 20 MB" in response.content.decode()
    assert stored_uploads(settings.MEDIA_ROOT) == []
    assert ArrearsImport.objects.get().status == "rejected"
